// The pages an object occupies, as ld.so maps them: the whole span is
// reserved, each segment's file pages are mapped from the file with the
// segment's protection, its zero-fill pages beyond them anonymously, the
// gaps between segments with no access, and PT_GNU_RELRO's whole pages are
// made read-only once relocated.
import { PF_R, PF_W, PF_X } from '../elf/constants.js';
import { SharedObject, pageDown, pageUp } from './shared-object.js';
import { PROT_EXEC, PROT_READ, PROT_WRITE } from '../program/program-memory.js';


/** A link-time page range with one protection and one backing. */
export interface PageRange {
  start: number;
  end: number;
  prot: number;
  /** File offset of `start` for file-backed pages, null for zero-fill and gaps. */
  fileOffset: number | null;
}

export function protOf(flags: number): number {
  return (flags & PF_R ? PROT_READ : 0) | (flags & PF_W ? PROT_WRITE : 0) | (flags & PF_X ? PROT_EXEC : 0);
}

/** Gives [start, end) protection `prot`, splitting the ranges it cuts. */
function protect(ranges: PageRange[], start: number, end: number, prot: number): PageRange[] {
  const out: PageRange[] = [];
  for (const r of ranges) {
    const cuts = [r.start, Math.min(Math.max(start, r.start), r.end), Math.min(Math.max(end, r.start), r.end), r.end];
    for (let i = 0; i < 3; i++) {
      const [a, b] = [cuts[i], cuts[i + 1]];
      if (a >= b) continue;
      out.push({ start: a, end: b, prot: i === 1 ? prot : r.prot, fileOffset: r.fileOffset === null ? null : r.fileOffset + (a - r.start) });
    }
  }
  return out;
}

export function pageRanges(obj: SharedObject): PageRange[] {
  let ranges: PageRange[] = [];
  let at = obj.low;
  for (const s of [...obj.loads].sort((a, b) => a.vaddr - b.vaddr)) {
    const start = pageDown(s.vaddr);
    if (start > at) ranges.push({ start: at, end: start, prot: 0, fileOffset: null });
    const fileEnd = s.filesz > 0 ? pageUp(s.vaddr + s.filesz) : start;
    const end = pageUp(s.vaddr + s.memsz);
    const prot = protOf(s.flags);
    if (fileEnd > start) ranges.push({ start, end: fileEnd, prot, fileOffset: pageDown(s.offset) });
    if (end > fileEnd) ranges.push({ start: fileEnd, end, prot, fileOffset: null });
    at = Math.max(at, end);
  }
  if (obj.relro) {
    // like ld.so's _dl_protect_relro: the end is rounded down, a partial last page stays writable
    ranges = protect(ranges, pageDown(obj.relro.vaddr), pageDown(obj.relro.vaddr + obj.relro.memsz), PROT_READ);
  }
  return ranges;
}
