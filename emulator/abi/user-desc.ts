// struct user_desc (asm/ldt.h), as set_thread_area, get_thread_area and
// modify_ldt read it: entry_number, base_addr, limit, then a word of flags.
import type { GuestMemory } from '../memory/guest-memory.js';
import type { UserDesc } from '../engine/descriptors.js';

export const USER_DESC_SIZE = 16;

/** The "lm" flag (bit 7): meaningful only to 64-bit programs, but it makes a descriptor non-empty. */
export function userDescLongMode(mem: GuestMemory, p: number): boolean {
  return (mem.u32(p + 12) & 0x80) !== 0;
}

export function readUserDesc(mem: GuestMemory, p: number): UserDesc {
  const bits = mem.u32(p + 12);
  return {
    entry: mem.i32(p),
    base: mem.u32(p + 4),
    limit: mem.u32(p + 8),
    seg32: (bits & 1) !== 0,
    contents: (bits >> 1) & 3,
    readExecOnly: (bits & 8) !== 0,
    limitInPages: (bits & 16) !== 0,
    notPresent: (bits & 32) !== 0,
    useable: (bits & 64) !== 0,
  };
}
