// A seeded, deterministic mutator of ELF32 little-endian files, for
// robustness tests of everything that reads ELF (the parser and its decoders
// now, the linker of .so files later). It reads the layout of a well-formed
// base file on its own, without the loader under test, and derives named
// mutants from it: truncations at boundaries, corrupted header fields,
// program and section headers, string, symbol, dynamic, relocation and note
// data, and random byte flips. The same seed always gives the same mutants.

/** sfc32: small, fast and well distributed; enough for test inputs. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d = 1;

  constructor(seed: number) {
    this.a = 0x9e3779b9;
    this.b = 0x243f6a88;
    this.c = seed >>> 0;
    for (let i = 0; i < 15; i++) this.next();
  }

  next(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t;
  }

  /** Integer in [0, n). */
  below(n: number): number {
    return n <= 0 ? 0 : Math.floor((this.next() / 2 ** 32) * n);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.below(items.length)];
  }

  /** Up to `max` items, in their original order, chosen without replacement. */
  sample<T>(items: readonly T[], max: number): T[] {
    if (items.length <= max) return [...items];
    const chosen = new Set<number>();
    while (chosen.size < max) chosen.add(this.below(items.length));
    return [...chosen].sort((x, y) => x - y).map((i) => items[i]);
  }
}

export interface Mutant {
  /** Family and detail, e.g. "phdr:2.p_filesz=0xffffffff"; unique within one base file. */
  label: string;
  family: Family;
  bytes: Uint8Array;
  /** Set when no correct reader may accept the file (the reason): used to check rejection. */
  mustReject?: string;
}

type Family = 'truncate' | 'header' | 'phdr' | 'shdr' | 'link' | 'strings' | 'symbols' | 'dynamic' | 'relocations' | 'notes' | 'flip'
  // field by field, for objects the linker reads (patch-mutate.ts)
  | 'dynamic-entries' | 'symbol-fields' | 'relocation-fields' | 'versions' | 'contents';

// Field offsets (System V gABI, ELF32).
const EHDR = {
  class: 4, data: 5, version: 6, type: 16, machine: 18, entry: 24, phoff: 28, shoff: 32,
  ehsize: 40, phentsize: 42, phnum: 44, shentsize: 46, shnum: 48, shstrndx: 50, size: 52,
} as const;
export const PHDR = { type: 0, offset: 4, vaddr: 8, paddr: 12, filesz: 16, memsz: 20, flags: 24, align: 28, size: 32 } as const;
export const SHDR = { name: 0, type: 4, flags: 8, addr: 12, offset: 16, size: 20, link: 24, info: 28, addralign: 32, entsize: 36, bytes: 40 } as const;

const PT_LOAD = 1;
const PT_DYNAMIC = 2;
const PT_INTERP = 3;
const PT_NOTE = 4;
const PT_PHDR = 6;
const PT_TLS = 7;
const SHT_SYMTAB = 2;
const SHT_STRTAB = 3;
const SHT_RELA = 4;
const SHT_DYNAMIC = 6;
const SHT_NOTE = 7;
const SHT_NOBITS = 8;
const SHT_REL = 9;
const SHT_DYNSYM = 11;
const DT_NULL = 0;
const DT_NEEDED = 1;
const DT_STRTAB = 5;
const DT_STRSZ = 10;
const DT_DEBUG = 21;

interface ProgramHeader {
  index: number;
  /** File offset of the header itself. */
  at: number;
  type: number;
  offset: number;
  vaddr: number;
  filesz: number;
  memsz: number;
}

interface SectionHeader {
  index: number;
  at: number;
  name: string;
  type: number;
  addr: number;
  offset: number;
  size: number;
  link: number;
  entsize: number;
}

export interface ElfLayout {
  length: number;
  phoff: number;
  phnum: number;
  shoff: number;
  shnum: number;
  shstrndx: number;
  phdrs: ProgramHeader[];
  sections: SectionHeader[];
}

