// A thread's TLS descriptors from Linux's struct user_desc, as
// set_thread_area and clone's CLONE_SETTLS give them (do_set_thread_area).
import { EINVAL, ESRCH } from '../abi/errno.js';
import { descriptorFor, TLS_COUNT, TLS_FIRST, UserDesc } from '../engine/descriptors.js';
import type { Thread } from '../thread.js';
import type { SyscallContext } from './types.js';

function readUserDesc(ctx: SyscallContext, p: number): UserDesc {
  const m = ctx.mem;
  const bits = m.u32(p + 12);
  return {
    entry: m.i32(p),
    base: m.u32(p + 4),
    limit: m.u32(p + 8),
    seg32: (bits & 1) !== 0,
    contents: (bits >> 1) & 3,
    readExecOnly: (bits & 8) !== 0,
    limitInPages: (bits & 16) !== 0,
    notPresent: (bits & 32) !== 0,
    useable: (bits & 64) !== 0,
  };
}

/**
 * Fill one of `thread`'s TLS slots from the user_desc at `p` (do_set_thread_area):
 * entry -1 takes a free slot and reports it back when `canAllocate`. Returns
 * the GDT entry, or a negative errno.
 */
export function setTlsSlot(ctx: SyscallContext, thread: Thread, p: number, canAllocate: boolean): number {
  const d = readUserDesc(ctx, p);
  let entry = d.entry;
  if (entry === -1 && canAllocate) {
    const free = thread.tls.findIndex(([lo, hi]) => lo === 0 && hi === 0);
    if (free < 0) return -ESRCH;
    entry = TLS_FIRST + free;
    ctx.mem.setI32(p, entry);
  }
  if (entry < TLS_FIRST || entry >= TLS_FIRST + TLS_COUNT) return -EINVAL;
  thread.tls[entry - TLS_FIRST] = descriptorFor(d);
  return entry;
}
