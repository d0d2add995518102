// An ELF32 i386 file as plain data. Headers come from elfy; every offset and
// size is checked against the file here, since elfy trusts its input.
import elfy, { ElfyHeader, ElfyProgram, ElfySection } from 'elfy';
import { ElfError } from './errors.js';
import { ByteReader } from './reader.js';
import { StringTable } from './strings.js';
import { EM_386, PT_INTERP, PT_LOAD, SHN_UNDEF, SHT_NOBITS, SHT_NULL, SHT_STRTAB } from './constants.js';

export interface Segment {
  type: number;
  offset: number;
  vaddr: number;
  filesz: number;
  memsz: number;
  flags: number;
  align: number;
}

export interface Section {
  index: number;
  name: string;
  type: number;
  flags: number;
  addr: number;
  offset: number;
  size: number;
  link: number;
  info: number;
  entsize: number;
}

export interface ElfFile {
  path: string;
  reader: ByteReader;
  type: number;
  machine: number;
  entry: number;
  phoff: number;
  phnum: number;
  osabi: number;
  segments: Segment[];
  sections: Section[];
  interpreter: string | null;
}

const EHDR_SIZE = 52;
const PHDR_SIZE = 32;
const SHDR_SIZE = 40;
/** The kernel refuses program header tables over 64 KiB (load_elf_phdrs). */
const MAX_PHDR_TABLE = 65536;
/** The kernel's limit on the PT_INTERP path, NUL included. */
const PATH_MAX = 4096;

function describeMachine(machine: number): string {
  const names: Record<number, string> = { 62: 'x86-64', 40: 'ARM', 183: 'AArch64', 8: 'MIPS', 20: 'PowerPC', 243: 'RISC-V' };
  return names[machine] ?? elfy.constants.machine[machine] ?? `machine ${machine}`;
}

function notElf(r: ByteReader): ElfError {
  if (r.length === 0) return new ElfError(r.file, '', 'empty file, not an ELF program');
  if (r.length >= 2 && r.bytes[0] === 0x23 && r.bytes[1] === 0x21) {
    const line = r.latin1(2, Math.min(r.length - 2, 80)).split('\n')[0].trim();
    return new ElfError(r.file, '', `script for ${line || 'an unnamed interpreter'}, not an ELF program`);
  }
  return new ElfError(r.file, '', 'not an ELF file');
}

function checkIdent(r: ByteReader): void {
  const b = r.bytes;
  if (r.length < 4 || b[0] !== 0x7f || b[1] !== 0x45 || b[2] !== 0x4c || b[3] !== 0x46) throw notElf(r);
  if (r.length < 20) throw new ElfError(r.file, 'ELF header', `truncated ELF header (${r.length} bytes)`);
  const cls = b[4];
  const data = b[5];
  const machine = data === 2 ? (b[18] << 8) | b[19] : r.u16(18, 'e_machine');
  if (cls === 2) {
    throw new ElfError(r.file, 'EI_CLASS', `64-bit ELF for ${describeMachine(machine)}: dsu runs 32-bit x86 programs (gcc -m32)`);
  }
  if (cls !== 1) throw new ElfError(r.file, 'EI_CLASS', `invalid ELF class ${cls}`);
  if (data === 2) throw new ElfError(r.file, 'EI_DATA', `big-endian ELF for ${describeMachine(machine)}: dsu runs 32-bit x86 programs`);
  if (data !== 1) throw new ElfError(r.file, 'EI_DATA', `invalid ELF data encoding ${data}`);
  if (machine !== EM_386) {
    throw new ElfError(r.file, 'e_machine', `ELF for ${describeMachine(machine)}: dsu runs 32-bit x86 (i386) programs`);
  }
  if (r.length < EHDR_SIZE) throw new ElfError(r.file, 'ELF header', `truncated ELF header (${r.length} of ${EHDR_SIZE} bytes)`);
}

function checkProgramHeaderTable(r: ByteReader, h: ElfyHeader): void {
  const file = r.file;
  if (h.phnum > 0) {
    if (h.phentsize !== PHDR_SIZE) throw new ElfError(file, 'e_phentsize', `program header size ${h.phentsize}, expected ${PHDR_SIZE}`);
    if (h.phoff === 0) throw new ElfError(file, 'e_phoff', 'program header table at offset 0, over the ELF header');
    if (h.phnum * PHDR_SIZE > MAX_PHDR_TABLE) throw new ElfError(file, 'e_phnum', `${h.phnum} program headers, more than the kernel accepts`);
    r.check(h.phoff, h.phnum * PHDR_SIZE, 'program header table');
  }
}

function checkSectionHeaderTable(r: ByteReader, h: ElfyHeader): void {
  const file = r.file;
  if (h.shnum > 0) {
    if (h.shentsize !== SHDR_SIZE) throw new ElfError(file, 'e_shentsize', `section header size ${h.shentsize}, expected ${SHDR_SIZE}`);
    if (h.shoff === 0) throw new ElfError(file, 'e_shoff', 'section header table at offset 0, over the ELF header');
    r.check(h.shoff, h.shnum * SHDR_SIZE, 'section header table');
    if (h.shstrndx >= h.shnum) throw new ElfError(file, 'e_shstrndx', `section name table ${h.shstrndx} of ${h.shnum} sections`);
  }
}

/** Segments execve itself reads: a malformed one of another kind is left out when parsing for exec. */
const EXEC_SEGMENTS = new Set([PT_LOAD, PT_INTERP]);

