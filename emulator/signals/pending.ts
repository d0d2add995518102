// The pending-signal queues as a thread sees them: its own (thread-directed
// signals) and its process's (process-directed ones, which it takes when it
// was chosen for them), and taking a signal off them in the kernel's order.
import type { Thread } from '../thread.js';
import type { SignalInfo } from './post.js';
import { sigbit } from '../abi/signal.js';

/** Signals a blocked sigtimedwait is waiting for (they wake it even while blocked). */
export function waitedSignals(thread: Thread): bigint {
  const w = thread.pending ? thread.syscallState?.waitSet : undefined;
  return typeof w === 'bigint' ? w : 0n;
}

/** The signals of a queue as a set. */
export function queueSet(queue: Map<number, SignalInfo>): bigint {
  let set = 0n;
  for (const sig of queue.keys()) set |= sigbit(sig);
  return set;
}

/** Signals pending for a thread: its own and the process's (what sigpending reports). */
export function pendingSet(thread: Thread): bigint {
  return queueSet(thread.pendingSignals) | queueSet(thread.sharedPending);
}

/** The signals the thread would take now: its own unblocked ones, and the process's if it was chosen for them. */
function deliverableSet(thread: Thread): bigint {
  let set = queueSet(thread.pendingSignals);
  if (thread.takesShared) set |= queueSet(thread.sharedPending);
  return set & ~thread.signalMask;
}

/** Whether a signal is pending that the thread would take now. */
export function hasDeliverable(thread: Thread): boolean {
  if (thread.pendingSignals.size === 0 && (!thread.takesShared || thread.sharedPending.size === 0)) return false;
  return deliverableSet(thread) !== 0n;
}

function takeFrom(queue: Map<number, SignalInfo>, sig: number): SignalInfo | undefined {
  const info = queue.get(sig);
  if (!info) return undefined;
  const rest = info.queued ?? [];
  info.queued = undefined;
  const next = rest.shift();
  if (next) {
    next.queued = rest;
    queue.set(sig, next);
  } else {
    queue.delete(sig);
  }
  return info;
}

/** Take the oldest pending instance of `sig`: the thread's own first, then the process's. */
export function takeSignal(thread: Thread, sig: number): SignalInfo | undefined {
  return takeFrom(thread.pendingSignals, sig) ?? takeFrom(thread.sharedPending, sig);
}
