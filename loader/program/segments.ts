// A module's PT_LOAD segments where they are at run time, with the
// protection the file asks for and the one its pages have now (ld.so makes
// the RELRO part of the data segment read-only; a patch may change more).
import { PF_R, PF_W, PF_X, PT_LOAD } from '../elf/constants.js';
import type { Module } from '../symbols/modules.js';
import { PageRun, ProgramMemory, protString } from './program-memory.js';

export interface RuntimeSegment {
  /** Run-time range of the segment's bytes: p_vaddr + bias, p_memsz long. */
  start: number;
  end: number;
  /** p_flags as rwx. */
  fileProt: string;
  /** Its pages now, run by run (pages not mapped are absent). */
  pages: PageRun[];
}

const PAGE = 4096;

export function moduleSegments(module: Module, memory: ProgramMemory): RuntimeSegment[] {
  return module.data.elf.segments.filter((s) => s.type === PT_LOAD && s.memsz > 0).map((s) => {
    const start = (s.vaddr + module.bias) >>> 0;
    const end = start + s.memsz;
    const fileProt = protString((s.flags & PF_R ? 1 : 0) | (s.flags & PF_W ? 2 : 0) | (s.flags & PF_X ? 4 : 0));
    const first = start - (start % PAGE);
    const last = Math.min(Math.ceil(end / PAGE) * PAGE, 2 ** 32);
    return { start, end, fileProt, pages: memory.protections(first, last) };
  });
}
