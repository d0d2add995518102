// Posting a signal: it becomes pending on the process (or one thread) and the
// runner is asked to deliver it before the guest next runs (interrupting a
// blocked syscall if needed). Delivery itself is in delivery.ts.
import type { Process } from '../process.js';
import type { Thread } from '../thread.js';

export interface SignalInfo {
  signo: number;
  code: number;
  /** sender pid/uid (SI_USER, SI_TKILL) */
  pid?: number;
  uid?: number;
  /** faulting address (SIGSEGV, SIGBUS, SIGFPE, SIGILL) */
  addr?: number;
  /** timer or queued value */
  value?: number;
}

export const SI_USER = 0;
export const SI_KERNEL = 0x80;
export const SI_TKILL = -6;

export function postSignal(proc: Process, info: SignalInfo, thread?: Thread): void {
  const target = thread ?? proc.mainThread;
  target.pendingSignals.set(info.signo, info);
  proc.notifySignal();
}
