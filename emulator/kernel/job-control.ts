// Job control: a stop signal whose action is the default stops the whole
// process (no thread runs) and tells the parent (CLD_STOPPED); SIGCONT
// continues it (CLD_CONTINUED) when it is sent, whatever its action or
// mask, and throws pending stop signals away, as a stop signal throws a
// pending SIGCONT away; SIGKILL ends a stopped process without continuing
// it first.
import type { Process } from '../process.js';
import type { Thread } from '../thread.js';
import { SIGCONT, SIGKILL, SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU } from '../abi/signal.js';
import { notifyParentOfJob } from './process-exit.js';

const STOP_SIGNALS = [SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU];

function isStopSignal(sig: number): boolean {
  return STOP_SIGNALS.includes(sig);
}

/** What sending `sig` does at once, before it is queued (the kernel's prepare_signal). */
export function signalSent(proc: Process, sig: number): void {
  if (sig === SIGCONT) {
    for (const t of proc.threads) for (const s of STOP_SIGNALS) t.pendingSignals.delete(s);
    continueProcess(proc);
  } else if (isStopSignal(sig)) {
    for (const t of proc.threads) t.pendingSignals.delete(SIGCONT);
  } else if (sig === SIGKILL && proc.family.stopSignal !== 0) {
    // it dies without being reported as continued
    proc.family.stopSignal = 0;
    proc.run.release();
  }
}

/** Take a stop signal with the default action: the process stops. */
export function stopProcess(proc: Process, sig: number, _thread: Thread): void {
  if (proc.family.stopSignal !== 0 || proc.exited) return;
  proc.family.stopSignal = sig;
  proc.run.hold();
  notifyParentOfJob(proc, sig);
}

/** A stopped process goes on. */
function continueProcess(proc: Process): void {
  if (proc.family.stopSignal === 0 || proc.exited) return;
  proc.family.stopSignal = 0;
  proc.run.release();
  notifyParentOfJob(proc, null);
}
