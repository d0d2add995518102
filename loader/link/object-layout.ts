// The layout checks dlopen makes before it maps an object (glibc's
// _dl_map_object_from_fd), and the consistency checks that keep a malformed
// object from placing code or data outside the memory it is given:
// - PT_LOAD: alignment a power of two and a page multiple, address and offset
//   congruent modulo it, in ascending address order (gABI);
// - PT_DYNAMIC present, inside a loaded segment's file bytes, at the offset
//   its address says; PT_GNU_RELRO and PT_PHDR inside a loaded segment;
// - every allocated section inside the PT_LOAD that maps it, at the file
//   offset its address says, code in an executable segment, writable data
//   in a writable one;
// - every defined function or object symbol inside a loaded segment
//   (functions in executable ones) and inside its own section;
// - every allocated relocation section listed by the dynamic section.
// A glibc would map such an object anyway and run whatever landed where;
// dsu places it next to a running program, so a symbol or section outside
// the object's pages would point into the program's own code.
import { ElfFile, Section, Segment } from '../elf/elf-file.js';
import { DynamicInfo } from '../elf/dynamic.js';
import type { DynamicRelocation } from './dynamic-relocations.js';
import {
  DT_JMPREL, DT_PLTGOT, DT_PLTRELSZ, R_386_IRELATIVE, R_386_JUMP_SLOT, DT_REL, DT_RELA, DT_RELSZ, PF_W, PF_X, PT_DYNAMIC, PT_GNU_RELRO, PT_LOAD, PT_PHDR,
  SHN_ABS, SHN_COMMON, SHN_UNDEF, SHT_NOBITS, SHT_NULL, SHT_REL, SHT_RELA, STT_FUNC, STT_GNU_IFUNC, STT_OBJECT,
} from '../elf/constants.js';
import { ProblemList } from './errors.js';
import { PAGE } from '../image.js';

const SHF_WRITE = 0x1;
const SHF_ALLOC = 0x2;
const SHF_EXECINSTR = 0x4;
const SHF_TLS = 0x400;
/** Section indexes from here up are reserved (SHN_LORESERVE): ABS, COMMON, XINDEX... */
const SHN_LORESERVE = 0xff00;

const hex = (n: number): string => `0x${(n >>> 0).toString(16)}`;

/** A symbol as these checks need it (from .dynsym or .symtab). */
export interface SymbolFacts {
  name: string;
  value: number;
  size: number;
  type: number;
  bind: number;
  shndx: number;
}

const inMemory = (s: Segment, addr: number, size: number): boolean => addr >= s.vaddr && addr + size <= s.vaddr + s.memsz;
const inFile = (s: Segment, addr: number, size: number): boolean => addr >= s.vaddr && addr + size <= s.vaddr + s.filesz;

function isPowerOfTwo(n: number): boolean {
  return n > 0 && (n & (n - 1)) === 0;
}

function checkLoads(elf: ElfFile, problems: ProblemList): void {
  const add = (message: string): void => problems.add({ kind: 'segment', subject: 'PT_LOAD', message });
  let previous: Segment | null = null;
  for (const s of elf.segments.filter((g) => g.type === PT_LOAD)) {
    const where = `PT_LOAD at ${hex(s.vaddr)}`;
    if (s.align % PAGE !== 0 || (s.align !== 0 && !isPowerOfTwo(s.align))) {
      add(`${where}: alignment ${hex(s.align)} is not a power of two multiple of the page size`);
    } else if (s.align === 0 ? s.vaddr !== s.offset : (s.vaddr - s.offset) % s.align !== 0) {
      add(`${where}: address and file offset ${hex(s.offset)} are not congruent modulo the alignment ${hex(s.align)}`);
    }
    if (previous && s.vaddr < previous.vaddr) add(`${where} comes after the one at ${hex(previous.vaddr)}: loadable segments must be in ascending address order`);
    previous = s;
  }
}

/** The loaded segment holding [addr, addr+size) in its file bytes at the offset the address implies, or null. */
function mappedFrom(loads: readonly Segment[], addr: number, size: number, offset: number): Segment | null {
  return loads.find((s) => inFile(s, addr, size) && offset - s.offset === addr - s.vaddr) ?? null;
}

