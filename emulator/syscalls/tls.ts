// A thread's TLS descriptors from Linux's struct user_desc, as
// set_thread_area and clone's CLONE_SETTLS give them (do_set_thread_area).
import { EINVAL, ESRCH } from '../abi/errno.js';
import { descriptorFor, TLS_COUNT, TLS_FIRST } from '../engine/descriptors.js';
import { readUserDesc } from '../abi/user-desc.js';
import type { Thread } from '../thread.js';
import type { SyscallContext } from './types.js';

/**
 * Fill one of `thread`'s TLS slots from the user_desc at `p` (do_set_thread_area):
 * entry -1 takes a free slot and reports it back when `canAllocate`. Returns
 * the GDT entry, or a negative errno.
 */
export function setTlsSlot(ctx: SyscallContext, thread: Thread, p: number, canAllocate: boolean): number {
  const d = readUserDesc(ctx.mem, p);
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
