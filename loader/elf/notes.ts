// ELF notes; the GNU build ID identifies a binary across runs.
import { ElfFile } from './elf-file.js';
import { NT_GNU_BUILD_ID, PT_NOTE, SHT_NOTE } from './constants.js';

export interface ElfNote {
  name: string;
  type: number;
  desc: Uint8Array;
}

export function readNotes(elf: ElfFile): ElfNote[] {
  const r = elf.reader;
  const ranges = elf.segments.filter((s) => s.type === PT_NOTE).map((s) => [s.offset, s.filesz]);
  if (ranges.length === 0) {
    for (const s of elf.sections) if (s.type === SHT_NOTE) ranges.push([s.offset, s.size]);
  }
  const notes: ElfNote[] = [];
  for (const [start, size] of ranges) {
    let at = start;
    const end = start + size;
    while (at + 12 <= end) {
      const namesz = r.u32(at, 'n_namesz');
      const descsz = r.u32(at + 4, 'n_descsz');
      const type = r.u32(at + 8, 'n_type');
      const nameAt = at + 12;
      const descAt = nameAt + Math.ceil(namesz / 4) * 4;
      const next = descAt + Math.ceil(descsz / 4) * 4;
      if (next > end || namesz > size || descsz > size) break;
      const name = namesz > 0 ? Buffer.from(r.slice(nameAt, namesz, 'note name')).toString('latin1').replace(/\0+$/, '') : '';
      notes.push({ name, type, desc: r.slice(descAt, descsz, 'note desc') });
      at = next;
    }
  }
  return notes;
}

export function buildId(elf: ElfFile): string | null {
  const note = readNotes(elf).find((n) => n.name === 'GNU' && n.type === NT_GNU_BUILD_ID);
  return note ? Buffer.from(note.desc).toString('hex') : null;
}