function checkSpecialSegments(elf: ElfFile, loads: readonly Segment[], problems: ProblemList): void {
  const dynamic = elf.segments.filter((s) => s.type === PT_DYNAMIC);
  if (dynamic.length === 0 || dynamic.every((s) => s.filesz === 0)) {
    problems.add({ kind: 'segment', subject: 'PT_DYNAMIC', message: 'the object has no dynamic section (PT_DYNAMIC)' });
  }
  for (const s of dynamic) {
    if (s.filesz > 0 && !mappedFrom(loads, s.vaddr, s.filesz, s.offset)) {
      problems.add({
        kind: 'segment', subject: 'PT_DYNAMIC',
        message: `PT_DYNAMIC (${s.filesz} bytes at ${hex(s.vaddr)}, file offset ${hex(s.offset)}) is not where a loaded segment maps it`,
      });
    }
  }
  for (const [type, name] of [[PT_GNU_RELRO, 'PT_GNU_RELRO'], [PT_PHDR, 'PT_PHDR']] as const) {
    for (const s of elf.segments.filter((g) => g.type === type)) {
      if (s.memsz > 0 && !loads.some((l) => inMemory(l, s.vaddr, s.memsz))) {
        problems.add({ kind: 'segment', subject: name, message: `${name} (${s.memsz} bytes at ${hex(s.vaddr)}) lies outside the loaded segments` });
      }
    }
  }
}

function sectionName(s: Section): string {
  return s.name || `section ${s.index}`;
}

function checkSections(elf: ElfFile, loads: readonly Segment[], problems: ProblemList): void {
  for (const sec of elf.sections) {
    if (sec.type === SHT_NULL || (sec.flags & SHF_ALLOC) === 0 || (sec.flags & SHF_TLS) !== 0 || sec.size === 0) continue;
    const add = (why: string): void => problems.add({ kind: 'segment', subject: sectionName(sec), message: `section ${sectionName(sec)} (${sec.size} bytes at ${hex(sec.addr)}) ${why}` });
    const holder = loads.find((s) => inMemory(s, sec.addr, sec.size));
    if (!holder) {
      add('lies outside the loaded segments');
      continue;
    }
    if (sec.type !== SHT_NOBITS && !(inFile(holder, sec.addr, sec.size) && sec.offset - holder.offset === sec.addr - holder.vaddr)) {
      add(`is not at the file offset its segment maps there (${hex(sec.offset)})`);
    }
    if ((sec.flags & SHF_EXECINSTR) !== 0 && (holder.flags & PF_X) === 0) add('holds code but its segment is not executable');
    if ((sec.flags & SHF_WRITE) !== 0 && (holder.flags & PF_W) === 0) add('is writable but its segment is not');
  }
}

/** Checks the program headers and section headers of an object about to be linked. */
export function checkObjectLayout(elf: ElfFile, loads: readonly Segment[], problems: ProblemList): void {
  checkLoads(elf, problems);
  checkSpecialSegments(elf, loads, problems);
  checkSections(elf, loads, problems);
}

/**
 * Checks that each defined function or object of `symbols` (table `table`)
 * lies in the object's loaded memory, functions in executable segments, and
 * inside the section it names.
 */
export function checkSymbolPlaces(elf: ElfFile, loads: readonly Segment[], symbols: readonly SymbolFacts[], table: string, problems: ProblemList): void {
  for (const sym of symbols) {
    const code = sym.type === STT_FUNC || sym.type === STT_GNU_IFUNC;
    if (sym.shndx === SHN_UNDEF || sym.shndx === SHN_COMMON || (!code && sym.type !== STT_OBJECT)) continue;
    const name = sym.name || '(unnamed)';
    const add = (why: string): void => problems.add({ kind: 'symbol', subject: name, message: `${table} symbol ${name} at ${hex(sym.value)} (${sym.size} bytes) ${why}` });
    if (sym.shndx === SHN_ABS) {
      // an absolute address does not move with the object: a call to it would go wherever that is in the program
      if (code) add('is an absolute function (SHN_ABS)');
      continue;
    }
    // a function has at least its first byte; an object may be an empty marker at a segment's end
    const size = code ? Math.max(sym.size, 1) : sym.size;
    const holder = loads.find((s) => inMemory(s, sym.value, size));
    if (!holder) {
      add('lies outside the loaded segments');
      continue;
    }
    if (code && (holder.flags & PF_X) === 0) {
      add('is a function outside the executable segments');
      continue;
    }
    if (elf.sections.length === 0 || sym.shndx >= SHN_LORESERVE) continue;
    const sec = elf.sections[sym.shndx];
    if (!sec) add(`names section ${sym.shndx} of ${elf.sections.length}`);
    else if ((sec.flags & SHF_ALLOC) !== 0 && !(sym.value >= sec.addr && sym.value + sym.size <= sec.addr + sec.size)) add(`lies outside its section ${sectionName(sec)}`);
  }
}

