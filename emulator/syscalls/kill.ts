// Sending signals: kill, tkill, tgkill, and the sigqueue family that carries
// a caller-made siginfo. Targets are guest processes and threads only
// (kernel/pids.ts): a pid that names none of them gets ESRCH, as a pid
// outside the caller's pid namespace does, so no signal reaches the host.
import { EINVAL, EPERM, ESRCH } from '../abi/errno.js';
import { NSIG, SI_TKILL, SI_USER } from '../abi/signal.js';
import { SIGINFO_SIZE, decodeSiginfo } from '../abi/siginfo.js';
import { SignalInfo, postSignal } from '../signals/post.js';
import { anyGuestProcess, GuestTask, guestThread, initProcess, processByAnyTid, processGroup, processGroupOf, visibleProcesses } from '../kernel/pids.js';
import type { Process } from '../process.js';
import { row, SyscallContext, SyscallRow } from './types.js';

function senderInfo(ctx: SyscallContext, sig: number, code: number): SignalInfo {
  return { signo: sig, code, pid: ctx.proc.pid, uid: ctx.proc.ids.uid };
}

/** The processes kill(pid) names; an empty list is ESRCH (kernel/signal.c kill_something_info). */
function killTargets(ctx: SyscallContext, pid: number): Process[] {
  const self = ctx.proc;
  if (pid > 0) {
    // a zombie is found (the signal does nothing to it)
    const p = processByAnyTid(self, pid) ?? anyGuestProcess(self, pid);
    return p ? [p] : [];
  }
  if (pid === 0) return processGroup(self, processGroupOf(self));
  // -1: every process the caller may signal but itself and init (the sandbox's is the first process)
  if (pid === -1) return visibleProcesses(self).filter((p) => p !== self && p !== initProcess(self) && !p.exited);
  // -INT_MIN does not exist: the kernel refuses it before negating
  if (pid === -0x80000000) return [];
  return processGroup(self, -pid);
}

function kill(ctx: SyscallContext, pid: number, sig: number): number {
  if (sig < 0 || sig > NSIG) return -EINVAL;
  const targets = killTargets(ctx, pid);
  if (targets.length === 0) return -ESRCH;
  if (sig !== 0) for (const p of targets) postSignal(p, senderInfo(ctx, sig, SI_USER));
  return 0;
}

/** The thread `tid` of process `tgid` (null: any process, as tkill has it). */
function threadOf(ctx: SyscallContext, tgid: number | null, tid: number): GuestTask | number {
  if (tid <= 0 || (tgid !== null && tgid <= 0)) return -EINVAL;
  const found = guestThread(ctx.proc, tid);
  if (!found || (tgid !== null && found.proc.pid !== tgid)) return -ESRCH;
  return found;
}

function tgkill(ctx: SyscallContext, tgid: number | null, tid: number, sig: number): number {
  if (sig < 0 || sig > NSIG) return -EINVAL;
  const t = threadOf(ctx, tgid, tid);
  if (typeof t === 'number') return t;
  if (sig !== 0) postSignal(t.proc, senderInfo(ctx, sig, SI_TKILL), t.thread);
  return 0;
}

/** A caller-made siginfo; only a thread signalling itself (by its tid) may claim a kernel si_code (>= 0) or SI_TKILL. */
function queuedInfo(ctx: SyscallContext, sig: number, uinfo: number, toSelf: boolean): SignalInfo | number {
  const info = decodeSiginfo(ctx.mem.readable(uinfo, SIGINFO_SIZE));
  if ((info.code >= 0 || info.code === SI_TKILL) && !toSelf) return -EPERM;
  return { ...info, signo: sig };
}

function sigqueueinfo(ctx: SyscallContext, pid: number, sig: number, uinfo: number): number {
  // the siginfo is copied in (EFAULT) first; the claim is checked as do_rt_sigqueueinfo does, then the target
  const info = queuedInfo(ctx, sig, uinfo, pid === ctx.thread.tid);
  if (sig < 0 || sig > NSIG) return -EINVAL;
  if (typeof info === 'number') return info;
  const target = pid > 0 ? processByAnyTid(ctx.proc, pid) : undefined;
  if (!target) return -ESRCH;
  if (sig !== 0) postSignal(target, info);
  return 0;
}

function tgsigqueueinfo(ctx: SyscallContext, tgid: number, tid: number, sig: number, uinfo: number): number {
  // the siginfo is copied in (EFAULT) before anything is checked
  const info = queuedInfo(ctx, sig, uinfo, tid === ctx.thread.tid);
  if (sig < 0 || sig > NSIG) return -EINVAL;
  if (tid <= 0 || tgid <= 0) return -EINVAL;
  if (typeof info === 'number') return info;
  const t = threadOf(ctx, tgid, tid);
  if (typeof t === 'number') return t;
  if (sig !== 0) postSignal(t.proc, info, t.thread);
  return 0;
}

export const killRows: SyscallRow[] = [
  row(37, 'kill', ['int', 'signal'], (ctx, a, b) => kill(ctx, a | 0, b)),
  row(238, 'tkill', ['int', 'signal'], (ctx, a, b) => tgkill(ctx, null, a | 0, b)),
  row(270, 'tgkill', ['int', 'int', 'signal'], (ctx, a, b, c) => tgkill(ctx, a | 0, b | 0, c)),
  row(178, 'rt_sigqueueinfo', ['int', 'signal', 'ptr'], (ctx, a, b, c) => sigqueueinfo(ctx, a | 0, b, c)),
  row(335, 'rt_tgsigqueueinfo', ['int', 'int', 'signal', 'ptr'], (ctx, a, b, c, d) => tgsigqueueinfo(ctx, a | 0, b | 0, c, d)),
];
