// Which named types (structs, unions, enums, typedefs) each function of the
// program depends on the layout of: its parameters, return value and locals,
// those of every function inlined into it, and the variables its code names
// (read from the machine code). A type counts through pointers, arrays,
// typedefs and qualifiers, and through members embedded by value; not
// through pointer members (code that only passes a `struct conn *` along
// does not see its layout).
import { AT, TAG } from '../../loader/dwarf/constants.js';
import type { Die } from '../../loader/dwarf/die.js';
import { dieRanges } from '../../loader/dwarf/ranges.js';
import { str } from '../../loader/dwarf/die.js';
import type { DebugIndex, FunctionInfo, VariableInfo } from '../../loader/dwarf/index.js';
import type { DwarfType } from '../../loader/dwarf/types.js';

/** How a function comes to use a type, for the report: "parameter c", "inlined new_conn", "global config". */
export type UseMap = Map<string, string>;

/** Named types reachable from `t` whose layout code using a value of type `t` depends on. */
function layoutNames(t: DwarfType, out: Set<string>, seen = new Set<DwarfType>()): void {
  let x: DwarfType | undefined = t;
  for (let i = 0; x && i < 64; i++) {
    if (seen.has(x)) return;
    seen.add(x);
    switch (x.kind) {
      case 'typedef':
        if (x.name) out.add(x.name);
        x = x.target;
        continue;
      case 'const': case 'volatile': case 'restrict': case 'atomic': case 'pointer': case 'reference': case 'array':
        x = x.target;
        continue;
      case 'struct': case 'union': case 'class': case 'enum':
        if (x.name) out.add(`${x.kind} ${x.name}`);
        for (const m of x.members ?? []) if (m.type.kind !== 'pointer') layoutNames(m.type, out, seen);
        return;
      default:
        return;
    }
  }
}

/** Does any instruction of this inlined copy remain reachable? (Unknown ranges count as reachable.) */
function inlinedReachable(d: Die, reachable: (address: number) => boolean): boolean {
  let ranges;
  try {
    ranges = dieRanges(d);
  } catch {
    return true;
  }
  if (ranges.length === 0) return true;
  // instructions start anywhere in a range: probe every byte (inlined copies are small)
  for (const r of ranges) for (let a = r.start; a < r.end && a < r.start + 4096; a++) if (reachable(a)) return true;
  return false;
}

export class TypeUse {
  private readonly byFunction = new Map<FunctionInfo, UseMap>();

  constructor(private readonly index: DebugIndex) {}

  /**
   * Named types `f` depends on, with how. `reachable` limits the inlined
   * code counted to what can still run (main, resumed where it is).
   */
  of(f: FunctionInfo, variablesNamed: readonly VariableInfo[], reachable?: (address: number) => boolean): UseMap {
    let uses = reachable ? undefined : this.byFunction.get(f);
    if (uses) return uses;
    uses = new Map();
    const add = (t: DwarfType, how: string): void => {
      const names = new Set<string>();
      layoutNames(t, names);
      for (const n of names) if (!uses!.has(n)) uses!.set(n, how);
    };
    add(f.returns, 'its return type');
    for (const p of f.params) add(p.type, `parameter ${p.name ?? '?'}`);
    this.body(f.die, null, add, reachable);
    for (const v of variablesNamed) add(v.type, `${v.external ? 'global' : 'static'} ${v.name}`);
    if (!reachable) this.byFunction.set(f, uses);
    return uses;
  }

  private body(die: Die, inlined: string | null, add: (t: DwarfType, how: string) => void, reachable?: (address: number) => boolean): void {
    const stack: { d: Die; inlined: string | null }[] = die.children.map((d) => ({ d, inlined }));
    while (stack.length > 0) {
      const { d, inlined: via } = stack.pop()!;
      let within = via;
      if (d.tag === TAG.inlined_subroutine && reachable && !inlinedReachable(d, reachable)) continue;
      if (d.tag === TAG.inlined_subroutine) {
        const origin = d.unit.origin(d);
        within = (origin && str(origin, AT.name)) ?? '?';
        // the inlined function's parameters and locals come with its abstract instance
        if (origin) for (const c of origin.children) if (c.tag === TAG.formal_parameter || c.tag === TAG.variable) add(this.index.types.typeOf(c), `inlined ${within}`);
      } else if (d.tag === TAG.variable || d.tag === TAG.formal_parameter) {
        const name = str(d, AT.name) ?? (d.unit.origin(d) ? str(d.unit.origin(d)!, AT.name) : undefined) ?? '?';
        add(this.index.types.typeOf(d), via ? `inlined ${via}` : `${d.tag === TAG.variable ? 'local' : 'parameter'} ${name}`);
      }
      for (const c of d.children) stack.push({ d: c, inlined: within });
    }
  }
}
