// Process file descriptors: pidfd_open, pidfd_send_signal, pidfd_getfd.
// A pidfd names a guest process (or, with PIDFD_THREAD, one of its
// threads) found through kernel/pids.ts: a host pid never becomes one, so a
// pidfd can never signal or take files from anything outside the guest.
import { EBADF, EINVAL, EPERM, ESRCH } from '../abi/errno.js';
import { NSIG, SI_TKILL, SI_USER } from '../abi/signal.js';
import { SIGINFO_SIZE, decodeSiginfo } from '../abi/siginfo.js';
import { FileDescription, IoResult, O_NONBLOCK, O_RDWR, StatInfo } from '../files/description.js';
import { syntheticStat } from '../files/stat-info.js';
import { NOT_READY, Readiness } from '../kernel/wait.js';
import { guestProcess, guestThread, processGroup, processGroupOf } from '../kernel/pids.js';
import { SignalInfo, postSignal } from '../signals/post.js';
import type { Process } from '../process.js';
import type { Thread } from '../thread.js';
import { row, SyscallContext, SyscallRow } from './types.js';

const PIDFD_NONBLOCK = O_NONBLOCK;
/** The pidfd names a thread rather than its thread group (Linux 6.9). */
const PIDFD_THREAD = 0o200;
const PIDFD_SIGNAL_THREAD = 1;
const PIDFD_SIGNAL_THREAD_GROUP = 2;
const PIDFD_SIGNAL_PROCESS_GROUP = 4;
/** pidfs inodes show no file type and mode 0700 in fstat. */
const PIDFD_MODE = 0o700;

let nextInode = 40_000;

export class PidFd extends FileDescription {
  readonly inode = nextInode++;

  constructor(readonly proc: Process, readonly thread: Thread | null, flags: number) {
    super(O_RDWR | (flags & O_NONBLOCK), 'anon_inode:[pidfd]');
  }

  override read(): IoResult {
    return -EINVAL;
  }

  override stat(): StatInfo {
    return syntheticStat(PIDFD_MODE, this.inode);
  }

  /** Readable once the process (or thread) has exited, as poll on a pidfd reports. */
  override readiness(): Readiness {
    const gone = this.thread ? this.thread.state === 'exited' : this.proc.exited;
    return { ...NOT_READY, readable: gone };
  }
  // A guest process that exits ends the session today, so nobody is left
  // to be woken: subscribe() keeps the default. Whoever adds processes
  // makes their exit notify pidfd pollers.
}

function pidfdOpen(ctx: SyscallContext, pid: number, flags: number): number {
  if (flags & ~(PIDFD_NONBLOCK | PIDFD_THREAD) || pid <= 0) return -EINVAL;
  const task = guestThread(ctx.proc, pid);
  if (!task) return -ESRCH;
  const isThread = (flags & PIDFD_THREAD) !== 0;
  // without PIDFD_THREAD the pid must lead a thread group (pidfd_prepare)
  if (!isThread && guestProcess(ctx.proc, pid) !== task.proc) return -EINVAL;
  const fd = new PidFd(task.proc, isThread ? task.thread : null, flags);
  // a pidfd is always close-on-exec
  return ctx.proc.fds.install(fd, true);
}

function pidfdOf(ctx: SyscallContext, fd: number): PidFd | number {
  const d = ctx.proc.fds.get(fd | 0);
  return d instanceof PidFd ? d : -EBADF;
}

/** The signal's siginfo: the caller's own (checked as the kernel does) or a kill()'s. */
function signalInfo(ctx: SyscallContext, p: PidFd, scope: number, sig: number, uinfo: number): SignalInfo | number {
  const code = scope === PIDFD_SIGNAL_THREAD ? SI_TKILL : SI_USER;
  if (uinfo === 0) return { signo: sig, code, pid: ctx.proc.pid, uid: ctx.proc.ids.uid };
  const info = decodeSiginfo(ctx.mem.readable(uinfo, SIGINFO_SIZE));
  if (info.signo !== sig) return -EINVAL;
  // only a thread signalling itself may claim a kernel si_code or SI_TKILL
  const self = (p.thread ?? p.proc.mainThread) === ctx.thread && scope !== PIDFD_SIGNAL_PROCESS_GROUP;
  if (!self && (info.code >= 0 || info.code === SI_TKILL)) return -EPERM;
  return info;
}

function pidfdSendSignal(ctx: SyscallContext, fd: number, sig: number, uinfo: number, flags: number): number {
  const scopes = flags & (PIDFD_SIGNAL_THREAD | PIDFD_SIGNAL_THREAD_GROUP | PIDFD_SIGNAL_PROCESS_GROUP);
  if (flags !== scopes || (scopes & (scopes - 1)) !== 0) return -EINVAL;
  const p = pidfdOf(ctx, fd);
  if (typeof p === 'number') return p;
  const scope = scopes !== 0 ? scopes : p.thread ? PIDFD_SIGNAL_THREAD : PIDFD_SIGNAL_THREAD_GROUP;
  const info = signalInfo(ctx, p, scope, sig, uinfo);
  if (typeof info === 'number') return info;
  if (p.proc.exited || p.thread?.state === 'exited') return -ESRCH;
  if (sig < 0 || sig > NSIG) return -EINVAL;
  if (sig === 0) return 0;
  if (scope === PIDFD_SIGNAL_THREAD) postSignal(p.proc, info, p.thread ?? p.proc.mainThread);
  else if (scope === PIDFD_SIGNAL_THREAD_GROUP) postSignal(p.proc, info);
  else for (const member of processGroup(ctx.proc, processGroupOf(p.proc))) postSignal(member, info);
  return 0;
}

function pidfdGetfd(ctx: SyscallContext, fd: number, targetFd: number, flags: number): number {
  if (flags !== 0) return -EINVAL;
  const p = pidfdOf(ctx, fd);
  if (typeof p === 'number') return p;
  if (p.proc.exited) return -ESRCH;
  const d = p.proc.fds.get(targetFd | 0);
  if (!d) return -EBADF;
  // the copy is always close-on-exec
  return ctx.proc.fds.allocate(d, true);
}

export const pidfdRows: SyscallRow[] = [
  row(434, 'pidfd_open', ['int', 'hex'], (ctx, pid, flags) => pidfdOpen(ctx, pid | 0, flags)),
  row(424, 'pidfd_send_signal', ['fd', 'signal', 'ptr', 'hex'], (ctx, fd, sig, info, flags) => pidfdSendSignal(ctx, fd, sig, info, flags)),
  row(438, 'pidfd_getfd', ['fd', 'fd', 'hex'], (ctx, fd, target, flags) => pidfdGetfd(ctx, fd, target, flags)),
];
