// The patcher's guest calls (the state-transfer routine of a patch, the
// initialisers of a linked object): which thread runs them, and how a
// failure reads. The call itself is the emulator's (emulator/guest-call.ts).
import type { Session } from '../../emulator/launch.js';
import type { Thread } from '../../emulator/thread.js';
import type { CpuFault } from '../../emulator/faults/fault.js';
import { callInGuest } from '../../emulator/guest-call.js';
import { describeFault } from './fault-text.js';

export type CallOutcome =
  | { ok: true; value: number }
  | { ok: false; reason: string; fault?: CpuFault };

/**
 * The thread a call runs on: the main thread while it lives (its stack is
 * the program's own and its TLS the first one set up), else the first
 * thread still running.
 */
function callThread(session: Session): Thread {
  const live = session.proc.threads.filter((t) => t.state !== 'exited');
  if (live.length === 0) throw new Error('the program has no thread left to run a call');
  return live.includes(session.proc.mainThread) ? session.proc.mainThread : live[0];
}

/**
 * Call `fn(args...)` (cdecl) in the guest and wait for it to return.
 * The caller must hold the runner (runner.hold()) so the program itself does not run.
 */
export async function callGuest(session: Session, fn: number, args: number[], timeoutMs: number): Promise<CallOutcome> {
  const r = await callInGuest(session.runner, callThread(session), fn, args, timeoutMs);
  if (r.ok) return r;
  if ('fault' in r) return { ok: false, reason: describeFault(session, r.fault), fault: r.fault };
  // the patcher's calls (transfer, initialisers, rollback routine) share one limit, which
  // dsu patch --transfer-timeout sets: a slow machine's user must learn which limit it was
  return { ok: false, reason: `did not return within ${r.timedOutMs} ms (time limit: dsu patch --transfer-timeout)` };
}
