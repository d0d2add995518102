// Sending signals: kill, tkill, tgkill, and the sigqueue family that carries
// a caller-made siginfo. The guest's own process and threads get them
// through postSignal; other positive pids are host processes.
import { EINVAL, EPERM, ESRCH, errnoOf } from '../abi/errno.js';
import { NSIG, SI_TKILL, SI_USER } from '../abi/signal.js';
import { SIGINFO_SIZE, decodeSiginfo } from '../abi/siginfo.js';
import type { Thread } from '../thread.js';
import { SignalInfo, postSignal } from '../signals/post.js';
import { row, SyscallContext, SyscallRow } from './types.js';

function senderInfo(ctx: SyscallContext, sig: number, code: number): SignalInfo {
  return { signo: sig, code, pid: ctx.proc.pid, uid: ctx.proc.ids.uid };
}

function kill(ctx: SyscallContext, pid: number, sig: number): number {
  if (sig < 0 || sig > NSIG) return -EINVAL;
  const self = ctx.proc.pid;
  // 0 and -pgid: our process group, in which the guest is the only process we run.
  // -1 ("everyone but me") is not broadcast to the host's processes.
  if (pid === -1) return 0;
  if (pid === self || pid === 0 || pid === -self) {
    if (sig !== 0) postSignal(ctx.proc, senderInfo(ctx, sig, SI_USER));
    return 0;
  }
  try {
    process.kill(pid, sig);
    return 0;
  } catch (e) {
    return -errnoOf(e);
  }
}

/** The thread `tid` of process `tgid` (null: any process, as tkill has it). */
function threadOf(ctx: SyscallContext, tgid: number | null, tid: number): Thread | number {
  if (tid <= 0 || (tgid !== null && tgid <= 0)) return -EINVAL;
  if (tgid !== null && tgid !== ctx.proc.pid) return -ESRCH;
  return ctx.proc.threads.find((t) => t.tid === tid && t.state !== 'exited') ?? -ESRCH;
}

function tgkill(ctx: SyscallContext, tgid: number | null, tid: number, sig: number): number {
  if (sig < 0 || sig > NSIG) return -EINVAL;
  const t = threadOf(ctx, tgid, tid);
  if (typeof t === 'number') return t;
  if (sig !== 0) postSignal(ctx.proc, senderInfo(ctx, sig, SI_TKILL), t);
  return 0;
}

/** A caller-made siginfo; only the caller itself may claim a kernel si_code (>= 0) or SI_TKILL. */
function queuedInfo(ctx: SyscallContext, sig: number, uinfo: number, toSelf: boolean): SignalInfo | number {
  const info = decodeSiginfo(ctx.mem.readable(uinfo, SIGINFO_SIZE));
  if ((info.code >= 0 || info.code === SI_TKILL) && !toSelf) return -EPERM;
  return { ...info, signo: sig };
}

function sigqueueinfo(ctx: SyscallContext, pid: number, sig: number, uinfo: number): number {
  if (sig < 0 || sig > NSIG) return -EINVAL;
  if (pid !== ctx.proc.pid) return pid > 0 ? -EPERM : -ESRCH;
  const info = queuedInfo(ctx, sig, uinfo, true);
  if (typeof info === 'number') return info;
  if (sig !== 0) postSignal(ctx.proc, info);
  return 0;
}

function tgsigqueueinfo(ctx: SyscallContext, tgid: number, tid: number, sig: number, uinfo: number): number {
  if (sig < 0 || sig > NSIG) return -EINVAL;
  const t = threadOf(ctx, tgid, tid);
  if (typeof t === 'number') return t;
  const info = queuedInfo(ctx, sig, uinfo, true);
  if (typeof info === 'number') return info;
  if (sig !== 0) postSignal(ctx.proc, info, t);
  return 0;
}

export const killRows: SyscallRow[] = [
  row(37, 'kill', ['int', 'signal'], (ctx, a, b) => kill(ctx, a | 0, b)),
  row(238, 'tkill', ['int', 'signal'], (ctx, a, b) => tgkill(ctx, null, a | 0, b)),
  row(270, 'tgkill', ['int', 'int', 'signal'], (ctx, a, b, c) => tgkill(ctx, a | 0, b | 0, c)),
  row(178, 'rt_sigqueueinfo', ['int', 'signal', 'ptr'], (ctx, a, b, c) => sigqueueinfo(ctx, a | 0, b, c)),
  row(335, 'rt_tgsigqueueinfo', ['int', 'int', 'signal', 'ptr'], (ctx, a, b, c, d) => tgsigqueueinfo(ctx, a | 0, b | 0, c, d)),
];
