// What the module and GOT models need from a running program: reads of its
// memory that fail softly where the guest itself could not read, and the
// current protection of its pages. The emulator implements it
// (patcher/inspect/guest-program.ts); the loader never touches the process.

/** A run of pages with one protection (PROT_* bits: 1 read, 2 write, 4 exec). */
export interface PageRun {
  start: number;
  end: number;
  prot: number;
}

export interface ProgramMemory {
  /** The little-endian word at `address`, or null when the guest cannot read all four bytes. */
  u32(address: number): number | null;
  /** The NUL-terminated string at `address` (Latin-1), or null when unreadable or longer than `max` bytes. */
  cstring(address: number, max: number): string | null;
  /** Mapped runs of pages overlapping [start, end), clipped to it, in address order (gaps are unmapped). */
  protections(start: number, end: number): PageRun[];
}

export const PROT_READ = 1;
export const PROT_WRITE = 2;
export const PROT_EXEC = 4;

export function protString(prot: number): string {
  return `${prot & PROT_READ ? 'r' : '-'}${prot & PROT_WRITE ? 'w' : '-'}${prot & PROT_EXEC ? 'x' : '-'}`;
}

export const hex = (n: number): string => `0x${(n >>> 0).toString(16)}`;