/** The layout of a well-formed ELF32 LSB file, read directly (throws on anything else). */
export function layoutOf(bytes: Uint8Array): ElfLayout {
  const v = view(bytes);
  if (bytes.length < EHDR.size || v.getUint32(0) !== 0x7f454c46 || bytes[EHDR.class] !== 1 || bytes[EHDR.data] !== 1) {
    throw new Error('layoutOf: base file is not a little-endian ELF32 file');
  }
  const phoff = v.getUint32(EHDR.phoff, true);
  const phnum = v.getUint16(EHDR.phnum, true);
  const shoff = v.getUint32(EHDR.shoff, true);
  const shnum = v.getUint16(EHDR.shnum, true);
  const shstrndx = v.getUint16(EHDR.shstrndx, true);
  if (phoff + phnum * PHDR.size > bytes.length || shoff + shnum * SHDR.bytes > bytes.length) {
    throw new Error('layoutOf: header tables outside the base file');
  }
  const phdrs: ProgramHeader[] = [];
  for (let i = 0; i < phnum; i++) {
    const at = phoff + i * PHDR.size;
    phdrs.push({
      index: i, at, type: v.getUint32(at, true), offset: v.getUint32(at + PHDR.offset, true), vaddr: v.getUint32(at + PHDR.vaddr, true),
      filesz: v.getUint32(at + PHDR.filesz, true), memsz: v.getUint32(at + PHDR.memsz, true),
    });
  }
  const sections: SectionHeader[] = [];
  for (let i = 0; i < shnum; i++) {
    const at = shoff + i * SHDR.bytes;
    sections.push({
      index: i, at, name: '', type: v.getUint32(at + SHDR.type, true), addr: v.getUint32(at + SHDR.addr, true), offset: v.getUint32(at + SHDR.offset, true),
      size: v.getUint32(at + SHDR.size, true), link: v.getUint32(at + SHDR.link, true), entsize: v.getUint32(at + SHDR.entsize, true),
    });
  }
  const names = sections[shstrndx];
  if (names) {
    for (const s of sections) {
      const start = names.offset + v.getUint32(s.at + SHDR.name, true);
      let end = start;
      while (end < names.offset + names.size && bytes[end] !== 0) end++;
      s.name = Buffer.from(bytes.subarray(start, end)).toString('latin1');
    }
  }
  return { length: bytes.length, phoff, phnum, shoff, shnum, shstrndx, phdrs, sections };
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Writes into a copy of the base; writes that would fall outside the file are dropped. */
export class Editor {
  readonly bytes: Uint8Array;
  private readonly v: DataView;
  constructor(base: Uint8Array) {
    this.bytes = Uint8Array.from(base);
    this.v = view(this.bytes);
  }
  u8(at: number, value: number): this {
    if (at >= 0 && at < this.bytes.length) this.bytes[at] = value & 0xff;
    return this;
  }
  u16(at: number, value: number): this {
    if (at >= 0 && at + 2 <= this.bytes.length) this.v.setUint16(at, value & 0xffff, true);
    return this;
  }
  u32(at: number, value: number): this {
    if (at >= 0 && at + 4 <= this.bytes.length) this.v.setUint32(at, value >>> 0, true);
    return this;
  }
  fill(at: number, length: number, value: number): this {
    this.bytes.fill(value, Math.max(0, at), Math.min(this.bytes.length, at + length));
    return this;
  }
}

const hex = (n: number): string => `0x${(n >>> 0).toString(16)}`;

type Maker = (base: Uint8Array, layout: ElfLayout, rng: Rng) => Mutant[];

function mutant(family: Family, label: string, edit: Editor | Uint8Array, mustReject?: string): Mutant {
  // Mutant bytes are always copies (a Buffer's slice is not): they may be transferred or edited freely.
  return { family, label: `${family}:${label}`, bytes: edit instanceof Editor ? edit.bytes : edit, mustReject };
}

/** Why cutting the file at `at` must make it unreadable, if it must. */
function cutReason(layout: ElfLayout, at: number): string | undefined {
  if (at < EHDR.size) return 'cut inside the ELF header';
  if (layout.phnum > 0 && at < layout.phoff + layout.phnum * PHDR.size) return 'cut inside the program header table';
  if (layout.shnum > 0 && at < layout.shoff + layout.shnum * SHDR.bytes) return 'cut inside the section header table';
  const seg = layout.phdrs.find((p) => p.filesz > 0 && p.offset + p.filesz > at);
  if (seg) return `cut inside segment ${seg.index}`;
  const sec = layout.sections.find((s) => s.type !== SHT_NOBITS && s.type !== 0 && s.size > 0 && s.offset + s.size > at);
  return sec ? `cut inside section ${sec.name}` : undefined;
}

/** Cuts inside the ELF header, the header tables, every section and segment. */
const truncations: Maker = (base, layout) => {
  const cuts = new Set<number>([0, 1, 3, 4, 5, 6, 16, 18, 19, 20, 24, 28, 32, 40, 44, 48, 50, 51]);
  const phEnd = layout.phoff + layout.phnum * PHDR.size;
  if (layout.phnum > 0) for (const at of [layout.phoff, layout.phoff + 1, layout.phoff + PHDR.size - 1, layout.phoff + PHDR.size + 3, phEnd - 1]) cuts.add(at);
  const shEnd = layout.shoff + layout.shnum * SHDR.bytes;
  if (layout.shnum > 0) for (const at of [layout.shoff, layout.shoff + SHDR.bytes - 1, layout.shoff + SHDR.bytes + 7, shEnd - 1]) cuts.add(at);
  for (const p of layout.phdrs) {
    if (p.filesz > 0) for (const at of [p.offset + 1, p.offset + (p.filesz >> 1), p.offset + p.filesz - 1]) cuts.add(at);
  }
  for (const s of layout.sections) {
    if (s.type !== SHT_NOBITS && s.size > 0) for (const at of [s.offset, s.offset + (s.size >> 1), s.offset + s.size - 1]) cuts.add(at);
  }
  return [...cuts].filter((at) => at >= 0 && at < base.length).sort((a, b) => a - b)
    .map((at) => mutant('truncate', `${at}`, new Uint8Array(base.subarray(0, at)), cutReason(layout, at)));
};

const headerFields: Maker = (base, layout, rng) => {
  const out: Mutant[] = [];
  const fields: [keyof typeof EHDR, 2 | 4][] = [
    ['phoff', 4], ['shoff', 4], ['phnum', 2], ['shnum', 2], ['phentsize', 2], ['shentsize', 2], ['shstrndx', 2],
    ['entry', 4], ['type', 2], ['ehsize', 2],
  ];
  for (const [field, width] of fields) {
    const max = width === 2 ? 0xffff : 0xffffffff;
    const original = view(base)[width === 2 ? 'getUint16' : 'getUint32'](EHDR[field], true);
    const raw = [0, 1, 2, 3, max, max - 1, base.length, base.length - 1, base.length + 1, original + 1, original - 1, original * 2, rng.next()];
    const values = new Set(raw.map((x) => (width === 2 ? x & 0xffff : x >>> 0)));
    values.delete(original);
    for (const value of values) {
      const e = new Editor(base);
      if (width === 2) e.u16(EHDR[field], value);
      else e.u32(EHDR[field], value);
      let reject: string | undefined;
      if (field === 'phentsize' && layout.phnum > 0) reject = 'program header size is not 32';
      if (field === 'shentsize' && layout.shnum > 0) reject = 'section header size is not 40';
      if (field === 'phoff' && layout.phnum > 0 && value + layout.phnum * PHDR.size > base.length) reject = 'program header table past the end';
      if (field === 'shoff' && layout.shnum > 0 && value + layout.shnum * SHDR.bytes > base.length) reject = 'section header table past the end';
      out.push(mutant('header', `${field}=${hex(value)}`, e, reject));
    }
  }
  for (const [at, name, values] of [[EHDR.class, 'EI_CLASS', [0, 2, 3]], [EHDR.data, 'EI_DATA', [0, 2, 3]], [EHDR.machine, 'e_machine', [0, 62, 40]]] as const) {
    for (const value of values) out.push(mutant('header', `${name}=${value}`, new Editor(base).u8(at, value), `${name} is not i386`));
  }
  return out;
};

const programHeaders: Maker = (base, layout, rng) => {
  const out: Mutant[] = [];
  const len = base.length;
  for (const p of layout.phdrs) {
    const at = p.at;
    const set = (field: keyof typeof PHDR, value: number, reject?: string): void => {
      out.push(mutant('phdr', `${p.index}.p_${field}=${hex(value)}`, new Editor(base).u32(at + PHDR[field], value), reject));
    };
    const loadsBytes = p.filesz > 0 || p.type === PT_LOAD;
    for (const value of [len, len - 1, 0xffffffff, 0xfffff000]) set('offset', value, p.filesz > 0 && value + p.filesz > len ? 'segment file range past the end' : undefined);
    for (const value of [0xffffffff, len, len - p.offset + 1]) set('filesz', value, value > 0 && p.offset + value > len ? 'segment file range past the end' : undefined);
    if (p.memsz < 0xffffffff) set('filesz', p.memsz + 1, p.offset + p.memsz + 1 > len ? 'segment file range past the end' : 'p_filesz larger than p_memsz');
    for (const value of [0, 0xffffffff, Math.max(0, p.filesz - 1)]) {
      set('memsz', value, p.filesz > value ? 'p_filesz larger than p_memsz' : p.vaddr + value > 2 ** 32 ? 'segment past 4 GiB' : undefined);
    }
    for (const value of [0xfffff000, 0xffffffff, 0, 0xc0000000]) {
      set('vaddr', value, value + p.memsz > 2 ** 32 ? 'segment past 4 GiB' : undefined);
    }
    for (const value of [0, 3, 0x80000000]) set('align', value);
    for (const value of [PT_LOAD, PT_DYNAMIC, PT_INTERP, PT_NOTE, PT_PHDR, PT_TLS]) if (value !== p.type) set('type', value);
    if (loadsBytes) set('offset', (p.offset + 1 + rng.below(4095)) >>> 0);
  }
  return out;
};

const sectionHeaders: Maker = (base, layout, rng) => {
  const out: Mutant[] = [];
  const len = base.length;
  const names = layout.sections[layout.shstrndx];
  for (const s of layout.sections.slice(1)) {
    const set = (field: keyof typeof SHDR, value: number, reject?: string): void => {
      out.push(mutant('shdr', `${s.index}(${s.name}).sh_${field}=${hex(value)}`, new Editor(base).u32(s.at + SHDR[field], value), reject));
    };
    const hasBytes = s.type !== SHT_NOBITS && s.type !== 0;
    for (const value of [len, len - 1, 0xffffffff]) set('offset', value, hasBytes && s.size > 0 && value + s.size > len ? 'section past the end' : undefined);
    for (const value of [0xffffffff, len, len - s.offset + 1, s.size + 1, Math.max(0, s.size - 1), 0]) {
      set('size', value, hasBytes && s.offset + value > len ? 'section past the end' : undefined);
    }
    for (const value of [layout.shnum, 0xffff, 0xffffffff, s.index, rng.below(layout.shnum)]) set('link', value);
    for (const value of [0, 1, 15, 17, 0xffffffff]) set('entsize', value);
    for (const value of [SHT_SYMTAB, SHT_DYNSYM, SHT_STRTAB, SHT_REL, SHT_RELA, SHT_NOTE, SHT_NOBITS, SHT_DYNAMIC]) {
      if (value !== s.type) set('type', value, value !== SHT_NOBITS && s.size > 0 && s.offset + s.size > len ? 'section past the end' : undefined);
    }
    if (names) for (const value of [0xffffffff, names.size, names.size - 1]) set('name', value);
    set('info', 0xffffffff);
  }
  return out;
};

/** sh_link self-links and cycles between symbol and string tables. */
const linkCycles: Maker = (base, layout, rng) => {
  const out: Mutant[] = [];
  const linked = layout.sections.filter((s) => s.type === SHT_SYMTAB || s.type === SHT_DYNSYM || s.type === SHT_REL || s.type === SHT_DYNAMIC);
  for (const s of linked) {
    out.push(mutant('link', `${s.name}.self`, new Editor(base).u32(s.at + SHDR.link, s.index)));
    const target = layout.sections[s.link];
    if (target) {
      out.push(mutant('link', `${s.name}<->${target.name}`, new Editor(base).u32(target.at + SHDR.link, s.index)));
      // The string table becomes a symbol table linked back: a two-table cycle of symbol tables.
      out.push(mutant('link', `${s.name}<->${target.name}.as-symtab`, new Editor(base).u32(target.at + SHDR.link, s.index).u32(target.at + SHDR.type, s.type)));
    }
    const other = rng.pick(layout.sections);
    out.push(mutant('link', `${s.name}->${other.index}`, new Editor(base).u32(s.at + SHDR.link, other.index)));
  }
  return out;
};

/** Unterminated string tables and bad PT_INTERP strings. */
const strings: Maker = (base, layout) => {
  const out: Mutant[] = [];
  for (const s of layout.sections.filter((t) => t.type === SHT_STRTAB && t.size > 0)) {
    out.push(mutant('strings', `${s.name}.last-nonzero`, new Editor(base).u8(s.offset + s.size - 1, 0x41)));
    out.push(mutant('strings', `${s.name}.first-nonzero`, new Editor(base).u8(s.offset, 0x41)));
    const e = new Editor(base);
    for (let i = 0; i < s.size; i++) if (e.bytes[s.offset + i] === 0) e.u8(s.offset + i, 0x41);
    out.push(mutant('strings', `${s.name}.no-nul`, e));
  }
  const names = layout.sections[layout.shstrndx];
  const last = layout.sections[layout.shnum - 1];
  if (names && last && layout.shnum > 1 && layout.shoff + layout.shnum * SHDR.bytes === base.length) {
    // The name table becomes NOBITS (so nothing bounds it) and a name runs into the file's last bytes, made non-NUL.
    const e = new Editor(base).u32(names.at + SHDR.type, SHT_NOBITS).u32(names.at + SHDR.size, 0xffffffff)
      .u32(last.at + SHDR.entsize, 0x41414141).u32(layout.sections[1].at + SHDR.name, base.length - 4 - names.offset);
    out.push(mutant('strings', `${names.name}.nobits-name-off-the-end`, e));
  }
  for (const p of layout.phdrs.filter((q) => q.type === PT_INTERP)) {
    out.push(mutant('strings', 'interp.no-nul', new Editor(base).fill(p.offset, p.filesz, 0x41), 'PT_INTERP not terminated'));
    out.push(mutant('strings', 'interp.empty', new Editor(base).u8(p.offset, 0), 'empty PT_INTERP'));
    for (const size of [0, 1, 0x2000]) {
      out.push(mutant('strings', `interp.filesz=${size}`, new Editor(base).u32(p.at + PHDR.filesz, size).u32(p.at + PHDR.memsz, Math.max(size, p.memsz))));
    }
  }
  return out;
};

const symbols: Maker = (base, layout, rng) => {
  const out: Mutant[] = [];
  for (const s of layout.sections.filter((t) => t.type === SHT_SYMTAB || t.type === SHT_DYNSYM)) {
    for (const value of [0, 1, 15, 17, 32, 0xffffffff]) out.push(mutant('symbols', `${s.name}.entsize=${value}`, new Editor(base).u32(s.at + SHDR.entsize, value)));
    for (const value of [s.size - 1, s.size + 1, s.size + 8, s.size - 13]) out.push(mutant('symbols', `${s.name}.size=${value}`, new Editor(base).u32(s.at + SHDR.size, value)));
    const strtab = layout.sections[s.link];
    const count = Math.floor(s.size / 16);
    for (let k = 0; k < 6 && count > 1; k++) {
      const i = 1 + rng.below(count - 1);
      const value = [0xffffffff, strtab?.size ?? 0, (strtab?.size ?? 1) - 1, rng.next()][k % 4];
      out.push(mutant('symbols', `${s.name}[${i}].st_name=${hex(value)}`, new Editor(base).u32(s.offset + i * 16, value)));
    }
    if (count > 1) {
      // Every symbol named by the same long run of non-NUL bytes.
      const e = new Editor(base);
      if (strtab) e.fill(strtab.offset, strtab.size - 1, 0x41);
      for (let i = 1; i < count; i++) e.u32(s.offset + i * 16, 1 + (i % Math.max(1, (strtab?.size ?? 2) - 2)));
      out.push(mutant('symbols', `${s.name}.all-one-long-name`, e));
    }
  }
  return out;
};

const dynamic: Maker = (base, layout, rng) => {
  const out: Mutant[] = [];
  const dyn = layout.phdrs.find((p) => p.type === PT_DYNAMIC);
  if (!dyn) return out;
  const v = view(base);
  const entries: { at: number; tag: number }[] = [];
  for (let at = dyn.offset; at + 8 <= dyn.offset + dyn.filesz; at += 8) entries.push({ at, tag: v.getInt32(at, true) });
  const e = new Editor(base);
  for (const x of entries) if (x.tag === DT_NULL) e.u32(x.at, DT_DEBUG);
  out.push(mutant('dynamic', 'no-DT_NULL', e));
  const tagged = (tag: number, value: number, label: string): void => {
    for (const x of entries.filter((y) => y.tag === tag)) out.push(mutant('dynamic', `${label}@${x.at}=${hex(value)}`, new Editor(base).u32(x.at + 4, value)));
  };
  for (const value of [0, 0xffffffff, 0xfffff000, rng.next()]) tagged(DT_STRTAB, value, 'DT_STRTAB');
  for (const value of [0, 0xffffffff, base.length]) tagged(DT_STRSZ, value, 'DT_STRSZ');
  for (const value of [0xffffffff, 0x7fffffff]) tagged(DT_NEEDED, value, 'DT_NEEDED');
  for (const value of [dyn.filesz + 3, dyn.filesz - 3, 0xffffffff]) {
    out.push(mutant('dynamic', `PT_DYNAMIC.filesz=${hex(value)}`, new Editor(base).u32(dyn.at + PHDR.filesz, value).u32(dyn.at + PHDR.memsz, Math.max(value, dyn.memsz))));
  }
  return out;
};

const relocations: Maker = (base, layout) => {
  const out: Mutant[] = [];
  const rels = layout.sections.filter((s) => s.type === SHT_REL || s.type === SHT_RELA);
  const whole = base.length - (base.length % 8);
  for (const s of rels) {
    for (const value of [0xffffffff, 0x7ffffff8, s.size + 3]) out.push(mutant('relocations', `${s.name}.size=${hex(value)}`, new Editor(base).u32(s.at + SHDR.size, value)));
    out.push(mutant('relocations', `${s.name}.whole-file`, new Editor(base).u32(s.at + SHDR.offset, 0).u32(s.at + SHDR.size, whole)));
  }
  // Many headers aliasing the whole file: the relocations must not be decoded over and over.
  const e = new Editor(base);
  for (const s of layout.sections.slice(1)) if (s.index !== layout.shstrndx) e.u32(s.at + SHDR.type, SHT_REL).u32(s.at + SHDR.offset, 0).u32(s.at + SHDR.size, whole);
  if (layout.shnum > 1) out.push(mutant('relocations', 'all-sections-alias-file', e));
  return out;
};

const notes: Maker = (base, layout) => {
  const out: Mutant[] = [];
  const areas = layout.phdrs.filter((p) => p.type === PT_NOTE).map((p) => ({ offset: p.offset, size: p.filesz, at: p.at }));
  for (const { offset, size, at } of areas) {
    for (const [field, delta] of [['namesz', 0], ['descsz', 4]] as const) {
      for (const value of [0xffffffff, 0xfffffffc, size, 0x7fffffff]) {
        out.push(mutant('notes', `${offset}.n_${field}=${hex(value)}`, new Editor(base).u32(offset + delta, value)));
      }
    }
    out.push(mutant('notes', `${offset}.area-whole-file`, new Editor(base).u32(at + PHDR.offset, 0).u32(at + PHDR.filesz, base.length)));
  }
  const e = new Editor(base);
  for (const p of layout.phdrs) e.u32(p.at + PHDR.type, PT_NOTE).u32(p.at + PHDR.offset, 0).u32(p.at + PHDR.filesz, base.length);
  if (layout.phnum > 0) out.push(mutant('notes', 'all-segments-alias-file', e));
  return out;
};

/** Random byte flips, aimed at the headers, the header tables, decoded sections, or anywhere. */
function flip(base: Uint8Array, layout: ElfLayout, rng: Rng, n: number): Mutant {
  const decoded = layout.sections.filter((s) => [SHT_SYMTAB, SHT_DYNSYM, SHT_STRTAB, SHT_REL, SHT_DYNAMIC, SHT_NOTE].includes(s.type) && s.size > 0);
  const regions: [string, number, number][] = [
    ['ehdr', 0, EHDR.size],
    ['phdrs', layout.phoff, layout.phnum * PHDR.size],
    ['shdrs', layout.shoff, layout.shnum * SHDR.bytes],
    ['any', 0, base.length],
  ];
  if (decoded.length > 0) {
    const s = rng.pick(decoded);
    regions.push([s.name || `section${s.index}`, s.offset, s.size]);
  }
  const [where, start, size] = rng.pick(regions.filter((r) => r[2] > 0));
  const e = new Editor(base);
  const count = 1 + rng.below(8);
  const spots: string[] = [];
  for (let k = 0; k < count; k++) {
    const at = start + rng.below(size);
    const value = rng.below(3) === 0 ? e.bytes[at] ^ (1 << rng.below(8)) : rng.below(256);
    e.u8(at, value);
    spots.push(`${at}=${value}`);
  }
  return mutant('flip', `${n}.${where}[${spots.join(',')}]`, e);
}

const MAKERS: Maker[] = [truncations, headerFields, programHeaders, sectionHeaders, linkCycles, strings, symbols, dynamic, relocations, notes];

/** Every structured mutant of `base`, family by family (random choices come from `seed`). */
export function structuredMutants(base: Uint8Array, seed: number): Mutant[][] {
  const layout = layoutOf(base);
  const rng = new Rng(seed);
  return MAKERS.map((make) => make(base, layout, rng));
}

export interface MutateOptions {
  seed: number;
  /** Mutants to make: the structured families sampled down to fit, then random flips. */
  count: number;
}

/**
 * `count` deterministic mutants of `base` (an ELF32 LSB file): each structured
 * family sampled to an equal share of 80%, random byte flips for the rest.
 */
export function elfMutants(base: Uint8Array, opts: MutateOptions): Mutant[] {
  const layout = layoutOf(base);
  const rng = new Rng(opts.seed);
  const perFamily = Math.max(1, Math.floor((opts.count * 0.8) / MAKERS.length));
  const out: Mutant[] = [];
  for (const family of structuredMutants(base, opts.seed)) out.push(...rng.sample(family, perFamily));
  out.length = Math.min(out.length, opts.count);
  for (let n = 0; out.length < opts.count; n++) out.push(flip(base, layout, rng, n));
  return out;
}
