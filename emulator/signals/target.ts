// Which thread takes a process-directed signal, as the kernel's
// complete_signal() chooses: the thread the signal was sent to (the main
// thread) if it can take it now, else the next thread in turn that does not
// block it and has no signal waiting already, else any that does not block
// it. When a thread's mask changes, process signals it now blocks go to
// another thread and those it lets through become its to take
// (retarget_shared_pending, recalc_sigpending).
import type { Process } from '../process.js';
import type { Thread } from '../thread.js';
import { sigbit } from '../abi/signal.js';
import { hasDeliverable, queueSet, waitedSignals } from './pending.js';

/** The thread would take `sig` (it does not block it, or waits for it in sigtimedwait). */
function takes(thread: Thread, sig: number): boolean {
  if (thread.state === 'exited') return false;
  return ((thread.signalMask & ~waitedSignals(thread)) & sigbit(sig)) === 0n;
}

/** Turn for the next choice among the threads (signal->curr_target). */
const nextTurn = new WeakMap<Process, number>();

export function chooseThread(proc: Process, sig: number): Thread | null {
  const main = proc.mainThread;
  if (takes(main, sig) && !hasDeliverable(main)) return main;
  const threads = proc.threads;
  const n = threads.length;
  const from = nextTurn.get(proc) ?? 0;
  let fallback: Thread | null = null;
  for (let i = 0; i < n; i++) {
    const t = threads[(from + i) % n];
    if (!takes(t, sig)) continue;
    if (!hasDeliverable(t)) {
      nextTurn.set(proc, (from + i + 1) % n);
      return t;
    }
    fallback ??= t;
  }
  return fallback;
}

/**
 * `thread`'s signal mask changed from `before`: hand process signals it
 * now blocks to another thread, and let it take those it now lets through.
 * Returns whether it has a signal to take now.
 */
export function maskChanged(proc: Process, thread: Thread, before: bigint): boolean {
  const shared = queueSet(proc.sharedPending);
  if (shared !== 0n) {
    if ((shared & ~thread.signalMask) !== 0n) thread.takesShared = true;
    const nowBlocked = shared & thread.signalMask & ~before;
    for (let sig = 1; nowBlocked >> BigInt(sig - 1) !== 0n; sig++) {
      if ((nowBlocked & sigbit(sig)) === 0n) continue;
      const other = chooseThread(proc, sig);
      if (other && other !== thread) other.takesShared = true;
    }
  }
  return hasDeliverable(thread) || proc.threads.some((t) => t !== thread && hasDeliverable(t));
}
