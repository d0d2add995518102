// Relocation sections (i386 uses REL: offset and info, addend in place).
import { ElfError } from './errors.js';
import { ElfFile, Section } from './elf-file.js';
import { SHT_REL, SHT_RELA } from './constants.js';

export interface Relocation {
  offset: number;
  type: number;
  symbol: number;
  /** Explicit addend of a RELA entry; REL entries keep theirs in place. */
  addend: number | null;
  section: string;
}

export function readRelocations(elf: ElfFile, section: Section): Relocation[] {
  const r = elf.reader;
  const rela = section.type === SHT_RELA;
  const size = rela ? 12 : 8;
  const what = section.name || `section ${section.index}`;
  if (section.size % size !== 0) throw new ElfError(elf.path, what, `relocation section size ${section.size} is not a multiple of ${size}`);
  r.check(section.offset, section.size, what);
  const count = section.size / size;
  const out: Relocation[] = [];
  for (let i = 0; i < count; i++) {
    const at = section.offset + i * size;
    const info = r.u32(at + 4, 'r_info');
    out.push({
      offset: r.u32(at, 'r_offset'),
      type: info & 0xff,
      symbol: info >>> 8,
      addend: rela ? r.i32(at + 8, 'r_addend') : null,
      section: section.name,
    });
  }
  return out;
}

/** Every REL/RELA section of the file with its relocations. */
export function allRelocations(elf: ElfFile): { section: Section; relocations: Relocation[] }[] {
  const sections = elf.sections.filter((s) => s.type === SHT_REL || s.type === SHT_RELA);
  // Sections a linker writes never share bytes; without this, many headers aliasing
  // one big range would decode the same relocations over and over.
  const total = sections.reduce((sum, s) => sum + s.size, 0);
  if (total > elf.reader.length) {
    throw new ElfError(elf.path, 'SHT_REL', `relocation sections hold ${total} bytes in a ${elf.reader.length}-byte file: they overlap`);
  }
  return sections.map((section) => ({ section, relocations: readRelocations(elf, section) }));
}