function readSegments(r: ByteReader, h: ElfyHeader, programs: ElfyProgram[], exec: boolean): Segment[] {
  const out: Segment[] = [];
  programs.forEach((p, i) => {
    try {
      out.push(readSegment(r, h, p, i));
    } catch (e) {
      if (!exec || !(e instanceof ElfError) || EXEC_SEGMENTS.has(r.u32(h.phoff + i * PHDR_SIZE, 'p_type'))) throw e;
    }
  });
  return out;
}

function readSegment(r: ByteReader, h: ElfyHeader, p: ElfyProgram, i: number): Segment {
  const at = h.phoff + i * PHDR_SIZE;
  const seg: Segment = {
    type: r.u32(at, 'p_type'),
    offset: p.offset,
    vaddr: p.vaddr,
    filesz: p.filesz,
    memsz: p.memsz,
    flags: r.u32(at + 24, 'p_flags'),
    align: p.align,
  };
  if (seg.filesz > 0) r.check(seg.offset, seg.filesz, `segment ${i} file range`);
  if (seg.filesz > seg.memsz) throw new ElfError(r.file, `segment ${i}`, 'p_filesz larger than p_memsz');
  if (seg.vaddr + seg.memsz > 2 ** 32) throw new ElfError(r.file, `segment ${i}`, 'segment extends past 4 GiB');
  return seg;
}

function readSections(r: ByteReader, h: ElfyHeader, raw: ElfySection[]): Section[] {
  const sections: Section[] = raw.map((s, i) => {
    const at = h.shoff + i * SHDR_SIZE;
    const sec: Section = {
      index: i, name: '', type: r.u32(at + 4, 'sh_type'), flags: r.u32(at + 8, 'sh_flags'), addr: s.addr,
      offset: s.off, size: s.size, link: s.link, info: s.info, entsize: s.entsize,
    };
    if (sec.type !== SHT_NOBITS && sec.type !== SHT_NULL && sec.size > 0) r.check(sec.offset, sec.size, `section ${i} range`);
    return sec;
  });
  if (h.shstrndx === SHN_UNDEF || sections.length === 0) return sections;
  const holder = sections[h.shstrndx];
  if (holder.type !== SHT_STRTAB) throw new ElfError(r.file, 'e_shstrndx', `section name table ${h.shstrndx} is not a string table`);
  const names = new StringTable(r, holder.offset, holder.size, 'section name table');
  for (let i = 0; i < sections.length; i++) {
    if (sections[i].type !== SHT_NULL) sections[i].name = names.get(raw[i].name, `sh_name of section ${i}`);
  }
  return sections;
}

function readInterpreter(r: ByteReader, segments: Segment[]): string | null {
  const interp = segments.find((s) => s.type === PT_INTERP);
  if (!interp) return null;
  if (interp.filesz < 2 || interp.filesz > PATH_MAX) throw new ElfError(r.file, 'PT_INTERP', `interpreter path of ${interp.filesz} bytes`);
  if (r.bytes[interp.offset + interp.filesz - 1] !== 0) throw new ElfError(r.file, 'PT_INTERP', 'interpreter path not NUL-terminated');
  const path = r.cstring(interp.offset, 'PT_INTERP', interp.offset, interp.offset + interp.filesz);
  if (path === '') throw new ElfError(r.file, 'PT_INTERP', 'empty interpreter path');
  return path;
}

export interface ParseOptions {
  /**
   * Parse the way execve reads a program: it looks at the ELF header, the
   * program headers, PT_LOAD and PT_INTERP only. A malformed section header
   * table (or section) is then left out (no sections) and a malformed
   * segment of another kind dropped, instead of refusing the file, so that
   * what the kernel runs dsu runs.
   */
  exec?: boolean;
}

function wrapped<T>(path: string, step: () => T): T {
  try {
    return step();
  } catch (e) {
    if (e instanceof ElfError) throw e;
    throw new ElfError(path, 'headers', (e as Error).message);
  }
}

export function parseElf(bytes: Uint8Array, path: string, opts: ParseOptions = {}): ElfFile {
  const r = new ByteReader(bytes, path);
  checkIdent(r);
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const parser = new elfy.Parser();
  const header: ElfyHeader = wrapped(path, () => parser.parseHeader(buf));
  const programs: ElfyProgram[] = wrapped(path, () => {
    checkProgramHeaderTable(r, header);
    return header.phnum > 0 ? parser.parsePrograms(buf, header) : [];
  });
  const segments = readSegments(r, header, programs, opts.exec === true);
  let sections: Section[];
  try {
    sections = wrapped(path, () => {
      checkSectionHeaderTable(r, header);
      return readSections(r, header, header.shnum > 0 ? parser.parseSections(buf, header) : []);
    });
  } catch (e) {
    if (!opts.exec) throw e;
    sections = [];
  }
  return {
    path, reader: r, type: r.u16(16, 'e_type'), machine: EM_386, entry: header.entry, phoff: header.phoff,
    phnum: header.phnum, osabi: r.bytes[7], segments, sections, interpreter: readInterpreter(r, segments),
  };
}

/** File offset of a virtual address inside a loaded segment's file bytes, or null. */
export function fileOffsetOf(elf: ElfFile, vaddr: number): number | null {
  return fileRangeOf(elf, vaddr, 1);
}

/** File offset of [vaddr, vaddr+size) when it lies inside one loaded segment's file bytes, else null. */
export function fileRangeOf(elf: ElfFile, vaddr: number, size: number): number | null {
  for (const s of elf.segments) {
    if (s.type === PT_LOAD && vaddr >= s.vaddr && vaddr + size <= s.vaddr + s.filesz) return s.offset + (vaddr - s.vaddr);
  }
  return null;
}
