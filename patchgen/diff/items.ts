// The named definitions of a translation unit, as the generator reasons
// about them: functions, variables (state: writable data) and constants
// (read-only data, and .data.rel.ro, constant once relocated). Compiled with
// -ffunction-sections -fdata-sections, each lives in a section of its own.
import { STB_LOCAL, STT_FUNC, STT_GNU_IFUNC, STT_OBJECT, STT_NOTYPE, SHT_NOBITS } from '../../loader/elf/constants.js';
import { ObjSection, ObjSymbol, RelocatableObject, SHF_ALLOC, SHF_EXECINSTR, SHF_WRITE } from '../object/relocatable.js';

export type ItemKind = 'function' | 'variable' | 'constant';

export interface Item {
  kind: ItemKind;
  /** The symbol's name in this object (a clone or numbered static keeps its suffix: "find_link.cold", "calls.0"). */
  name: string;
  local: boolean;
  symbol: ObjSymbol;
  section: ObjSection;
}

/** Symbols the compiler makes for itself: never items of the program. */
function compilerInternal(name: string): boolean {
  return name === '' || name.startsWith('.L') || name.startsWith('__x86.get_pc_thunk') || name === '_GLOBAL_OFFSET_TABLE_';
}

/** gcc's clone and numbering suffixes: "f.isra.0", "f.constprop.3", "f.part.1", "f.cold", "calls.2". */
const SUFFIX = /(\.(isra|constprop|part|cold|lto_priv|localalias)(\.\d+)?|\.\d+)+$/;

/** The name an item has in the source: "f" for "f.isra.0", "calls" for "calls.0". */
export const sourceName = (name: string): string => name.replace(SUFFIX, '') || name;

/** What kind of clone, for messages: "isra", "constprop", "part", "cold", or null for an ordinary name. */
export function cloneKind(name: string): string | null {
  const m = /\.(isra|constprop|part|cold)(\.\d+)?$/.exec(name) ?? /\.(isra|constprop|part|cold)\./.exec(name);
  return m ? m[1] : null;
}

/** gcc's split-off cold part of a function ("f.cold", "f.cold.3"): it belongs to f. */
export const isColdPart = (name: string): boolean => /\.cold(\.\d+)?$/.test(name);

function kindOf(sym: ObjSymbol, section: ObjSection): ItemKind | null {
  if ((section.flags & SHF_ALLOC) === 0) return null;
  if (sym.type === STT_FUNC || sym.type === STT_GNU_IFUNC) return (section.flags & SHF_EXECINSTR) !== 0 ? 'function' : null;
  if (sym.type !== STT_OBJECT && !(sym.type === STT_NOTYPE && sym.size > 0)) return null;
  if (section.name.startsWith('.data.rel.ro')) return 'constant';
  return (section.flags & SHF_WRITE) !== 0 || section.type === SHT_NOBITS ? 'variable' : 'constant';
}

export function unitItems(obj: RelocatableObject): Item[] {
  const out: Item[] = [];
  for (const section of obj.sections) {
    for (const sym of section.symbols) {
      if (compilerInternal(sym.name)) continue;
      const kind = kindOf(sym, section);
      if (kind === null) continue;
      out.push({ kind, name: sym.name, local: sym.bind === STB_LOCAL, symbol: sym, section });
    }
  }
  return out;
}
