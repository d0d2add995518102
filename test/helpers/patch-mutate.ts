// Field-by-field mutants of a shared object, for the patcher's and the
// linker's fuzzing: every dynamic entry's value and tag, the fields of every
// symbol (.dynsym and .symtab), of every relocation, of the symbol version
// tables, and the contents dsu itself reads (.dsu.* strings, initialiser
// arrays). The values are chosen to be wrong in ways a loader can notice
// (out of the object, into the program, misaligned, unknown kinds, loops,
// cross-links), not plausible edits of code, so that each mutant must be
// refused or be harmless; seeded, so the same seed gives the same mutants.
import { Editor, ElfLayout, Mutant, Rng, layoutOf } from './elf-mutate.js';

type SectionHeader = ElfLayout['sections'][number];

const hex = (n: number): string => `0x${(n >>> 0).toString(16)}`;
const SHT_DYNSYM = 11;
const SHT_SYMTAB = 2;
const SHT_REL = 9;
const PT_DYNAMIC = 2;
const SHT_GNU_VERSYM = 0x6fffffff;
const SHT_GNU_VERNEED = 0x6ffffffe;
const SHT_GNU_VERDEF = 0x6ffffffd;
const SHT_INIT_ARRAY = 14;
const SHT_FINI_ARRAY = 15;
const DT_NULL = 0;
const DT_TEXTREL = 22;

type Maker = (base: Uint8Array, layout: ElfLayout, rng: Rng) => Mutant[];

