// A thread leaving, as the kernel's do_exit does it for one task: its
// robust futex list is walked (each lock it still holds is marked
// FUTEX_OWNER_DIED and a waiter woken, or a PI lock handed over), its
// clear_child_tid word is zeroed and woken (what pthread_join waits on),
// and it is taken off the process. The main thread stays listed as a zombie
// leader while others run. When the last thread goes, the process ends
// with the main thread's exit code, as wait(2) reports a thread group whose
// threads all left by exit(2).
import type { Process } from '../process.js';
import type { Thread } from '../thread.js';
import type { GuestMemory } from '../memory/guest-memory.js';
import { LinuxError } from '../abi/errno.js';
import { chooseThread } from '../signals/target.js';
import { hasDeliverable } from '../signals/pending.js';
import { futexKey } from './futex-queues.js';
import { FUTEX_OWNER_DIED, FUTEX_TID_MASK, FUTEX_WAITERS, handOverPi } from './futex-pi.js';

/** The kernel's ROBUST_LIST_LIMIT: a cyclic or runaway list is walked this far. */
const ROBUST_LIST_LIMIT = 2048;

/** handle_futex_death: the lock word at `uaddr` if `thread` holds it. */
function futexDeath(proc: Process, mem: GuestMemory, uaddr: number, thread: Thread, pi: boolean, pendingOp: boolean): void {
  const key = futexKey(proc.space, uaddr);
  const word = mem.u32(uaddr);
  // a lock being taken when the thread died, still free: wake a waiter that may have missed it
  if (pendingOp && !pi && word === 0) {
    proc.kernel.futexes.wake(key, 1);
    return;
  }
  if ((word & FUTEX_TID_MASK) !== thread.tid) return;
  if (pi && (word & FUTEX_WAITERS) && handOverPi(proc.kernel.futexes, mem, key, uaddr, FUTEX_OWNER_DIED)) return;
  mem.setU32(uaddr, ((word & FUTEX_WAITERS) | FUTEX_OWNER_DIED) >>> 0);
  if (!pi && (word & FUTEX_WAITERS)) proc.kernel.futexes.wake(key, 1);
}

/** exit_robust_list: struct robust_list_head { next; long futex_offset; list_op_pending; }, bit 0 of each pointer marks a PI lock. */
function walkRobustList(proc: Process, mem: GuestMemory, thread: Thread): void {
  const head = thread.robustList;
  if (head === 0) return;
  // bit 0 of each pointer marks a PI lock; the rest is the entry's address
  const address = (p: number): number => (p & ~1) >>> 0;
  try {
    let entry = mem.u32(head);
    const offset = mem.i32(head + 4);
    const pending = mem.u32(head + 8);
    for (let n = 0; address(entry) !== head && n < ROBUST_LIST_LIMIT; n++) {
      const next = mem.u32(address(entry));
      if (address(entry) !== address(pending)) futexDeath(proc, mem, (address(entry) + offset) >>> 0, thread, (entry & 1) !== 0, false);
      entry = next;
    }
    if (pending !== 0) futexDeath(proc, mem, (address(pending) + offset) >>> 0, thread, (pending & 1) !== 0, true);
  } catch (e) {
    // a list in unmapped memory is given up on, as the kernel does
    if (!(e instanceof LinuxError)) throw e;
  }
}

/** CLONE_CHILD_CLEARTID / set_tid_address: zero the word and wake one waiter on it. */
function clearChildTid(proc: Process, mem: GuestMemory, thread: Thread): void {
  const address = thread.clearChildTid;
  if (address === 0) return;
  thread.clearChildTid = 0;
  try {
    mem.setU32(address, 0);
  } catch (e) {
    if (!(e instanceof LinuxError)) throw e;
    return;
  }
  proc.kernel.futexes.wake(futexKey(proc.space, address), 1);
}

/** One thread exits with `code` (exit(2)); returns true when it was the last and the process ended. */
export function exitThread(proc: Process, thread: Thread, code: number): boolean {
  walkRobustList(proc, proc.mem, thread);
  clearChildTid(proc, proc.mem, thread);
  const p = thread.pending;
  if (p) {
    p.cancel?.();
    p.blocked.abandon?.();
    thread.pending = null;
  }
  thread.state = 'exited';
  thread.exitCode = code & 0xff;
  // signals only it could take are lost with it; the process's go to another thread
  thread.pendingSignals.clear();
  thread.takesShared = false;
  if (thread !== proc.mainThread) {
    proc.kernel.tracer?.threadExited(thread, code);
    proc.threads.splice(proc.threads.indexOf(thread), 1);
    proc.kernel.releaseId(thread.tid);
  }
  if (!proc.threads.some((t) => t.state !== 'exited')) {
    proc.exit = { code: proc.mainThread.exitCode };
    return true;
  }
  for (const sig of proc.sharedPending.keys()) {
    const other = chooseThread(proc, sig);
    if (other) other.takesShared = true;
  }
  if (proc.threads.some(hasDeliverable)) proc.notifySignal();
  return false;
}
