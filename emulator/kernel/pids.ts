// Which guest process or thread a pid names, as seen by a calling guest
// process. This is the one place every call taking a pid asks (kill, the
// sched_* and priority calls, prlimit64, pidfd_*, process_vm_*, kcmp,
// /proc/PID): a pid that names no guest task names nothing, exactly as a
// pid outside a pid namespace does, so no guest call ever reaches a host
// process. The guest sees only its own processes: the session's process
// table (kernel/process-table.ts), whose pids are the guest's own
// namespace; a process that ended stays visible until it is reaped.
import type { Process } from '../process.js';
import type { Thread } from '../thread.js';

export interface GuestTask {
  proc: Process;
  thread: Thread;
}

/** Every guest process `self` can see (the session's, zombies included), `self` included. */
export function visibleProcesses(self: Process): Process[] {
  return self.kernel.processes.all();
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
 * The live process whose thread-group id is `pid`, or undefined. A pid of
 * 0 (where a call allows it for "the caller") must be mapped by the caller.
 */
export function guestProcess(self: Process, pid: number): Process | undefined {
  const p = anyGuestProcess(self, pid);
  return p && !p.exited ? p : undefined;
}

/**
 * The process whose thread-group id is `pid`, a zombie (ended, not yet
 * reaped) included: kill finds it and does nothing, getpgid and /proc
 * answer for it. Its memory is gone: never read it.
 */
export function anyGuestProcess(self: Process, pid: number): Process | undefined {
  if (pid <= 0) return undefined;
  return self.kernel.processes.get(pid);
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

/** Whether `pid` names a guest process (a zombie included) or thread (for /proc/PID lookups). */
export function isGuestPid(self: Process, pid: number): boolean {
  return anyGuestProcess(self, pid) !== undefined || guestThread(self, pid) !== undefined;
}

/** The process group of a guest process. */
export function processGroupOf(proc: Process): number {
  return proc.family.pgid;
}

/** The session of a guest process. */
export function sessionOf(proc: Process): number {
  return proc.family.sid;
}

/** The visible processes of process group `pgid` (zombies included, as the kernel's pid lists keep them). */
export function processGroup(self: Process, pgid: number): Process[] {
  return visibleProcesses(self).filter((p) => processGroupOf(p) === pgid);
}

/** The first process, which stands for the sandbox's init (kill(-1) spares it). */
export function initProcess(self: Process): Process | null {
  return self.kernel.processes.init;
}

/** Pids of the visible processes, ascending (for listing /proc). */
export function visiblePids(self: Process): number[] {
  return visibleProcesses(self).map((p) => p.pid).sort((a, b) => a - b);
}