function make(family: Mutant['family'], label: string, e: Editor): Mutant {
  return { family, label: `${family}:${label}`, bytes: e.bytes };
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Addresses a malformed field may point at: nothing, everything, the program's usual places, edges. */
function wildAddresses(layout: ElfLayout): number[] {
  const top = Math.max(...layout.phdrs.filter((p) => p.type === 1).map((p) => p.vaddr + p.memsz));
  return [0, 1, 0xffffffff, 0xfffffffc, 0x80000000, 0x08048000, 0x56555000, top, top + 0x1000, top - 1, layout.length];
}

/** Every dynamic entry: its value made wild, and its tag replaced. */
const dynamicEntries: Maker = (base, layout, rng) => {
  const out: Mutant[] = [];
  const dyn = layout.phdrs.find((p) => p.type === PT_DYNAMIC);
  if (!dyn) return out;
  const v = view(base);
  for (let at = dyn.offset; at + 8 <= dyn.offset + dyn.filesz; at += 8) {
    const tag = v.getInt32(at, true);
    if (tag === DT_NULL) break;
    const value = v.getUint32(at + 4, true);
    const values = new Set([...wildAddresses(layout), value + 1, value - 1, value + 0x1000, value * 2, rng.next()].map((x) => x >>> 0));
    values.delete(value);
    for (const x of values) out.push(make('dynamic-entries', `tag${hex(tag)}@${at}.value=${hex(x)}`, new Editor(base).u32(at + 4, x)));
    // a second table of the same kind, or a flag the object did not have
    for (const t of [DT_TEXTREL, 1 /* DT_NEEDED */, 6 /* DT_SYMTAB */, 0x6ffffff0 /* DT_VERSYM */, 0x7fffffff]) {
      if (t !== tag) out.push(make('dynamic-entries', `tag${hex(tag)}@${at}.tag=${hex(t)}`, new Editor(base).u32(at, t)));
    }
  }
  return out;
};

interface Entry {
  table: SectionHeader;
  index: number;
  at: number;
}

function entriesOf(layout: ElfLayout, type: number, size: number): Entry[] {
  const out: Entry[] = [];
  for (const table of layout.sections.filter((s) => s.type === type)) {
    for (let i = 0; (i + 1) * size <= table.size; i++) out.push({ table, index: i, at: table.offset + i * size });
  }
  return out;
}

/** Every symbol's value, size, type, binding, visibility and section index. */
const symbolFields: Maker = (base, layout) => {
  const out: Mutant[] = [];
  const v = view(base);
  const shnum = layout.shnum;
  const dataIndex = layout.sections.findIndex((s) => s.name === '.data');
  for (const e of [...entriesOf(layout, SHT_DYNSYM, 16), ...entriesOf(layout, SHT_SYMTAB, 16)].filter((x) => x.index > 0)) {
    const where = `${e.table.name}[${e.index}]`;
    const value = v.getUint32(e.at + 4, true);
    const info = base[e.at + 12];
    for (const x of [0xffffffff, 0x7fff0000, 0x56555000, value + 0x100000]) {
      if (x >>> 0 !== value) out.push(make('symbol-fields', `${where}.st_value=${hex(x)}`, new Editor(base).u32(e.at + 4, x)));
    }
    for (const x of [0xffffffff, 0x10000000]) out.push(make('symbol-fields', `${where}.st_size=${hex(x)}`, new Editor(base).u32(e.at + 8, x)));
    // STT_SECTION, STT_FILE, STT_COMMON, STT_TLS, STT_GNU_IFUNC, a reserved one
    for (const type of [3, 4, 5, 6, 10, 15]) if (type !== (info & 0xf)) out.push(make('symbol-fields', `${where}.type=${type}`, new Editor(base).u8(e.at + 12, (info & 0xf0) | type)));
    // STB_LOCAL, STB_WEAK, STB_GNU_UNIQUE, a reserved one
    for (const bind of [0, 2, 10, 15]) if (bind !== info >> 4) out.push(make('symbol-fields', `${where}.bind=${bind}`, new Editor(base).u8(e.at + 12, (bind << 4) | (info & 0xf))));
    out.push(make('symbol-fields', `${where}.visibility=hidden`, new Editor(base).u8(e.at + 13, 2)));
    for (const shndx of [0, 0xfff1, 0xfff2, 0xffff, shnum, dataIndex]) {
      if (shndx >= 0 && shndx !== v.getUint16(e.at + 14, true)) out.push(make('symbol-fields', `${where}.st_shndx=${hex(shndx)}`, new Editor(base).u16(e.at + 14, shndx)));
    }
  }
  return out;
};

/** Every relocation's offset, type and symbol index. */
const relocationFields: Maker = (base, layout) => {
  const out: Mutant[] = [];
  const v = view(base);
  const text = layout.sections.find((s) => s.name === '.text');
  const dynamic = layout.sections.find((s) => s.name === '.dynamic');
  const dynsym = layout.sections.find((s) => s.type === SHT_DYNSYM);
  const count = dynsym ? Math.floor(dynsym.size / 16) : 0;
  for (const e of entriesOf(layout, SHT_REL, 8)) {
    const where = `${e.table.name}[${e.index}]`;
    const offset = v.getUint32(e.at, true);
    const info = v.getUint32(e.at + 4, true);
    const offsets = [...wildAddresses(layout), offset + 1, offset + 2, ...(text ? [text.offset + 8] : []), ...(dynamic ? [dynamic.offset + 4] : [])];
    for (const x of new Set(offsets.map((y) => y >>> 0))) if (x !== offset) out.push(make('relocation-fields', `${where}.r_offset=${hex(x)}`, new Editor(base).u32(e.at, x)));
    // NONE, 16-bit, GOT32, COPY, TLS kinds, IRELATIVE, GOT32X, past the last
    for (const type of [0, 3, 5, 14, 20, 35, 37, 42, 43, 44, 255]) {
      if (type !== (info & 0xff)) out.push(make('relocation-fields', `${where}.type=${type}`, new Editor(base).u32(e.at + 4, ((info & ~0xff) | type) >>> 0)));
    }
    for (const sym of [0, count, count + 1, 0xffffff]) {
      if (sym !== info >>> 8) out.push(make('relocation-fields', `${where}.sym=${sym}`, new Editor(base).u32(e.at + 4, ((sym << 8) | (info & 0xff)) >>> 0)));
    }
  }
  return out;
};

/** .gnu.version entries, and the fields of .gnu.version_r / .gnu.version_d records. */
const versions: Maker = (base, layout) => {
  const out: Mutant[] = [];
  for (const e of entriesOf(layout, SHT_GNU_VERSYM, 2)) {
    for (const x of [0, 1, 2, 0x7fff, 0x8002, 0xffff, 99]) out.push(make('versions', `versym[${e.index}]=${hex(x)}`, new Editor(base).u16(e.at, x)));
  }
  const v = view(base);
  for (const need of layout.sections.filter((s) => s.type === SHT_GNU_VERNEED)) {
    const fields: [string, number, 2 | 4, number[]][] = [
      ['vn_version', 0, 2, [0, 2]], ['vn_cnt', 2, 2, [0, 0xffff, 100]], ['vn_file', 4, 4, [0xffffffff, 0x10000]],
      ['vn_aux', 8, 4, [0, 0xfffffff0, 1, need.size]], ['vn_next', 12, 4, [0xfffffff0, 1, need.size, 16]],
    ];
    for (const [name, off, width, values] of fields) {
      for (const x of values) out.push(make('versions', `${need.name}.${name}=${hex(x)}`, width === 2 ? new Editor(base).u16(need.offset + off, x) : new Editor(base).u32(need.offset + off, x)));
    }
    // the first auxiliary record's fields
    const aux = need.offset + v.getUint32(need.offset + 8, true);
    const auxFields: [string, number, 2 | 4, number[]][] = [
      ['vna_hash', 0, 4, [0, 0xdeadbeef]], ['vna_flags', 4, 2, [2, 0xffff]], ['vna_other', 6, 2, [0, 1, 0x7fff, 0x8003]],
      ['vna_name', 8, 4, [0, 0xffffffff, 0x10000]], ['vna_next', 12, 4, [0, 0xfffffff0, 1, 0xfffffff0 >>> 4]],
    ];
    for (const [name, off, width, values] of auxFields) {
      for (const x of values) out.push(make('versions', `${need.name}.aux.${name}=${hex(x)}`, width === 2 ? new Editor(base).u16(aux + off, x) : new Editor(base).u32(aux + off, x)));
    }
  }
  for (const def of layout.sections.filter((s) => s.type === SHT_GNU_VERDEF)) {
    for (const [name, off, x] of [['vd_cnt', 6, 0xffff], ['vd_ndx', 4, 0], ['vd_aux', 12, 0xfffffff0], ['vd_next', 16, 1]] as const) {
      out.push(make('versions', `${def.name}.${name}=${hex(x)}`, off === 4 || off === 6 ? new Editor(base).u16(def.offset + off, x) : new Editor(base).u32(def.offset + off, x)));
    }
  }
  return out;
};

/** What dsu reads from the contents: its metadata strings and the initialiser arrays. */
const contents: Maker = (base, layout, rng) => {
  const out: Mutant[] = [];
  for (const s of layout.sections.filter((x) => x.name.startsWith('.dsu.') && x.size > 0)) {
    out.push(make('contents', `${s.name}.no-nul`, new Editor(base).fill(s.offset, s.size, 0x41)));
    out.push(make('contents', `${s.name}.empty`, new Editor(base).fill(s.offset, s.size, 0)));
    const e = new Editor(base);
    for (let i = 0; i < s.size; i++) e.u8(s.offset + i, 1 + rng.below(255));
    out.push(make('contents', `${s.name}.binary`, e));
  }
  for (const s of layout.sections.filter((x) => x.type === SHT_INIT_ARRAY || x.type === SHT_FINI_ARRAY)) {
    for (const x of wildAddresses(layout)) out.push(make('contents', `${s.name}[0]=${hex(x)}`, new Editor(base).u32(s.offset, x)));
  }
  return out;
};

const MAKERS: Maker[] = [dynamicEntries, symbolFields, relocationFields, versions, contents];

/** The field-by-field families of `base`, each a list of mutants. */
export function fieldMutants(base: Uint8Array, seed: number): Mutant[][] {
  const layout = layoutOf(base);
  const rng = new Rng(seed);
  return MAKERS.map((m) => m(base, layout, rng));
}
