// ELF notes; the GNU build ID identifies a binary across runs.
import { ElfError } from './errors.js';
import { ElfFile } from './elf-file.js';
import { NT_GNU_BUILD_ID, PT_NOTE, SHT_NOTE } from './constants.js';

interface ElfNote {
  name: string;
  type: number;
  desc: Uint8Array;
}

const NOTE_HEADER = 12;
const align4 = (n: number): number => Math.ceil(n / 4) * 4;

/**
 * Notes of the PT_NOTE segments, or of the SHT_NOTE sections when there are none.
 * @public test/helpers/elf-probe-worker.mjs calls it through dist/, where knip cannot follow
 */
export function readNotes(elf: ElfFile): ElfNote[] {
  const r = elf.reader;
  let ranges = elf.segments.filter((s) => s.type === PT_NOTE).map((s) => ({ start: s.offset, size: s.filesz, what: 'PT_NOTE' }));
  if (ranges.length === 0) {
    ranges = elf.sections.filter((s) => s.type === SHT_NOTE).map((s) => ({ start: s.offset, size: s.size, what: s.name || `section ${s.index}` }));
  }
  // Like relocation sections, note areas never share bytes in a file a linker wrote.
  const total = ranges.reduce((sum, n) => sum + n.size, 0);
  if (total > r.length) throw new ElfError(elf.path, 'notes', `note areas hold ${total} bytes in a ${r.length}-byte file: they overlap`);
  const notes: ElfNote[] = [];
  for (const { start, size, what } of ranges) {
    r.check(start, size, what);
    const end = start + size;
    // Fewer bytes than a note header left at the end are padding.
    for (let at = start; at + NOTE_HEADER <= end;) {
      const namesz = r.u32(at, 'n_namesz');
      const descsz = r.u32(at + 4, 'n_descsz');
      const type = r.u32(at + 8, 'n_type');
      const nameAt = at + NOTE_HEADER;
      const descAt = nameAt + align4(namesz);
      const next = descAt + align4(descsz);
      if (next > end) throw new ElfError(elf.path, `note in ${what}`, `note of ${namesz}+${descsz} bytes at offset ${at} runs past the end of its ${size}-byte area`);
      const name = r.latin1(nameAt, namesz, 'n_name').replace(/\0+$/, '');
      notes.push({ name, type, desc: r.slice(descAt, descsz, 'n_desc') });
      at = next;
    }
  }
  return notes;
}

export function buildId(elf: ElfFile): string | null {
  const note = readNotes(elf).find((n) => n.name === 'GNU' && n.type === NT_GNU_BUILD_ID);
  return note ? Buffer.from(note.desc).toString('hex') : null;
}
