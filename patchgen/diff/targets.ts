// What a relocation refers to, said in a way that survives recompiling: a
// definition and an offset in it, a name the unit does not define, a string
// or constant by its content, or a piece of anonymous data (a jump table, a
// compound literal) to be compared by its own content. Label numbers
// (.LC3), section order and layout are gone from this description.
import { SHN_COMMON, SHN_UNDEF, STT_SECTION } from '../../loader/elf/constants.js';
import { R_386_PC32, R_386_PLT32 } from '../../loader/elf/constants.js';
import { ObjReloc, ObjSection, RelocatableObject, SHF_MERGE, SHF_STRINGS } from '../object/relocatable.js';
import type { Item } from './items.js';

export type Target =
  | { kind: 'item'; item: Item; offset: number }
  | { kind: 'external'; name: string; offset: number }
  | { kind: 'string'; text: string }
  | { kind: 'literal'; bytes: string }
  | { kind: 'anonymous'; section: ObjSection; offset: number };

export interface UnitView {
  object: RelocatableObject;
  /** Items by the section holding them. */
  itemsBySection: ReadonlyMap<ObjSection, Item[]>;
}

/** A PC-relative field is relative to its end: the target is 4 bytes further than symbol + addend. */
const pcRelative = (type: number): boolean => type === R_386_PC32 || type === R_386_PLT32;

function cString(data: Uint8Array, at: number): string {
  if (at < 0 || at >= data.length) return `<outside the section at ${at}>`;
  const end = data.indexOf(0, at);
  return Buffer.from(data.subarray(at, end < 0 ? data.length : end)).toString('latin1');
}

export function targetOf(view: UnitView, r: ObjReloc): Target {
  const sym = view.object.symbols[r.symbol];
  if (sym.shndx === SHN_UNDEF || sym.shndx === SHN_COMMON) return { kind: 'external', name: sym.name, offset: r.addend };
  const section = view.object.sections[sym.shndx];
  const at = sym.value + r.addend;
  if ((section.flags & SHF_MERGE) !== 0) {
    if ((section.flags & SHF_STRINGS) !== 0) return { kind: 'string', text: cString(section.data, at) };
    const size = Math.max(1, section.entsize);
    return { kind: 'literal', bytes: Buffer.from(section.data.subarray(at, at + size)).toString('hex') };
  }
  const items = view.itemsBySection.get(section) ?? [];
  if (items.length === 0) return { kind: 'anonymous', section, offset: at };
  // the item the reference lands in; a PC-relative one lands 4 bytes past its addend
  const lands = pcRelative(r.type) && sym.type === STT_SECTION ? at + 4 : at;
  const item = items.find((i) => lands >= i.symbol.value && lands < i.symbol.value + Math.max(1, i.symbol.size))
    ?? (sym.type !== STT_SECTION ? items.find((i) => i.symbol === sym) : undefined)
    ?? items[0];
  return { kind: 'item', item, offset: at - item.symbol.value };
}

/** For messages: what a target is, briefly. */
export function describeTarget(t: Target): string {
  switch (t.kind) {
    case 'item': return t.offset === 0 ? t.item.name : `${t.item.name}${t.offset > 0 ? '+' : ''}${t.offset}`;
    case 'external': return t.name;
    case 'string': return JSON.stringify(t.text.length > 40 ? `${t.text.slice(0, 40)}...` : t.text);
    case 'literal': return `constant 0x${t.bytes}`;
    case 'anonymous': return `${t.section.name}+${t.offset}`;
  }
}
