// One unit of .debug_info (DWARF 2-5): its header, its DIE tree, and the
// bases its indexed forms are relative to (str_offsets, addr, rnglists,
// loclists). The tree is read iteratively, so deep nesting cannot overflow
// the host's stack, and every offset is checked.
import { Cursor } from './cursor.js';
import { AbbrevTable, AttributeSpec } from './abbrev.js';
import { AT, FORM, TAG, UT, formName } from './constants.js';
import { Attribute, AttrValue, Die, attribute, num, ref } from './die.js';

const NO_CHILDREN: Die[] = [];
import type { DebugSections } from './sections.js';
import { DwarfError } from './errors.js';

export interface UnitHeader {
  /** Offset of the unit's length field. */
  offset: number;
  /** Offset just past the unit. */
  end: number;
  version: number;
  unitType: number;
  offsetSize: 4 | 8;
  addressSize: number;
  abbrevOffset: number;
  /** Offset of the first DIE. */
  dieOffset: number;
  /** DWARF 5 skeleton and split units: the ID pairing them. */
  dwoId?: bigint;
  typeSignature?: bigint;
}

/** What a unit needs from the file it belongs to. */
export interface UnitHost {
  readonly file: string;
  readonly sections: DebugSections;
  abbrevs(offset: number): AbbrevTable;
  /** A string of .debug_str or .debug_line_str (cached), undefined when out of range or unterminated. */
  strings(section: '.debug_str' | '.debug_line_str', offset: number): string | undefined;
  /** A DIE of any unit of this file, by .debug_info offset. */
  dieAt(offset: number): Die | undefined;
  /** For a split (.dwo) unit: the skeleton's addr_base and the main file's .debug_addr. */
  readonly skeleton?: { addrBase: number; addr: Uint8Array | null; lowPc: number; unit: Unit };
}

/** Reads every unit header of .debug_info, checking they tile the section. */
export function readUnitHeaders(info: Uint8Array, file: string, section: string): UnitHeader[] {
  const headers: UnitHeader[] = [];
  const c = new Cursor(info, file, section);
  while (!c.atEnd) {
    const offset = c.pos;
    if (info.length - offset < 4) c.fail('trailing bytes after the last unit');
    const { offsetSize, end } = c.initialLength();
    const u = new Cursor(info, file, section, c.pos, end);
    const version = u.u16();
    if (version < 2 || version > 5) u.fail(`unsupported DWARF version ${version}`, offset);
    let unitType: number = UT.compile;
    let addressSize: number;
    let abbrevOffset: number;
    let dwoId: bigint | undefined;
    let typeSignature: bigint | undefined;
    if (version === 5) {
      unitType = u.u8();
      addressSize = u.u8();
      abbrevOffset = u.offset(offsetSize);
      if (unitType === UT.skeleton || unitType === UT.split_compile) dwoId = BigInt(u.u64());
      else if (unitType === UT.type || unitType === UT.split_type) {
        typeSignature = BigInt(u.u64());
        u.offset(offsetSize);
      } else if (unitType !== UT.compile && unitType !== UT.partial) u.fail(`unknown unit type ${unitType}`, offset);
    } else {
      abbrevOffset = u.offset(offsetSize);
      addressSize = u.u8();
    }
    if (addressSize !== 4 && addressSize !== 8 && addressSize !== 2) u.fail(`address size ${addressSize}`, offset);
    headers.push({ offset, end, version, unitType, offsetSize, addressSize, abbrevOffset, dieOffset: u.pos, dwoId, typeSignature });
    c.pos = end;
  }
  return headers;
}

/** DW_FORM_indirect may name another indirect form; real producers never nest. */
const MAX_INDIRECT = 4;

export class Unit {
  readonly root: Die;
  private readonly byOffset = new Map<number, Die>();
  /** DW_AT_str_offsets_base, or the default past a DWARF 5 header. */
  readonly strOffsetsBase: number;
  readonly addrBase: number;
  readonly rnglistsBase: number;
  readonly loclistsBase: number;
  /** Base address for ranges and locations (the unit's DW_AT_low_pc). */
  readonly lowPc: number;

  constructor(readonly header: UnitHeader, readonly host: UnitHost, readonly index: number) {
    const info = host.sections.get('.debug_info');
    if (!info) throw new DwarfError(host.file, '.debug_info', -1, 'missing');
    const c = new Cursor(info, host.file, this.section, header.dieOffset, header.end);
    const abbrevs = host.abbrevs(header.abbrevOffset);
    // the root first, raw: its own bases decide how its indexed forms resolve
    const rootBases = { str: -1, addr: -1 };
    this.bases = rootBases;
    const root = this.readDie(c, abbrevs, null) ?? c.fail('unit without a root DIE', header.dieOffset);
    const split = host.sections.dwo;
    const v5 = header.version >= 5;
    this.strOffsetsBase = num(root, AT.str_offsets_base) ?? (v5 ? 2 * header.offsetSize : 0);
    this.addrBase = host.skeleton?.addrBase ?? num(root, AT.addr_base) ?? num(root, AT.GNU_addr_base) ?? 0;
    this.rnglistsBase = num(root, AT.rnglists_base) ?? (split && v5 ? 12 : 0);
    this.loclistsBase = num(root, AT.loclists_base) ?? (split && v5 ? 12 : 0);
    this.bases = { str: this.strOffsetsBase, addr: this.addrBase };
    this.resolveDeferred(root);
    const low = attribute(root, AT.low_pc)?.value;
    this.lowPc = typeof low === 'number' ? low : host.skeleton?.lowPc ?? 0;
    this.root = root;
    if (this.lastHadChildren) this.readChildren(c, abbrevs, root);
  }

