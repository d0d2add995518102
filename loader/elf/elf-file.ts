// An ELF32 i386 file as plain data. Headers come from elfy; every offset and
// size is checked against the file here, since elfy trusts its input.
import elfy from 'elfy';
import { ElfError } from './errors.js';
import { ByteReader } from './reader.js';
import { EM_386, PT_INTERP, SHT_NOBITS, SHT_NULL } from './constants.js';

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

const MAX_HEADERS = 65535;

function describeMachine(machine: number): string {
  const names: Record<number, string> = { 62: 'x86-64', 40: 'ARM', 183: 'AArch64', 8: 'MIPS', 20: 'PowerPC', 243: 'RISC-V' };
  return names[machine] ?? elfy.constants.machine[machine] ?? `machine ${machine}`;
}

function checkIdent(r: ByteReader): void {
  if (r.length < 4 || r.bytes[0] !== 0x7f || r.bytes[1] !== 0x45 || r.bytes[2] !== 0x4c || r.bytes[3] !== 0x46) {
    throw new ElfError(r.file, '', 'not an ELF file');
  }
  if (r.length < 52) throw new ElfError(r.file, 'ELF header', 'truncated ELF header');
  const cls = r.bytes[4];
  const machine = r.u16(18, 'e_machine');
  if (cls === 2) {
    throw new ElfError(r.file, 'EI_CLASS', `64-bit ELF for ${describeMachine(machine)}: dsu runs 32-bit x86 programs (gcc -m32)`);
  }
  if (cls !== 1) throw new ElfError(r.file, 'EI_CLASS', `invalid ELF class ${cls}`);
  if (r.bytes[5] !== 1) throw new ElfError(r.file, 'EI_DATA', 'big-endian ELF: dsu runs 32-bit x86 programs');
  if (machine !== EM_386) {
    throw new ElfError(r.file, 'e_machine', `ELF for ${describeMachine(machine)}: dsu runs 32-bit x86 (i386) programs`);
  }
}

export function parseElf(bytes: Uint8Array, path: string): ElfFile {
  const r = new ByteReader(bytes, path);
  checkIdent(r);
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const parser = new elfy.Parser();
  let header;
  try {
    header = parser.parseHeader(buf);
  } catch (e) {
    throw new ElfError(path, 'ELF header', (e as Error).message);
  }
  if (header.phnum > 0 && header.phentsize !== 32) throw new ElfError(path, 'e_phentsize', `unexpected program header size ${header.phentsize}`);
  if (header.shnum > 0 && header.shentsize !== 40) throw new ElfError(path, 'e_shentsize', `unexpected section header size ${header.shentsize}`);
  if (header.phnum > MAX_HEADERS || header.shnum > MAX_HEADERS) throw new ElfError(path, 'e_phnum', 'too many headers');
  if (header.phnum > 0) r.check(header.phoff, header.phnum * 32, 'program header table');
  if (header.shnum > 0) r.check(header.shoff, header.shnum * 40, 'section header table');

  let programs;
  let rawSections;
  try {
    programs = header.phnum > 0 ? parser.parsePrograms(buf, header) : [];
    rawSections = header.shnum > 0 ? parser.parseSections(buf, header) : [];
  } catch (e) {
    throw new ElfError(path, 'headers', (e as Error).message);
  }

  const segments: Segment[] = programs.map((p, i) => {
    const at = header.phoff + i * 32;
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
    if (seg.filesz > seg.memsz) throw new ElfError(path, `segment ${i}`, 'p_filesz larger than p_memsz');
    if (seg.vaddr + seg.memsz > 2 ** 32) throw new ElfError(path, `segment ${i}`, 'segment extends past 4 GiB');
    return seg;
  });

  const sections: Section[] = rawSections.map((s, i) => {
    const at = header.shoff + i * 40;
    const sec: Section = {
      index: i, name: '', type: r.u32(at + 4, 'sh_type'), flags: r.u32(at + 8, 'sh_flags'), addr: s.addr,
      offset: s.off, size: s.size, link: s.link, info: s.info, entsize: s.entsize,
    };
    if (sec.type !== SHT_NOBITS && sec.type !== SHT_NULL && sec.size > 0) r.check(sec.offset, sec.size, `section ${i} range`);
    return sec;
  });
  if (sections.length > 0 && header.shstrndx < sections.length && header.shstrndx !== 0) {
    const names = sections[header.shstrndx];
    for (let i = 0; i < rawSections.length; i++) {
      sections[i].name = r.cstring(names.offset + rawSections[i].name, `name of section ${i}`, names.offset, names.offset + names.size);
    }
  }

  const interp = segments.find((s) => s.type === PT_INTERP);
  let interpreter: string | null = null;
  if (interp) {
    interpreter = r.cstring(interp.offset, 'PT_INTERP', interp.offset, interp.offset + interp.filesz);
  }

  return {
    path, reader: r, type: r.u16(16, 'e_type'), machine: EM_386, entry: header.entry, phoff: header.phoff,
    phnum: header.phnum, osabi: r.bytes[7], segments, sections, interpreter,
  };
}

/** File offset of a virtual address inside a loaded segment, or null. */
export function fileOffsetOf(elf: ElfFile, vaddr: number): number | null {
  for (const s of elf.segments) {
    if (s.type === 1 && vaddr >= s.vaddr && vaddr < s.vaddr + s.filesz) return s.offset + (vaddr - s.vaddr);
  }
  return null;
}
