// Layout comparison of two types, usually from two different files (the
// running program and a patch): names do not matter, layouts do. The first
// difference is named (member path, offset, size, bit-field, count), in the
// order a reader of the struct meets them.
import { declaration } from './c-decl.js';
import { DwarfType, isFloat, resolved } from './types.js';

type DifferenceKind = 'kind' | 'size' | 'member' | 'offset' | 'bit-field' | 'count' | 'encoding' | 'enumerator' | 'parameters';

export interface LayoutDifference {
  /** A C-like path from the compared type to where they differ: "", "flags", "->next.fd", "[0]", "(member 2)" (names differ there), "(parameter 2)". */
  path: string;
  kind: DifferenceKind;
  /** The differing detail on each side, in words ("offset 4", "8 bytes", "no such member"). */
  a: string;
  b: string;
  /** The innermost aggregate (struct/union) the difference is in, on each side, for printing. */
  within?: { a: DwarfType; b: DwarfType };
}

export interface CompareOptions {
  /** Completes an incomplete struct/union/enum (a declaration) from its file's other units. */
  completeA?: (t: DwarfType) => DwarfType | undefined;
  completeB?: (t: DwarfType) => DwarfType | undefined;
  /** Follow pointers into what they point to (default true): the pointee's layout is what code reading through it sees. */
  throughPointers?: boolean;
}

/** The first layout difference between `a` and `b`, or null when they lay out the same. */
export function compareLayouts(a: DwarfType, b: DwarfType, options: CompareOptions = {}): LayoutDifference | null {
  return new Comparison(options).compare(a, b, '', undefined);
}

/** `conn` + `fd`: `.fd` after a struct, `fd` after `->` or at the top. */
const member = (path: string, name: string): string => (path === '' || path.endsWith('->') ? `${path}${name}` : `${path}.${name}`);

const bytes = (n: number | null): string => (n === null ? 'unknown size' : `${n} byte${n === 1 ? '' : 's'}`);

class Comparison {
  private readonly seen = new Set<string>();
  constructor(private readonly o: CompareOptions) {}

  compare(x: DwarfType, y: DwarfType, path: string, within: LayoutDifference['within']): LayoutDifference | null {
    let a = resolved(x);
    let b = resolved(y);
    if (a.declaration) a = this.o.completeA?.(a) ?? a;
    if (b.declaration) b = this.o.completeB?.(b) ?? b;
    const key = `${a.file}\0${a.offset}\0${b.file}\0${b.offset}`;
    if (this.seen.has(key)) return null;
    this.seen.add(key);
    const diff = (kind: DifferenceKind, da: string, db: string): LayoutDifference => ({ path, kind, a: da, b: db, within });
    // what one side cannot describe is not a difference it can prove
    if (a.kind === 'unknown' || b.kind === 'unknown' || a.declaration || b.declaration) return null;
    const integral = (t: DwarfType): boolean => t.kind === 'enum' || (t.kind === 'base' && !isFloat(t));
    if (a.kind !== b.kind && !(integral(a) && integral(b))) {
      if (a.kind === 'void' || b.kind === 'void') return null;
      return diff('kind', declaration(a), declaration(b));
    }
    if (a.kind === 'function') return this.functions(a, b, path, within);
    if (a.size !== null && b.size !== null && a.size !== b.size && a.kind !== 'struct' && a.kind !== 'union' && a.kind !== 'class' && a.kind !== 'array') {
      return diff('size', `${declaration(a)}, ${bytes(a.size)}`, `${declaration(b)}, ${bytes(b.size)}`);
    }
    switch (a.kind) {
      case 'base':
        if (isFloat(a) !== isFloat(b)) return diff('encoding', declaration(a), declaration(b));
        return null;
      case 'enum':
        if (b.kind === 'enum') return this.enums(a, b, path, within);
        return null;
      case 'pointer': case 'reference':
        if (this.o.throughPointers === false || !a.target || !b.target) return null;
        return this.compare(a.target, b.target, `${path}->`, within);
      case 'array': {
        const da = a.dims ?? [];
        const db = b.dims ?? [];
        if (da.length !== db.length || da.some((d, i) => d !== db[i])) {
          return diff('count', declaration(a), declaration(b));
        }
        return this.compare(a.target!, b.target!, `${path}[0]`, within);
      }
      case 'struct': case 'union': case 'class':
        return this.aggregates(a, b, path);
      default:
        return null;
    }
  }

  private aggregates(a: DwarfType, b: DwarfType, path: string): LayoutDifference | null {
    const within = { a, b };
    const ma = a.members ?? [];
    const mb = b.members ?? [];
    const n = Math.max(ma.length, mb.length);
    const at = (p: string, m: { name: string | null }, i: number): string => member(p, m.name ?? `(member ${i + 1})`);
    for (let i = 0; i < n; i++) {
      const x = ma[i];
      const y = mb[i];
      if (!x || !y) {
        const m = (x ?? y)!;
        const where = `${declaration(m.type, m.name ?? '')} at offset ${m.offset}`;
        return { path: at(path, m, i), kind: 'member', a: x ? where : 'no such member', b: y ? where : 'no such member', within };
      }
      if (x.name !== y.name) {
        return { path: member(path, `(member ${i + 1})`), kind: 'member', a: `${declaration(x.type, x.name ?? '')} at offset ${x.offset}`, b: `${declaration(y.type, y.name ?? '')} at offset ${y.offset}`, within };
      }
      const p = at(path, x, i);
      if ((x.bitSize !== undefined) !== (y.bitSize !== undefined) || x.bitSize !== y.bitSize || x.bitOffset !== y.bitOffset) {
        const bf = (m: typeof x): string => (m.bitSize === undefined ? `not a bit-field, offset ${m.offset}` : `${m.bitSize} bits at bit ${m.bitOffset}`);
        return { path: p, kind: 'bit-field', a: bf(x), b: bf(y), within };
      }
      if (x.offset !== y.offset) return { path: p, kind: 'offset', a: `offset ${x.offset}`, b: `offset ${y.offset}`, within };
      const inner = this.compare(x.type, y.type, p, within);
      if (inner) return inner;
    }
    if (a.size !== null && b.size !== null && a.size !== b.size) {
      return { path, kind: 'size', a: bytes(a.size), b: bytes(b.size), within };
    }
    return null;
  }

  private enums(a: DwarfType, b: DwarfType, path: string, within: LayoutDifference['within']): LayoutDifference | null {
    const vb = new Map((b.enumerators ?? []).map((e) => [e.name, e.value]));
    for (const e of a.enumerators ?? []) {
      const other = vb.get(e.name);
      if (other !== undefined && BigInt(other) !== BigInt(e.value)) {
        return { path: `${path}`, kind: 'enumerator', a: `${e.name} = ${e.value}`, b: `${e.name} = ${other}`, within };
      }
    }
    return null;
  }

  private functions(a: DwarfType, b: DwarfType, path: string, within: LayoutDifference['within']): LayoutDifference | null {
    const pa = a.params ?? [];
    const pb = b.params ?? [];
    if (pa.length !== pb.length || Boolean(a.variadic) !== Boolean(b.variadic)) {
      return { path, kind: 'parameters', a: declaration(a), b: declaration(b), within };
    }
    const ret = this.compare(a.returns!, b.returns!, `${path}(return)`, within);
    if (ret) return ret;
    for (let i = 0; i < pa.length; i++) {
      const d = this.compare(pa[i], pb[i], `${path}(parameter ${i + 1})`, within);
      if (d) return d;
    }
    return null;
  }
}
