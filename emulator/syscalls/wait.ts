// wait4, waitpid and waitid over the caller's children (kernel do_wait): a
// child that ended is reported and reaped (WNOWAIT leaves it), a stop or
// continue is reported once with WUNTRACED/WSTOPPED and WCONTINUED; with
// nothing to report the call blocks until a child changes (or returns 0
// with WNOHANG), and with no child that could ever match it fails ECHILD.
// __WCLONE children are those whose exit signal is not SIGCHLD.
import { EBADF, ECHILD, EINVAL, ESRCH } from '../abi/errno.js';
import { SIGCHLD } from '../abi/signal.js';
import { encodeSiginfo } from '../abi/siginfo.js';
import { writeRusage } from '../abi/time.js';
import { Blocked } from '../kernel/wait.js';
import { CLD_CONTINUED, CLD_STOPPED, exitInfo, reap } from '../kernel/process-exit.js';
import type { Process } from '../process.js';
import { PidFd } from './pidfd.js';
import { row, SyscallContext, SyscallResult, SyscallRow } from './types.js';

const WNOHANG = 1;
const WUNTRACED = 2; // WSTOPPED for waitid
const WEXITED = 4;
const WCONTINUED = 8;
const WNOWAIT = 0x1000000;
const __WNOTHREAD = 0x20000000;
const __WALL = 0x40000000;
const __WCLONE = 0x80000000;
const P_ALL = 0;
const P_PID = 1;
const P_PGID = 2;
const P_PIDFD = 3;

type Selector = (child: Process) => boolean;

const NO_CHILD = 'no child';

interface Found {
  child: Process;
  /** wait4's status word. */
  status: number;
  code: number;
  /** si_status. */
  siStatus: number;
}

/** Which children a wait may report, by its flags (eligible_child). */
function kindMatches(child: Process, options: number): boolean {
  if (options & __WALL) return true;
  const clone = child.family.exitSignal !== SIGCHLD;
  return ((options & __WCLONE) !== 0) === clone;
}

/**
 * Look at the caller's children once: a report, 0 when some child may
 * still report, or -ECHILD when none ever can.
 */
function scan(proc: Process, select: Selector, options: number): Found | 0 | typeof NO_CHILD {
  let candidates = 0;
  for (const child of proc.family.children) {
    if (child.family.reaped || !select(child) || !kindMatches(child, options)) continue;
    candidates++;
    if (child.exited) {
      if (!(options & WEXITED)) continue;
      const { code, status } = exitInfo(child);
      const word = child.exit!.signal !== undefined ? child.exit!.signal : (child.exit!.code & 0xff) << 8;
      return { child, status: word, code, siStatus: status };
    }
    const report = child.family.report;
    if (report?.kind === 'stopped' && (options & WUNTRACED)) {
      return { child, status: 0x7f | (report.signal << 8), code: CLD_STOPPED, siStatus: report.signal };
    }
    if (report?.kind === 'continued' && (options & WCONTINUED)) {
      return { child, status: 0xffff, code: CLD_CONTINUED, siStatus: 18 };
    }
  }
  return candidates > 0 ? 0 : NO_CHILD;
}

/** Consume what was reported: reap an ended child, clear a stop or continue. */
function consume(found: Found, options: number): void {
  if (options & WNOWAIT) return;
  if (found.child.exited) reap(found.child);
  else found.child.family.report = null;
}

/** Wake the waiting thread when a child changes. */
function waitForChildren(proc: Process): Blocked {
  return new Blocked((wake) => proc.family.childEvents.add(wake), 'wait');
}

function doWait(ctx: SyscallContext, select: Selector, options: number, done: (f: Found) => number): SyscallResult {
  const found = scan(ctx.proc, select, options);
  if (found === NO_CHILD) return -ECHILD;
  if (found === 0) return options & WNOHANG ? 0 : waitForChildren(ctx.proc);
  const result = done(found);
  consume(found, options);
  return result;
}

/** The children a pid argument of wait4 names. */
function byWaitPid(ctx: SyscallContext, pid: number): Selector {
  if (pid > 0) return (c) => c.pid === pid;
  if (pid === 0) {
    const pgid = ctx.proc.family.pgid;
    return (c) => c.family.pgid === pgid;
  }
  if (pid === -1) return () => true;
  return (c) => c.family.pgid === -pid;
}

