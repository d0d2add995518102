// The type model: DWARF type DIEs as a graph of plain objects (pointers may
// be cyclic: a list node points to itself). Built lazily, one object per
// DIE, so a type is read once however often it is used.
import { AT, ATE, TAG } from './constants.js';
import { Die, attribute, flag, num, ref, str } from './die.js';
import { smallNumber } from './cursor.js';

export type TypeKind =
  | 'void' | 'base' | 'pointer' | 'reference' | 'struct' | 'union' | 'class' | 'enum' | 'array' | 'typedef'
  | 'const' | 'volatile' | 'restrict' | 'atomic' | 'function' | 'unspecified' | 'ptr_to_member' | 'unknown';

export interface Member {
  /** Null for an anonymous struct or union member. */
  name: string | null;
  type: DwarfType;
  /** Byte offset in the enclosing type (of the storage unit, for a bit-field). */
  offset: number;
  /** For a bit-field: its width and its offset in bits from the start of the enclosing type. */
  bitSize?: number;
  bitOffset?: number;
}

export interface Enumerator {
  name: string;
  value: number | bigint;
}

export interface DwarfType {
  kind: TypeKind;
  /** Tag or typedef name, base type name; null when anonymous. */
  name: string | null;
  /** Bytes; null when unknown (void, an incomplete struct, a function). */
  size: number | null;
  /** What a pointer, reference, typedef, qualifier or array refers to (void: kind 'void'). */
  target?: DwarfType;
  /** Struct, union, class: the members in order. */
  members?: Member[];
  enumerators?: Enumerator[];
  /** Array: element counts of each dimension, outermost first (null: unknown, as in `int a[]`). */
  dims?: (number | null)[];
  /** Function: return type and parameters. */
  returns?: DwarfType;
  params?: DwarfType[];
  variadic?: boolean;
  prototyped?: boolean;
  /** Base type: DW_ATE_* encoding. */
  encoding?: number;
  /** A declaration only (an incomplete struct, union or enum). */
  declaration?: boolean;
  /** Source file and line of the declaration, when known. */
  declFile?: string;
  declLine?: number;
  /** Where the type was read: file and .debug_info offset. */
  file: string;
  offset: number;
}

const QUALIFIERS: Record<number, TypeKind> = {
  [TAG.const_type]: 'const', [TAG.volatile_type]: 'volatile', [TAG.restrict_type]: 'restrict', [TAG.atomic_type]: 'atomic',
};

export const VOID: DwarfType = { kind: 'void', name: 'void', size: null, file: '', offset: -1 };

/** Resolves a unit's decl_file index to a path (set by the index, which owns the line tables). */
export type FileNamer = (die: Die, index: number) => string | undefined;

export class TypeModel {
  private readonly cache = new WeakMap<Die, DwarfType>();

  constructor(private readonly fileName: FileNamer = () => undefined) {}

  /** The type a DIE's DW_AT_type names (void when it has none). */
  typeOf(die: Die): DwarfType {
    const at = ref(die, AT.type);
    if (at === undefined) {
      const origin = die.unit.origin(die);
      return origin && origin !== die ? this.typeOf(origin) : VOID;
    }
    const target = die.unit.dieAt(at);
    return target ? this.type(target) : unknown(die, at);
  }

  /** The type a type DIE describes. */
  type(die: Die): DwarfType {
    const known = this.cache.get(die);
    if (known) return known;
    const t: DwarfType = { kind: 'unknown', name: str(die, AT.name) ?? null, size: num(die, AT.byte_size) ?? null, file: die.unit.file, offset: die.offset };
    this.cache.set(die, t);
    const line = num(die, AT.decl_line);
    const fileIndex = num(die, AT.decl_file);
    if (fileIndex !== undefined) t.declFile = this.fileName(die, fileIndex);
    if (line !== undefined) t.declLine = line;
    switch (die.tag) {
      case TAG.base_type:
        t.kind = 'base';
        t.encoding = num(die, AT.encoding);
        break;
      case TAG.unspecified_type:
        t.kind = 'unspecified';
        break;
      case TAG.pointer_type: case TAG.reference_type: case TAG.rvalue_reference_type:
        t.kind = die.tag === TAG.pointer_type ? 'pointer' : 'reference';
        t.target = this.typeOf(die);
        t.size ??= die.unit.header.addressSize;
        break;
      case TAG.ptr_to_member_type:
        t.kind = 'ptr_to_member';
        t.target = this.typeOf(die);
        break;
      case TAG.typedef:
        t.kind = 'typedef';
        t.target = this.typeOf(die);
        t.size = t.target.size;
        break;
      case TAG.const_type: case TAG.volatile_type: case TAG.restrict_type: case TAG.atomic_type:
        t.kind = QUALIFIERS[die.tag];
        t.target = this.typeOf(die);
        t.size = t.target.size;
        break;
      case TAG.structure_type: case TAG.union_type: case TAG.class_type:
        t.kind = die.tag === TAG.structure_type ? 'struct' : die.tag === TAG.union_type ? 'union' : 'class';
        t.declaration = flag(die, AT.declaration) || undefined;
        t.members = this.members(die);
        break;
      case TAG.enumeration_type:
        t.kind = 'enum';
        t.declaration = flag(die, AT.declaration) || undefined;
        if (ref(die, AT.type) !== undefined) t.target = this.typeOf(die);
        t.enumerators = die.children.filter((c) => c.tag === TAG.enumerator).map((c) => ({
          name: str(c, AT.name) ?? '', value: constant(c) ?? 0,
        }));
        break;
      case TAG.array_type:
        t.kind = 'array';
        t.target = this.typeOf(die);
        t.dims = die.children.filter((c) => c.tag === TAG.subrange_type || c.tag === TAG.enumeration_type).map(dimension);
        if (t.dims.length === 0) t.dims = [null];
        t.size ??= arraySize(t);
        break;
      case TAG.subroutine_type: case TAG.subprogram:
        this.fillFunction(t, die);
        break;
      default:
        t.kind = 'unknown';
    }
    return t;
  }

