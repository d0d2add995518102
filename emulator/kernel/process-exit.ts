// What happens in the tree when a process ends, and when a parent learns of
// a child's change, as the kernel's exit_notify, forget_original_parent and
// do_notify_parent / do_notify_parent_cldstop do it: children go to the
// nearest child subreaper above (else to the first process, the sandbox's
// init), each is sent its PR_SET_PDEATHSIG signal, the parent gets its exit
// signal and its waits are woken; a parent that ignores SIGCHLD or set
// SA_NOCLDWAIT never sees a zombie (the child is reaped at once).
import type { Process } from '../process.js';
import { postSignal, SI_USER } from '../signals/post.js';
import { SA_NOCLDSTOP, SA_NOCLDWAIT, SIGCHLD, SIGCONT, SIG_IGN } from '../abi/signal.js';

const CLD_EXITED = 1;
const CLD_KILLED = 2;
const CLD_DUMPED = 3;
export const CLD_STOPPED = 5;
export const CLD_CONTINUED = 6;

/** si_code and si_status of a child that ended: dsu never writes core files, so never CLD_DUMPED. */
export function exitInfo(proc: Process): { code: number; status: number } {
  const exit = proc.exit!;
  return exit.signal !== undefined ? { code: CLD_KILLED, status: exit.signal } : { code: CLD_EXITED, status: exit.code };
}

/** The process that takes `proc`'s children: the nearest live subreaper above it, else init, else none. */
function reaperFor(proc: Process): Process | null {
  for (let p = proc.family.parent; p !== null; p = p.family.parent) {
    if (!p.exited && p.family.childSubreaper) return p;
  }
  const init = proc.kernel.processes.init;
  return init !== null && init !== proc && !init.exited ? init : null;
}

/** Gone for good: out of the table and out of its parent's children, its pid free. */
export function reap(proc: Process): void {
  const family = proc.family;
  if (family.reaped) return;
  family.reaped = true;
  const parent = family.parent;
  if (parent) {
    parent.family.children.delete(proc);
    parent.family.childrenCpuMs += family.cpuMs + family.childrenCpuMs;
  }
  proc.kernel.processes.remove(proc);
  proc.kernel.releaseId(proc.pid);
  if (proc !== proc.kernel.processes.init) proc.kernel.starter?.machines.recycle(proc.machine);
}

/** Tell `child`'s parent that it ended; reap it at once when nobody will wait for it. */
function notifyParentOfExit(child: Process): void {
  const parent = child.family.parent;
  if (parent === null || parent.exited) {
    reap(child);
    return;
  }
  let sig = child.family.exitSignal;
  let autoreap = false;
  if (sig === SIGCHLD) {
    const action = parent.signalActions[SIGCHLD];
    if (action.handler === SIG_IGN || (action.flags & SA_NOCLDWAIT) !== 0) {
      autoreap = true;
      if (action.handler === SIG_IGN) sig = 0;
    }
  }
  if (sig > 0) {
    const { code, status } = exitInfo(child);
    postSignal(parent, { signo: sig, code, pid: child.pid, uid: child.ids.uid, status, utime: Math.round(child.family.cpuMs / 10), stime: 0 });
  }
  if (autoreap) reap(child);
  parent.family.childEvents.notify();
}

/** `child` changes parent (its own has ended); a zombie is offered to the new one. */
function reparent(child: Process, from: Process, to: Process | null): void {
  from.family.children.delete(child);
  child.family.parent = to;
  to?.family.children.add(child);
  if (!child.exited && child.family.deathSignal !== 0) {
    postSignal(child, { signo: child.family.deathSignal, code: SI_USER, pid: from.pid, uid: from.ids.uid });
  }
  if (child.exited && !child.family.reaped) notifyParentOfExit(child);
}

/** `proc` has ended (proc.exit is set, its threads are gone): the tree learns of it. */
export function processEnded(proc: Process): void {
  const family = proc.family;
  family.stopSignal = 0;
  family.report = null;
  vforkFinished(proc);
  const reaper = reaperFor(proc);
  for (const child of [...family.children]) {
    if (child.family.reaped) continue;
    reparent(child, proc, reaper);
  }
  notifyParentOfExit(proc);
}

/** A vfork child exec'd or ended: its parent goes on. */
export function vforkFinished(proc: Process): void {
  const done = proc.family.vforkDone;
  if (!done) return;
  proc.family.vforkDone = null;
  done.notify();
}

/** A child stopped or continued (job control): its parent's wait and, unless SA_NOCLDSTOP, a SIGCHLD. */
export function notifyParentOfJob(child: Process, stopped: number | null): void {
  child.family.report = stopped !== null ? { kind: 'stopped', signal: stopped } : { kind: 'continued' };
  const parent = child.family.parent;
  if (parent === null || parent.exited) return;
  const action = parent.signalActions[SIGCHLD];
  if ((action.flags & SA_NOCLDSTOP) === 0) {
    const code = stopped !== null ? CLD_STOPPED : CLD_CONTINUED;
    postSignal(parent, { signo: SIGCHLD, code, pid: child.pid, uid: child.ids.uid, status: stopped ?? SIGCONT });
  }
  parent.family.childEvents.notify();
}
