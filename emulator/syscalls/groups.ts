// Who a process is in the tree: getppid, process groups (setpgid, getpgid,
// getpgrp) and sessions (setsid, getsid) with the kernel's rules, the
// terminal's foreground group (tcgetpgrp/tcsetpgrp, TIOCGSID: answered from
// the guest's own groups, never the host's), and the prctl options about
// parents and orphans (PR_SET_PDEATHSIG, PR_SET_CHILD_SUBREAPER).
import { EACCES, EINVAL, EPERM, ESRCH, ENOTTY } from '../abi/errno.js';
import { NSIG } from '../abi/signal.js';
import { TIOCGPGRP, TIOCGSID, TIOCNOTTY, TIOCSCTTY, TIOCSPGRP } from '../abi/ioctl.js';
import { anyGuestProcess, guestProcess, processByAnyTid, visibleProcesses } from '../kernel/pids.js';
import type { Process } from '../process.js';
import { hostIoctl } from '../host/file-calls.js';
import type { FileDescription } from '../files/description.js';
import { row, SyscallContext, SyscallRow } from './types.js';

/** setpgid(pid, pgid), as sys_setpgid checks it. */
function setpgid(ctx: SyscallContext, pid: number, pgid: number): number {
  const self = ctx.proc;
  if (pid === 0) pid = self.pid;
  if (pgid === 0) pgid = pid;
  if (pgid < 0) return -EINVAL;
  const p = guestProcess(self, pid);
  // only the caller and its children may be moved
  if (!p || p.exited || (p !== self && p.family.parent !== self)) return -ESRCH;
  if (p !== self) {
    if (p.family.sid !== self.family.sid) return -EPERM;
    if (p.family.execed) return -EACCES;
  }
  // a session leader stays in its group
  if (p.family.sid === p.pid) return -EPERM;
  if (pgid !== pid) {
    const sid = self.family.sid;
    const group = visibleProcesses(self).some((q) => q.family.pgid === pgid && q.family.sid === sid && !q.family.reaped);
    if (!group) return -EPERM;
  }
  p.family.pgid = pgid;
  return 0;
}

/** setsid(): a new session and group led by the caller, unless it leads a group already. */
function setsid(ctx: SyscallContext): number {
  const self = ctx.proc;
  if (visibleProcesses(self).some((q) => q.family.pgid === self.pid)) return -EPERM;
  self.family.sid = self.pid;
  self.family.pgid = self.pid;
  return self.pid;
}

function pgidOf(ctx: SyscallContext, pid: number): number {
  const p = processByAnyTid(ctx.proc, pid) ?? anyGuestProcess(ctx.proc, pid);
  return p ? p.family.pgid : -ESRCH;
}

function sidOf(ctx: SyscallContext, pid: number): number {
  const p = processByAnyTid(ctx.proc, pid) ?? anyGuestProcess(ctx.proc, pid);
  return p ? p.family.sid : -ESRCH;
}

const PR_SET_PDEATHSIG = 1;
const PR_GET_PDEATHSIG = 2;
const PR_SET_CHILD_SUBREAPER = 36;
const PR_GET_CHILD_SUBREAPER = 37;

/** The prctl options about the process tree; null for any other option. */
export function treePrctl(ctx: SyscallContext, option: number, arg2: number): number | null {
  const family = ctx.proc.family;
  switch (option) {
    case PR_SET_PDEATHSIG:
      if (arg2 > NSIG) return -EINVAL;
      family.deathSignal = arg2;
      return 0;
    case PR_GET_PDEATHSIG:
      ctx.mem.setI32(arg2, family.deathSignal);
      return 0;
    case PR_SET_CHILD_SUBREAPER:
      family.childSubreaper = arg2 !== 0;
      return 0;
    case PR_GET_CHILD_SUBREAPER:
      ctx.mem.setI32(arg2, family.childSubreaper ? 1 : 0);
      return 0;
    default:
      return null;
  }
}

/** The group the terminal shows in the foreground: the one the guest chose, else the first process's. */
function foregroundGroup(proc: Process): number {
  const chosen = proc.kernel.terminalForeground;
  if (chosen !== 0) return chosen;
  return proc.kernel.processes.init?.family.pgid ?? proc.family.pgid;
}

/**
 * The terminal requests about groups and sessions, answered from the
 * guest's own tree (forwarding them would show or set the host's groups);
 * null for other requests. The host is only asked whether the fd is a
 * terminal at all.
 */
export function terminalJobRequest(ctx: SyscallContext, desc: FileDescription, request: number, arg: number): number | null {
  if (![TIOCGPGRP, TIOCSPGRP, TIOCGSID, TIOCSCTTY, TIOCNOTTY].includes(request)) return null;
  const hostFd = desc.hostFd();
  if (hostFd === null) return -ENOTTY;
  // ENOTTY (or another error) when the host fd is no terminal
  const probe = Buffer.alloc(4);
  const r = hostIoctl(hostFd, TIOCGPGRP, probe);
  if (r < 0) return r;
  const proc = ctx.proc;
  const init = proc.kernel.processes.init ?? proc;
  switch (request) {
    case TIOCGPGRP:
      ctx.mem.setI32(arg, foregroundGroup(proc));
      return 0;
    case TIOCGSID:
      ctx.mem.setI32(arg, init.family.sid);
      return 0;
    case TIOCSPGRP: {
      const pgid = ctx.mem.i32(arg);
      if (pgid < 0) return -EINVAL;
      const sid = proc.family.sid;
      const exists = visibleProcesses(proc).some((q) => q.family.pgid === pgid && !q.exited);
      if (!exists) return -ESRCH;
      if (!visibleProcesses(proc).some((q) => q.family.pgid === pgid && q.family.sid === sid)) return -EPERM;
      proc.kernel.terminalForeground = pgid;
      return 0;
    }
    default:
      // TIOCSCTTY, TIOCNOTTY: the terminal stays the session's
      return 0;
  }
}

export const groupRows: SyscallRow[] = [
  // the first process's parent is dsu's own (its pid is dsu's: the guest's pids start from the host's)
  row(64, 'getppid', [], (ctx) => ctx.proc.family.parent?.pid ?? process.ppid),
  row(132, 'getpgid', ['int'], (ctx, pid) => pgidOf(ctx, pid | 0)),
  row(65, 'getpgrp', [], (ctx) => ctx.proc.family.pgid),
  row(147, 'getsid', ['int'], (ctx, pid) => sidOf(ctx, pid | 0)),
  row(66, 'setsid', [], (ctx) => setsid(ctx)),
  row(57, 'setpgid', ['int', 'int'], (ctx, pid, pgid) => setpgid(ctx, pid | 0, pgid | 0)),
];
