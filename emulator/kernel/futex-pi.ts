// Priority-inheritance futex words, as the kernel and glibc share them: the
// owner's tid in the low bits, FUTEX_WAITERS when somebody waits, and
// FUTEX_OWNER_DIED when the owner died holding it (robust mutexes). There is
// no priority to inherit here (one engine runs one thread at a time, and
// threads are scheduled in turn); what remains is the hand-over of the lock
// to the oldest waiter on unlock or on its owner's death.
import type { GuestMemory } from '../memory/guest-memory.js';
import type { FutexKey, FutexQueues } from './futex-queues.js';

export const FUTEX_WAITERS = 0x80000000;
export const FUTEX_OWNER_DIED = 0x40000000;
export const FUTEX_TID_MASK = 0x3fffffff;

/**
 * Give the PI lock at `uaddr` to its oldest waiter: the word names it, with
 * FUTEX_WAITERS (as the kernel sets it, so the next unlock comes back to the
 * kernel) and `extra` (FUTEX_OWNER_DIED). False when nobody waits.
 */
export function handOverPi(queues: FutexQueues, mem: GuestMemory, key: FutexKey, uaddr: number, extra: number): boolean {
  const next = queues.waiters(key)[0];
  if (!next) return false;
  mem.setU32(uaddr, (next.thread.tid | FUTEX_WAITERS | extra) >>> 0);
  queues.wakeOne(next);
  return true;
}