  private bases: { str: number; addr: number };
  /** Whether the DIE readDie returned last has children (its abbreviation says so). */
  private lastHadChildren = false;
  /** Indexes of root attributes read before the bases were known (strx, addrx). */
  private deferred: number[] = [];

  get section(): string {
    return this.host.sections.dwo ? '.debug_info.dwo' : '.debug_info';
  }

  get file(): string {
    return this.host.file;
  }

  dieAt(offset: number): Die | undefined {
    if (offset >= this.header.offset && offset < this.header.end) return this.byOffset.get(offset);
    return this.host.dieAt(offset);
  }

  /** DW_AT_abstract_origin or DW_AT_specification, when present and resolvable. */
  origin(die: Die): Die | undefined {
    const o = ref(die, AT.abstract_origin) ?? ref(die, AT.specification);
    return o === undefined ? undefined : this.dieAt(o);
  }

  /** All DIEs, in order. */
  dies(): IterableIterator<Die> {
    return this.byOffset.values();
  }

  private readChildren(c: Cursor, abbrevs: AbbrevTable, root: Die): void {
    const stack: Die[] = [root];
    while (stack.length > 0 && !c.atEnd) {
      const parent = stack[stack.length - 1];
      const die = this.readDie(c, abbrevs, parent);
      if (!die) {
        stack.pop();
        continue;
      }
      if (parent.children === NO_CHILDREN) parent.children = [];
      parent.children.push(die);
      if (this.lastHadChildren) stack.push(die);
    }
    // a truncated tree (no closing null entries) is accepted, as binutils does
  }

  /** One DIE, or null for a null entry (end of siblings). */
  private readDie(c: Cursor, abbrevs: AbbrevTable, parent: Die | null): Die | null {
    const offset = c.pos;
    const code = c.index('abbreviation code');
    if (code === 0) return null;
    const abbrev = abbrevs.get(code);
    if (!abbrev) c.fail(`abbreviation code ${code} not in the table at 0x${this.header.abbrevOffset.toString(16)}`, offset);
    const n = abbrev.attributes.length;
    const values: AttrValue[] = new Array(n);
    let specs: readonly AttributeSpec[] = abbrev.attributes;
    for (let i = 0; i < n; i++) {
      const a = this.readAttribute(c, abbrev.attributes[i], 0);
      values[i] = a.value;
      // DW_FORM_indirect: this DIE's forms differ from its abbreviation's
      if (a.form !== specs[i].form) specs = specs.map((s, j) => (j === i ? { at: s.at, form: a.form } : s));
      if (this.bases.str < 0 && typeof a.value === 'number' && isIndexed(a.form)) this.deferred.push(i);
    }
    const die: Die = { offset, tag: abbrev.tag, specs, values, children: NO_CHILDREN, parent, unit: this };
    this.byOffset.set(offset, die);
    this.lastHadChildren = abbrev.children;
    return die;
  }