const DT_RELASZ = 8;

/**
 * Each allocated relocation section must be one the dynamic section lists
 * (DT_REL, DT_RELA, DT_JMPREL with their sizes): ld.so applies only those,
 * so relocations left out of them (a lost DT_JMPREL: the PLT's GOT entries
 * left pointing at link-time addresses) would crash the first call through them.
 */
export function checkRelocationSections(elf: ElfFile, dyn: DynamicInfo | null, problems: ProblemList): void {
  const listed: [number, number][] = [];
  for (const [addrTag, sizeTag] of [[DT_REL, DT_RELSZ], [DT_RELA, DT_RELASZ], [DT_JMPREL, DT_PLTRELSZ]]) {
    const addr = dyn?.get(addrTag);
    if (addr !== undefined) listed.push([addr, addr + (dyn?.get(sizeTag) ?? 0)]);
  }
  for (const sec of elf.sections) {
    if ((sec.type !== SHT_REL && sec.type !== SHT_RELA) || (sec.flags & SHF_ALLOC) === 0 || sec.size === 0) continue;
    if (!listed.some(([start, end]) => sec.addr >= start && sec.addr + sec.size <= end)) {
      problems.add({
        kind: 'relocation', subject: sectionName(sec),
        message: `section ${sectionName(sec)} (${sec.size} bytes at ${hex(sec.addr)}) holds relocations the dynamic section does not list (DT_REL, DT_RELA, DT_JMPREL)`,
      });
    }
  }
}

/** The PLT's reserved GOT words (the dynamic section's address, the link map, the resolver). */
const GOT_PLT_RESERVED = 12;

/**
 * Each of the PLT's GOT slots (.got.plt past its three reserved words) must
 * be relocated by an R_386_JUMP_SLOT: one left out keeps its link-time
 * address, and a call through it lands wherever that is in the program.
 */
export function checkPltSlots(elf: ElfFile, dyn: DynamicInfo | null, entries: readonly DynamicRelocation[], problems: ProblemList): void {
  const got = elf.sections.find((s) => s.name === '.got.plt' && s.type !== SHT_NOBITS);
  const pltgot = dyn?.get(DT_PLTGOT);
  if (!got || pltgot !== got.addr) return;
  const slots = new Set(entries.filter((r) => r.plt && (r.type === R_386_JUMP_SLOT || r.type === R_386_IRELATIVE)).map((r) => r.offset));
  for (let at = got.addr + GOT_PLT_RESERVED; at + 4 <= got.addr + got.size; at += 4) {
    if (!slots.has(at)) {
      problems.add({ kind: 'relocation', subject: '.got.plt', message: `PLT slot ${hex(at)} of .got.plt has no R_386_JUMP_SLOT relocation: a call through it would jump to a link-time address` });
    }
  }
}

const STB_LOCAL = 0;

/**
 * The full symbol table (.symtab, which the patcher reads to find what a
 * patch replaces) must agree with the dynamic one (what the linker binds)
 * on every symbol the object exports: the same name, address, type, and not
 * local. A patch whose two tables disagree would replace one set of
 * functions and link another.
 */
export function checkSymbolTablesAgree(dynsym: readonly SymbolFacts[], symtab: readonly SymbolFacts[], problems: ProblemList): void {
  if (symtab.length === 0) return;
  const byName = new Map<string, SymbolFacts[]>();
  for (const s of symtab) if (s.name !== '') byName.set(s.name, [...(byName.get(s.name) ?? []), s]);
  for (const d of dynsym) {
    if (d.name === '' || d.shndx === SHN_UNDEF || d.bind === STB_LOCAL) continue;
    const same = (byName.get(d.name) ?? []).some((s) => s.bind !== STB_LOCAL && s.shndx !== SHN_UNDEF && s.value === d.value && s.type === d.type);
    if (!same) {
      problems.add({
        kind: 'symbol', subject: d.name,
        message: `the symbol tables disagree about ${d.name}: .dynsym exports it at ${hex(d.value)} (type ${d.type}), .symtab has no such global`,
      });
    }
  }
}
