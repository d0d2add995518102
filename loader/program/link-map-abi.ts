// The dynamic linker's debugger interface on i386 (glibc's <link.h>), as
// laid out in guest memory: struct r_debug (r_debug_extended since glibc
// 2.35, whose r_next chains the namespaces dlmopen creates) and the head of
// struct link_map, the public part every debugger reads.

/** struct r_debug_extended: 4-byte fields, no padding. */
export const R_DEBUG = {
  version: 0,
  map: 4,
  brk: 8,
  state: 12,
  ldbase: 16,
  /** Only when r_version >= 2. */
  next: 20,
} as const;

/** struct link_map, public head. */
export const LINK_MAP = {
  addr: 0,
  name: 4,
  ld: 8,
  next: 12,
  prev: 16,
} as const;

/** enum r_state */
export const RT_CONSISTENT = 0;
export const RT_ADD = 1;
export const RT_DELETE = 2;

/** r_version of a struct r_debug_extended with a valid r_next. */
export const R_DEBUG_EXTENDED_VERSION = 2;

/** Dynamic array entries (Elf32_Dyn): d_tag, then d_val/d_ptr. */
export const DYN_ENTRY_SIZE = 8;