  private readAttribute(c: Cursor, spec: AttributeSpec, depth: number): Attribute {
    const form = spec.form;
    const h = this.header;
    const at = c.pos;
    let value: AttrValue;
    switch (form) {
      case FORM.addr: value = c.address(h.addressSize); break;
      case FORM.block1: value = c.block(c.u8()); break;
      case FORM.block2: value = c.block(c.u16()); break;
      case FORM.block4: value = c.block(c.u32()); break;
      case FORM.block: case FORM.exprloc: value = c.block(c.index('block length')); break;
      case FORM.data1: value = c.u8(); break;
      case FORM.data2: value = c.u16(); break;
      case FORM.data4: value = c.u32(); break;
      case FORM.data8: value = c.u64(); break;
      case FORM.data16: value = c.block(16); break;
      case FORM.sdata: value = c.sleb(); break;
      case FORM.udata: value = c.uleb(); break;
      case FORM.implicit_const: value = spec.implicit ?? 0; break;
      case FORM.flag: value = c.u8() !== 0; break;
      case FORM.flag_present: value = true; break;
      case FORM.string: value = c.cstring(); break;
      case FORM.strp: value = this.string('.debug_str', c.offset(h.offsetSize), at); break;
      case FORM.line_strp: value = this.string('.debug_line_str', c.offset(h.offsetSize), at); break;
      case FORM.strx: case FORM.GNU_str_index: value = this.strx(c.index('string index'), at, form); break;
      case FORM.strx1: value = this.strx(c.u8(), at, form); break;
      case FORM.strx2: value = this.strx(c.u16(), at, form); break;
      case FORM.strx3: value = this.strx(c.u24(), at, form); break;
      case FORM.strx4: value = this.strx(c.u32(), at, form); break;
      case FORM.addrx: case FORM.GNU_addr_index: value = this.addrx(c.index('address index'), at, form); break;
      case FORM.addrx1: value = this.addrx(c.u8(), at, form); break;
      case FORM.addrx2: value = this.addrx(c.u16(), at, form); break;
      case FORM.addrx3: value = this.addrx(c.u24(), at, form); break;
      case FORM.addrx4: value = this.addrx(c.u32(), at, form); break;
      case FORM.ref1: value = this.localRef(c, c.u8(), at); break;
      case FORM.ref2: value = this.localRef(c, c.u16(), at); break;
      case FORM.ref4: value = this.localRef(c, c.u32(), at); break;
      case FORM.ref8: value = this.localRef(c, c.offset(8), at); break;
      case FORM.ref_udata: value = this.localRef(c, c.index('reference'), at); break;
      case FORM.ref_addr: value = h.version <= 2 ? c.address(h.addressSize) : c.offset(h.offsetSize); break;
      case FORM.ref_sig8: value = BigInt(c.u64()); break;
      case FORM.sec_offset: value = c.offset(h.offsetSize); break;
      case FORM.loclistx: case FORM.rnglistx: value = c.index('list index'); break;
      case FORM.ref_sup4: case FORM.strp_sup: case FORM.GNU_ref_alt: case FORM.GNU_strp_alt: c.offset(form === FORM.ref_sup4 ? 4 : h.offsetSize); value = 0; break;
      case FORM.ref_sup8: c.skip(8); value = 0; break;
      case FORM.indirect: {
        if (depth >= MAX_INDIRECT) c.fail('DW_FORM_indirect nested too deeply', at);
        const actual = c.index('form');
        return { ...this.readAttribute(c, { at: spec.at, form: actual, implicit: spec.implicit }, depth + 1) };
      }
      default: c.fail(`unknown attribute form ${formName(form)}`, at);
    }
    return { at: spec.at, form, value };
  }

  private localRef(c: Cursor, rel: number, at: number): number {
    const offset = this.header.offset + rel;
    if (offset >= this.header.end) c.fail(`reference 0x${rel.toString(16)} outside its unit`, at);
    return offset;
  }

  private string(section: '.debug_str' | '.debug_line_str', offset: number, at: number): string {
    const s = this.host.strings(section, offset);
    if (s === undefined) throw new DwarfError(this.file, this.section, at, `string offset 0x${offset.toString(16)} outside ${section} or unterminated`);
    return s;
  }

  /** An index into .debug_str_offsets; before the root's base is known, the raw index (resolved later). */
  private strx(index: number, at: number, form: number): AttrValue {
    if (this.bases.str < 0) return index;
    const c = this.strOffsets ??= this.cursorOver('.debug_str_offsets', at, form);
    c.pos = this.bases.str + index * this.header.offsetSize;
    return this.string('.debug_str', c.offset(this.header.offsetSize), at);
  }

  private addrx(index: number, at: number, form: number): AttrValue {
    if (this.bases.str < 0) return index;
    const c = this.addrs ??= this.cursorOver('.debug_addr', at, form);
    c.pos = this.bases.addr + index * this.header.addressSize;
    return c.address(this.header.addressSize);
  }

  private strOffsets?: Cursor;
  private addrs?: Cursor;

  private cursorOver(section: '.debug_addr' | '.debug_str_offsets', at: number, form: number): Cursor {
    const bytes = section === '.debug_addr' && this.host.skeleton ? this.host.skeleton.addr : this.host.sections.get(section);
    if (!bytes) throw new DwarfError(this.file, this.section, at, `${formName(form)} without ${section}`);
    return new Cursor(bytes, this.file, section, 0);
  }

  /** Resolve an address index of a location expression or list (DW_OP_addrx, DW_LLE_*x). */
  address(index: number): number {
    return this.addrx(index, -1, FORM.addrx) as number;
  }

  private resolveDeferred(root: Die): void {
    for (const i of this.deferred) {
      const form = root.specs[i].form;
      const v = root.values[i];
      if (typeof v !== 'number') continue;
      const isStr = form === FORM.strx || form === FORM.GNU_str_index || (form >= FORM.strx1 && form <= FORM.strx4);
      root.values[i] = isStr ? this.strx(v, -1, form) : this.addrx(v, -1, form);
    }
    this.deferred = [];
  }

  /** Is this a unit of code (not a type unit)? */
  get isCompileUnit(): boolean {
    return this.root.tag === TAG.compile_unit || this.root.tag === TAG.skeleton_unit || this.root.tag === TAG.partial_unit;
  }
}

function isIndexed(form: number): boolean {
  return form === FORM.strx || form === FORM.GNU_str_index || (form >= FORM.strx1 && form <= FORM.strx4) ||
    form === FORM.addrx || form === FORM.GNU_addr_index || (form >= FORM.addrx1 && form <= FORM.addrx4);
}