function wait4(ctx: SyscallContext, pid: number, statusPtr: number, options: number, rusagePtr: number): SyscallResult {
  if (options & ~(WNOHANG | WUNTRACED | WCONTINUED | __WNOTHREAD | __WALL | __WCLONE)) return -EINVAL;
  // INT_MIN names no group (the kernel refuses to negate it)
  if (pid === -0x80000000) return -ESRCH;
  return doWait(ctx, byWaitPid(ctx, pid), options | WEXITED, (f) => {
    if (statusPtr) ctx.mem.setU32(statusPtr, f.status);
    if (rusagePtr) writeChildUsage(ctx, rusagePtr, f.child);
    return f.child.pid;
  });
}

/** What wait4's rusage says of a child: its CPU time (and its reaped children's). */
function writeChildUsage(ctx: SyscallContext, p: number, child: Process): void {
  const ms = child.family.cpuMs + child.family.childrenCpuMs;
  writeRusage(ctx.mem, p, { utime: BigInt(Math.round(ms * 1e6)), stime: 0n, maxrss: 0, minflt: 0, majflt: 0, inblock: 0, oublock: 0, nvcsw: 0, nivcsw: 0 });
}

function waitid(ctx: SyscallContext, idtype: number, id: number, infoPtr: number, options: number, rusagePtr: number): SyscallResult {
  if (options & ~(WNOHANG | WUNTRACED | WEXITED | WCONTINUED | WNOWAIT | __WNOTHREAD | __WALL | __WCLONE)) return clearInfo(ctx, infoPtr, -EINVAL);
  if (!(options & (WUNTRACED | WEXITED | WCONTINUED))) return clearInfo(ctx, infoPtr, -EINVAL);
  let select: Selector;
  switch (idtype) {
    case P_ALL: select = () => true; break;
    case P_PID:
      if ((id | 0) <= 0) return clearInfo(ctx, infoPtr, -EINVAL);
      select = (c) => c.pid === (id | 0);
      break;
    case P_PGID: {
      if ((id | 0) < 0) return clearInfo(ctx, infoPtr, -EINVAL);
      const pgid = (id | 0) === 0 ? ctx.proc.family.pgid : id | 0;
      select = (c) => c.family.pgid === pgid;
      break;
    }
    case P_PIDFD: {
      // the fd must be a pidfd (pidfd_get_pid): EBADF for no fd, EINVAL for another kind
      const d = ctx.proc.fds.get(id | 0);
      if (!d) return clearInfo(ctx, infoPtr, -EBADF);
      if (!(d instanceof PidFd)) return clearInfo(ctx, infoPtr, -EINVAL);
      select = (c) => c === d.proc;
      break;
    }
    default: return clearInfo(ctx, infoPtr, -EINVAL);
  }
  let reported = false;
  const result = doWait(ctx, select, options, (f) => {
    reported = true;
    if (infoPtr) ctx.mem.write(infoPtr, encodeSiginfo({ signo: SIGCHLD, code: f.code, pid: f.child.pid, uid: f.child.ids.uid, status: f.siStatus }));
    if (rusagePtr) writeChildUsage(ctx, rusagePtr, f.child);
    return 0;
  });
  return reported || typeof result !== 'number' ? result : clearInfo(ctx, infoPtr, result);
}

/**
 * The i386 waitid writes the siginfo's first fields (zeros when nothing was
 * reaped) whatever the answer (compat_sys_waitid): a bad pointer turns any
 * answer into EFAULT.
 */
function clearInfo(ctx: SyscallContext, infoPtr: number, result: number): number {
  if (infoPtr) ctx.mem.writable(infoPtr, 24).fill(0);
  return result;
}

export const waitRows: SyscallRow[] = [
  row(114, 'wait4', ['int', 'ptr', 'hex', 'ptr'], (ctx, pid, status, options, rusage) => wait4(ctx, pid | 0, status, options, rusage)),
  row(7, 'waitpid', ['int', 'ptr', 'hex'], (ctx, pid, status, options) => wait4(ctx, pid | 0, status, options, 0)),
  row(284, 'waitid', ['int', 'int', 'ptr', 'hex', 'ptr'], (ctx, idtype, id, info, options, rusage) => waitid(ctx, idtype, id, info, options, rusage)),
];
