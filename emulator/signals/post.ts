// Posting a signal: it becomes pending on the process (or one thread) and the
// runner is asked to deliver it before the guest next runs (interrupting a
// blocked syscall if needed). Delivery itself is in delivery.ts.
import type { Process, SignalAction } from '../process.js';
import type { Thread } from '../thread.js';
import type { SiginfoFields } from '../abi/siginfo.js';
import { SIG_IGN, SIG_DFL, SIGRTMIN, sigbit, defaultAction } from '../abi/signal.js';
import { Subscribers } from '../kernel/wait.js';
import { chooseThread } from './target.js';
import { waitedSignals } from './pending.js';

export interface SignalInfo extends SiginfoFields {
  /** CPU exception number and error code, for the handler's sigcontext. */
  trapno?: number;
  errorCode?: number;
  /** Further queued instances of the same real-time signal, oldest first. */
  queued?: SignalInfo[];
}

export const SI_USER = 0;

/** Whether an action throws its signal away (SIG_IGN, or a default action that does nothing). */
export function actionIgnores(action: SignalAction, sig: number): boolean {
  if (action.handler === SIG_IGN) return true;
  if (action.handler !== SIG_DFL) return false;
  const d = defaultAction(sig);
  // a stop signal stops the process when it is taken (kernel/job-control.ts)
  return d === 'ignore' || d === 'continue';
}

/** Whether a signal would be thrown away on arrival (ignored and not blocked). */
function isIgnored(proc: Process, thread: Thread, sig: number): boolean {
  if ((thread.signalMask & sigbit(sig)) !== 0n) return false;
  if ((waitedSignals(thread) & sigbit(sig)) !== 0n) return false;
  return actionIgnores(proc.signalActions[sig], sig);
}

/** Drop every pending instance of `sig` (its action became "ignore"). */
export function discardSignal(proc: Process, sig: number): void {
  for (const t of proc.threads) t.pendingSignals.delete(sig);
  proc.sharedPending.delete(sig);
}

// Called whenever a signal becomes pending (signalfd readers and pollers);
// Process has no slot for them, so they are kept here, keyed weakly.
const pendingWatchers = new WeakMap<Process, Subscribers>();

/** Call `changed` each time a signal becomes pending in `proc`. Returns the unsubscribe function. */
export function watchPending(proc: Process, changed: () => void): () => void {
  let s = pendingWatchers.get(proc);
  if (!s) {
    s = new Subscribers();
    pendingWatchers.set(proc, s);
  }
  return s.add(changed);
}

/**
 * Make a signal pending: on `thread` when it is thread-directed (tgkill, a
 * fault), else on the process, where the thread the kernel would choose is
 * woken to take it (chooseThread).
 */
export function postSignal(proc: Process, info: SignalInfo, thread?: Thread): void {
  if (proc.exited) return;
  const sig = info.signo;
  // job control acts when a signal is sent (SIGCONT continues even if blocked)
  proc.run.sent(sig);
  if (isIgnored(proc, thread ?? proc.mainThread, sig)) {
    // strace -f shows it all the same (dsu run --strace)
    proc.kernel.tracer?.discarded(proc, thread ?? chooseThread(proc, sig) ?? proc.mainThread, info);
    return;
  }
  const queue = thread ? thread.pendingSignals : proc.sharedPending;
  const already = queue.get(sig);
  if (already) {
    // standard signals do not queue: a second one while pending is lost
    if (sig < SIGRTMIN) return;
    (already.queued ??= []).push(info);
  } else {
    queue.set(sig, info);
  }
  pendingWatchers.get(proc)?.notify();
  const target = thread ?? chooseThread(proc, sig);
  if (!target) return;
  if (!thread) target.takesShared = true;
  if ((target.signalMask & sigbit(sig)) === 0n || (waitedSignals(target) & sigbit(sig)) !== 0n) proc.notifySignal();
}
