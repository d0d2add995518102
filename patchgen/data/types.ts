// The program's variables compared by type, from the debug information of
// both builds (loader/dwarf): a struct that gained a field, an array that
// grew, a typedef that changed, directly or through what the variable points
// to. Variables are found by address in each build's program, so statics
// (function-local ones too) are told apart as the symbol tables tell them.
import { DebugIndex, DwarfInfo, debugSections, compareLayouts, declaration, resolved } from '../../loader/dwarf/index.js';
import type { DwarfType, VariableInfo, LayoutDifference } from '../../loader/dwarf/index.js';
import { DwarfError } from '../../loader/dwarf/index.js';
import type { UnitPair } from '../diff/unit.js';
import type { Item } from '../diff/items.js';
import { ProgramFile } from '../program.js';
import type { VariableChange } from './variables.js';

/** One build's program with its debug information, for looking variables up by address. */
export class BuildDebug {
  private readonly byAddress = new Map<number, VariableInfo>();
  private readonly complete = new Map<string, DwarfType | null>();

  private constructor(readonly program: ProgramFile, readonly index: DebugIndex) {
    for (const v of index.allVariables()) if (v.address !== null && !v.declaration) this.byAddress.set(v.address, v);
  }

  /** The debug information of a build's program, or null when it has none (then only sizes are compared). */
  static open(programPath: string): BuildDebug | null {
    const program = ProgramFile.open(programPath);
    try {
      const index = new DebugIndex(new DwarfInfo(debugSections(program.elf)));
      return index.units.length > 0 ? new BuildDebug(program, index) : null;
    } catch (e) {
      if (e instanceof DwarfError) return null;
      throw e;
    }
  }

  variable(unit: UnitPair, item: Item): VariableInfo | null {
    const def = item.local ? this.program.local(unit.fileName, item.name) : this.program.global(item.name);
    return def ? this.byAddress.get(def.address) ?? null : null;
  }

  /** A struct, union or enum only declared in one unit, completed from another that defines it. */
  completion = (t: DwarfType): DwarfType | undefined => {
    const r = resolved(t);
    if (!r.declaration || r.name === null) return undefined;
    const key = `${r.kind} ${r.name}`;
    if (!this.complete.has(key)) this.complete.set(key, this.index.namedTypes(key).map((n) => n.type).find((x) => !resolved(x).declaration) ?? null);
    return this.complete.get(key) ?? undefined;
  };
}

/** "->hits: no such member -> unsigned long, offset 20" */
function describeDifference(d: LayoutDifference): string {
  const where = d.path === '' ? '' : `${d.path}: `;
  return `${where}${d.a} -> ${d.b}`;
}

/** Variables of both builds whose types differ in layout (with both types, when debug information has them); sizes where it is missing. */
export function variableChanges(units: readonly UnitPair[], oldDebug: BuildDebug | null, newDebug: BuildDebug | null): { changes: VariableChange[]; types: Map<VariableChange, { oldType: DwarfType; newType: DwarfType }> } {
  const out: VariableChange[] = [];
  const types = new Map<VariableChange, { oldType: DwarfType; newType: DwarfType }>();
  for (const u of units) {
    for (const item of u.newItems) {
      if (item.kind !== 'variable') continue;
      const old = u.correlation.toOld.get(item);
      if (!old) continue;
      const storage = old.symbol.size !== item.symbol.size;
      const ov = oldDebug?.variable(u, old) ?? null;
      const nv = newDebug?.variable(u, item) ?? null;
      let difference: string | null = null;
      let type: string | null = null;
      if (ov && nv) {
        const d = compareLayouts(ov.type, nv.type, { completeA: oldDebug!.completion, completeB: newDebug!.completion });
        if (d) {
          difference = describeDifference(d);
          type = declaration(nv.type, old.name);
        }
      }
      if (difference === null && storage) difference = `${old.symbol.size} -> ${item.symbol.size} bytes`;
      if (difference === null) continue;
      const change: VariableChange = { unit: u.key, name: old.name, local: old.local, oldSize: old.symbol.size, newSize: item.symbol.size, item, type, difference, storage, converted: false, stillUsedBy: [] };
      out.push(change);
      if (ov && nv) types.set(change, { oldType: ov.type, newType: nv.type });
    }
  }
  return { changes: out, types };
}