  /** A function type from a subprogram or subroutine type DIE (parameters from its children). */
  fillFunction(t: DwarfType, die: Die): DwarfType {
    t.kind = 'function';
    t.size = null;
    t.returns = this.typeOf(die);
    t.prototyped = flag(die, AT.prototyped) || undefined;
    const source = die.children.some((c) => c.tag === TAG.formal_parameter) ? die : die.unit.origin(die) ?? die;
    t.params = source.children.filter((c) => c.tag === TAG.formal_parameter).map((c) => this.typeOf(c));
    t.variadic = source.children.some((c) => c.tag === TAG.unspecified_parameters) || undefined;
    return t;
  }

  private members(die: Die): Member[] {
    const out: Member[] = [];
    for (const c of die.children) {
      if (c.tag !== TAG.member && c.tag !== TAG.inheritance) continue;
      const type = this.typeOf(c);
      const m: Member = { name: str(c, AT.name) ?? null, type, offset: memberOffset(c) };
      const bitSize = num(c, AT.bit_size);
      if (bitSize !== undefined) {
        m.bitSize = bitSize;
        const dataBit = num(c, AT.data_bit_offset);
        if (dataBit !== undefined) {
          m.bitOffset = dataBit;
        } else {
          // DWARF 2-3 style: DW_AT_bit_offset counts from the most significant bit of the storage unit (little-endian)
          const storage = num(c, AT.byte_size) ?? type.size ?? 4;
          const bo = num(c, AT.bit_offset) ?? 0;
          m.bitOffset = m.offset * 8 + storage * 8 - bo - bitSize;
        }
        m.offset = Math.floor(m.bitOffset / 8);
      }
      out.push(m);
    }
    return out;
  }
}

function unknown(die: Die, offset: number): DwarfType {
  return { kind: 'unknown', name: null, size: null, file: die.unit.file, offset };
}

function memberOffset(c: Die): number {
  const a = attribute(c, AT.data_member_location);
  if (!a) return 0;
  if (typeof a.value === 'number') return a.value;
  // a location expression: DW_OP_plus_uconst N (DWARF 2 style)
  if (a.value instanceof Uint8Array && a.value[0] === 0x23) {
    let v = 0;
    let shift = 0;
    for (let i = 1; i < a.value.length && shift < 35; i++) {
      v += (a.value[i] & 0x7f) * 2 ** shift;
      shift += 7;
      if (!(a.value[i] & 0x80)) break;
    }
    return v;
  }
  return 0;
}

function constant(die: Die): number | bigint | undefined {
  const a = attribute(die, AT.const_value);
  if (!a) return undefined;
  return typeof a.value === 'number' || typeof a.value === 'bigint' ? a.value : undefined;
}

function dimension(sub: Die): number | null {
  const count = num(sub, AT.count);
  if (count !== undefined) return count;
  const upper = attribute(sub, AT.upper_bound);
  if (!upper || (typeof upper.value !== 'number' && typeof upper.value !== 'bigint')) return null;
  const lower = num(sub, AT.lower_bound) ?? 0;
  const up = smallNumber(upper.value);
  // an upper bound of -1 (or its unsigned form) is gcc's zero-length array
  if (up === undefined || up === 0xffffffff || up < lower - 1) return 0;
  return up - lower + 1;
}

function arraySize(t: DwarfType): number | null {
  const element = t.target?.size;
  if (element === null || element === undefined) return null;
  let n = element;
  for (const d of t.dims ?? []) {
    if (d === null) return null;
    n *= d;
  }
  return n;
}

/** Typedefs and qualifiers stripped: the type whose layout a value has. */
export function resolved(t: DwarfType): DwarfType {
  let x = t;
  for (let i = 0; i < 64 && x.target && (x.kind === 'typedef' || x.kind === 'const' || x.kind === 'volatile' || x.kind === 'restrict' || x.kind === 'atomic'); i++) x = x.target;
  return x;
}

export const isFloat = (t: DwarfType): boolean => t.kind === 'base' && (t.encoding === ATE.float || t.encoding === ATE.complex_float);
