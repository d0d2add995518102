// Which guest process or thread a pid names, as seen by a calling guest
// process. This is the one place every call taking a pid asks (kill, the
// sched_* and priority calls, prlimit64, pidfd_*, process_vm_*, kcmp,
// /proc/PID): a pid that names no guest task names nothing, exactly as a
// pid outside a pid namespace does, so no guest call ever reaches a host
// process. The guest sees only its own process tree; today that is one
// process and its threads. Whoever adds processes (fork, a guest pid
// namespace) extends `visibleProcesses` and the group and session fields
// here; every caller follows.
import type { Process } from '../process.js';
import type { Thread } from '../thread.js';

export interface GuestTask {
  proc: Process;
  thread: Thread;
}

/** Every guest process `self` can see (its own process tree), `self` included. */
export function visibleProcesses(self: Process): Process[] {
  return self.exited ? [] : [self];
}

/** The live thread whose tid is `tid` in any visible process, or undefined. */
export function guestThread(self: Process, tid: number): GuestTask | undefined {
  if (tid <= 0) return undefined;
  for (const proc of visibleProcesses(self)) {
    const thread = proc.threads.find((t) => t.tid === tid && t.state !== 'exited');
    if (thread) return { proc, thread };
  }
  return undefined;
}

/**
 * The process whose thread-group id is `pid`, or undefined. A pid of 0
 * (where a call allows it for "the caller") must be mapped by the caller.
 */
export function guestProcess(self: Process, pid: number): Process | undefined {
  if (pid <= 0) return undefined;
  return visibleProcesses(self).find((p) => p.pid === pid && !p.exited);
}

/**
 * The process a pid argument names where 0 means the caller and a tid of
 * any of a process's threads names that process (kill, prlimit64, the
 * priority calls). Undefined: the pid names nothing the guest may touch.
 */
export function processByAnyTid(self: Process, pid: number): Process | undefined {
  if (pid === 0) return self;
  return guestProcess(self, pid) ?? guestThread(self, pid)?.proc;
}

/** The process group of a guest process (each guest process leads its own today). */
export function processGroupOf(proc: Process): number {
  return proc.pid;
}

/** The session of a guest process (each guest process leads its own today). */
export function sessionOf(proc: Process): number {
  return proc.pid;
}

/** The visible processes of process group `pgid`. */
export function processGroup(self: Process, pgid: number): Process[] {
  return visibleProcesses(self).filter((p) => !p.exited && processGroupOf(p) === pgid);
}
