// Signal actions, masks, waiting for signals, the alternate stack, and the
// return from a handler (sigreturn, rt_sigreturn).
import { EAGAIN, EINVAL, LinuxError } from '../abi/errno.js';
import {
  SA_NOCLDSTOP, SA_NOCLDWAIT, SA_NODEFER, SA_ONSTACK, SA_RESETHAND, SA_RESTART, SA_RESTORER, SA_SIGINFO,
  SIG_BLOCK, SIG_SETMASK, SIG_UNBLOCK, SIGKILL, SIGSTOP, SIGSET_SIZE, SYNCHRONOUS, UNBLOCKABLE,
  lowestSignal, validSignal,
} from '../abi/signal.js';
import { encodeSiginfo } from '../abi/siginfo.js';
import { TIMESPEC32, TIMESPEC64, TimeLayout } from '../abi/time.js';
import { Reg } from '../engine/unicorn-consts.js';
import { Arm, Blocked, afterMs, anyOf } from '../kernel/wait.js';
import type { SignalAction } from '../process.js';
import { actionIgnores, discardSignal } from '../signals/post.js';
import { pendingSet, takeSignal } from '../signals/pending.js';
import { maskChanged } from '../signals/target.js';
import { currentAltStack, setAltStack } from '../signals/altstack.js';
import { applyContext, captureContext } from '../signals/context.js';
import { restoreFrame } from '../signals/frame.js';
import { forceSignal, takeSignals } from '../signals/delivery.js';
import { installTemporaryMask, signalAwareState } from '../signals/interrupt.js';
import { monotonicNow } from '../host/clock.js';
import { delayMs } from './time.js';
import { row, SyscallContext, SyscallResult, SyscallRow } from './types.js';
import { escapeText } from '../../loader/text/terminal-text.js';

/** sa_flags bits the kernel keeps (UAPI_SA_FLAGS); others read back as 0 so programs can probe. */
const KNOWN_SA_FLAGS = SA_NOCLDSTOP | SA_NOCLDWAIT | SA_SIGINFO | 0x800 /* SA_EXPOSE_TAGBITS */ |
  SA_RESTORER | SA_ONSTACK | SA_RESTART | SA_NODEFER | SA_RESETHAND;
const SA_ONESHOT_NOMASK = (SA_RESETHAND | SA_NODEFER) >>> 0;

/** Set the mask; a newly unblocked signal is taken before the guest goes on, a newly blocked process signal goes to another thread. */
function setMask(ctx: SyscallContext, mask: bigint): void {
  const before = ctx.thread.signalMask;
  ctx.thread.signalMask = mask & ~UNBLOCKABLE;
  if (maskChanged(ctx.proc, ctx.thread, before)) ctx.proc.notifySignal();
}

function changeAction(ctx: SyscallContext, sig: number, act: SignalAction | null): SignalAction {
  const old = { ...ctx.proc.signalActions[sig] };
  if (act) {
    const action = { ...act, flags: (act.flags & KNOWN_SA_FLAGS) >>> 0, mask: act.mask & ~UNBLOCKABLE };
    ctx.proc.signalActions[sig] = action;
    // POSIX: setting a pending signal to be ignored discards it
    if (actionIgnores(action, sig)) discardSignal(ctx.proc, sig);
  }
  return old;
}

function rtSigaction(ctx: SyscallContext, sig: number, act: number, oact: number, size: number): number {
  if (size !== SIGSET_SIZE || !validSignal(sig)) return -EINVAL;
  const m = ctx.mem;
  let next: SignalAction | null = null;
  if (act) {
    if (sig === SIGKILL || sig === SIGSTOP) return -EINVAL;
    next = { handler: m.u32(act), flags: m.u32(act + 4), restorer: m.u32(act + 8), mask: m.u64(act + 12) };
  }
  const old = changeAction(ctx, sig, next);
  if (oact) {
    m.setU32(oact, old.handler);
    m.setU32(oact + 4, old.flags);
    m.setU32(oact + 8, old.restorer);
    m.setU64(oact + 12, old.mask);
  }
  return 0;
}

/** The pre-rt sigaction: struct old_sigaction { handler; 32-bit mask; flags; restorer; }. */
function oldSigaction(ctx: SyscallContext, sig: number, act: number, oact: number): number {
  const m = ctx.mem;
  // the old struct is read before the signal is checked (kernel/signal.c, sys_sigaction)
  const given = act ? { handler: m.u32(act), mask: BigInt(m.u32(act + 4)), flags: m.u32(act + 8), restorer: m.u32(act + 12) } : null;
  if (!validSignal(sig)) return -EINVAL;
  let next: SignalAction | null = null;
  if (given) {
    if (sig === SIGKILL || sig === SIGSTOP) return -EINVAL;
    next = given;
  }
  const old = changeAction(ctx, sig, next);
  if (oact) {
    m.setU32(oact, old.handler);
    m.setU32(oact + 4, Number(old.mask & 0xffffffffn));
    m.setU32(oact + 8, old.flags);
    m.setU32(oact + 12, old.restorer);
  }
  return 0;
}

/** signal(2) itself: one-shot, not deferred; returns the old handler. */
function sysSignal(ctx: SyscallContext, sig: number, handler: number): number {
  if (!validSignal(sig) || sig === SIGKILL || sig === SIGSTOP) return -EINVAL;
  return changeAction(ctx, sig, { handler, flags: SA_ONESHOT_NOMASK, restorer: 0, mask: 0n }).handler;
}

function applyHow(ctx: SyscallContext, how: number, set: bigint): number {
  const t = ctx.thread;
  switch (how) {
    case SIG_BLOCK: setMask(ctx, t.signalMask | set); return 0;
    case SIG_UNBLOCK: setMask(ctx, t.signalMask & ~set); return 0;
    case SIG_SETMASK: setMask(ctx, set); return 0;
    default: return -EINVAL;
  }
}

function rtSigprocmask(ctx: SyscallContext, how: number, set: number, oset: number, size: number): number {
  if (size !== SIGSET_SIZE) return -EINVAL;
  const old = ctx.thread.signalMask;
  if (set) {
    const r = applyHow(ctx, how, ctx.mem.u64(set));
    if (r < 0) return r;
  }
  if (oset) ctx.mem.setU64(oset, old);
  return 0;
}

function oldSigprocmask(ctx: SyscallContext, how: number, set: number, oset: number): number {
  const old = ctx.thread.signalMask;
  if (set) {
    const low = BigInt(ctx.mem.u32(set));
    // the old call only reaches the first 32 signals
    const full = how === SIG_SETMASK ? (old & ~0xffffffffn) | low : low;
    const r = applyHow(ctx, how, full);
    if (r < 0) return r;
  }
  if (oset) ctx.mem.setU32(oset, Number(old & 0xffffffffn));
  return 0;
}

function rtSigpending(ctx: SyscallContext, set: number, size: number): number {
  if (size > SIGSET_SIZE) return -EINVAL;
  const pending = pendingSet(ctx.thread) & ctx.thread.signalMask;
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigUint64(0, pending, true);
  ctx.mem.write(set, bytes.subarray(0, size));
  return 0;
}

/** Waiting for a signal: nothing but signal delivery ends the wait. */
const untilSignal: Arm = () => () => {};

function pause(): SyscallResult {
  return new Blocked(untilSignal, 'pause');
}

/** Wait for a handled signal with a temporary mask, which the handler's frame replaces with the current one. */
function sigsuspend(ctx: SyscallContext, readMask: () => bigint): SyscallResult {
  if (signalAwareState(ctx).savedMask === undefined) installTemporaryMask(ctx, readMask());
  return new Blocked(untilSignal, 'sigsuspend');
}

function rtSigtimedwait(ctx: SyscallContext, setp: number, info: number, timeout: number, size: number, layout: TimeLayout): SyscallResult {
  if (size !== SIGSET_SIZE) return -EINVAL;
  const state = signalAwareState(ctx) as { waitSet?: bigint; deadline?: bigint };
  const set = state.waitSet ?? (ctx.mem.u64(setp) & ~UNBLOCKABLE);
  const ready = pendingSet(ctx.thread) & set;
  if (ready !== 0n) {
    const sync = ready & SYNCHRONOUS;
    const sig = lowestSignal(sync !== 0n ? sync : ready);
    const si = takeSignal(ctx.thread, sig)!;
    if (info) ctx.mem.write(info, encodeSiginfo(si));
    return sig;
  }
  if (state.deadline === undefined && timeout) state.deadline = monotonicNow() + layout.read(ctx.mem, timeout);
  const left = state.deadline === undefined ? null : state.deadline - monotonicNow();
  if (left !== null && left <= 0n) return -EAGAIN;
  state.waitSet = set;
  const arm = left === null ? untilSignal : anyOf(afterMs(delayMs(left)), untilSignal);
  return new Blocked(arm, 'sigtimedwait');
}

function sigaltstack(ctx: SyscallContext, ss: number, oss: number): number {
  const sp = ctx.proc.machine.cpu.reg(Reg.ESP);
  const m = ctx.mem;
  const next = ss ? { sp: m.u32(ss), flags: m.u32(ss + 4), size: m.u32(ss + 8) } : null;
  const old = currentAltStack(ctx.thread, sp);
  if (next) {
    const r = setAltStack(ctx.thread, next, sp);
    if (r < 0) return r;
  }
  if (oss) {
    m.setU32(oss, old.sp);
    m.setU32(oss + 4, old.flags);
    m.setU32(oss + 8, old.size);
  }
  return 0;
}

/**
 * Back from a handler: restore the interrupted state and mask from the
 * frame. Signals the restored mask lets through are taken right away, on
 * top of the restored state, as on the kernel's way back to user mode.
 */
function sigreturn(ctx: SyscallContext, rt: boolean): number {
  const { proc, thread } = ctx;
  const cpu = proc.machine.cpu;
  let restored;
  try {
    restored = restoreFrame(proc, thread, cpu.reg(Reg.ESP), cpu.reg(Reg.EFLAGS), rt);
  } catch (e) {
    if (!(e instanceof LinuxError)) throw e;
    proc.log.line(`dsu: ${escapeText(proc.comm)}: bad signal frame in ${rt ? 'rt_sigreturn' : 'sigreturn'}`);
    forceSignal(proc, thread, { signo: 11, code: 0x80 });
    const c = takeSignals(proc, thread, { context: () => captureContext(cpu, cpu.reg(Reg.EIP)) });
    if (proc.exited) ctx.stopCpu();
    else if (c) applyContext(cpu, c);
    return c?.eax ?? 0;
  }
  const before = thread.signalMask;
  thread.signalMask = restored.mask;
  if (maskChanged(proc, thread, before)) proc.notifySignal();
  const next = takeSignals(proc, thread, { context: () => restored.context });
  if (proc.exited) {
    ctx.stopCpu();
    return 0;
  }
  const c = next ?? restored.context;
  applyContext(cpu, c);
  return c.eax;
}

export const signalRows: SyscallRow[] = [
  row(174, 'rt_sigaction', ['signal', 'ptr', 'ptr', 'size'], (ctx, a, b, c, d) => rtSigaction(ctx, a, b, c, d)),
  row(67, 'sigaction', ['signal', 'ptr', 'ptr'], (ctx, a, b, c) => oldSigaction(ctx, a, b, c)),
  row(48, 'signal', ['signal', 'ptr'], (ctx, a, b) => sysSignal(ctx, a, b), true),
  row(175, 'rt_sigprocmask', ['int', 'ptr', 'ptr', 'size'], (ctx, a, b, c, d) => rtSigprocmask(ctx, a, b, c, d)),
  row(126, 'sigprocmask', ['int', 'ptr', 'ptr'], (ctx, a, b, c) => oldSigprocmask(ctx, a, b, c)),
  row(68, 'sgetmask', [], (ctx) => Number(ctx.thread.signalMask & 0xffffffffn) | 0),
  row(69, 'ssetmask', ['hex'], (ctx, a) => {
    const old = Number(ctx.thread.signalMask & 0xffffffffn) | 0;
    setMask(ctx, (ctx.thread.signalMask & ~0xffffffffn) | BigInt(a >>> 0));
    return old;
  }),
  row(176, 'rt_sigpending', ['ptr', 'size'], (ctx, a, b) => rtSigpending(ctx, a, b)),
  row(73, 'sigpending', ['ptr'], (ctx, a) => rtSigpending(ctx, a, 4)),
  row(29, 'pause', [], () => pause()),
  row(179, 'rt_sigsuspend', ['ptr', 'size'], (ctx, a, size) => (size !== SIGSET_SIZE ? -EINVAL : sigsuspend(ctx, () => ctx.mem.u64(a)))),
  // the old sigsuspend(int, int, old_sigset_t): only the third argument counts
  row(72, 'sigsuspend', ['int', 'int', 'hex'], (ctx, _a, _b, mask) => sigsuspend(ctx, () => BigInt(mask >>> 0))),
  row(177, 'rt_sigtimedwait', ['ptr', 'ptr', 'ptr', 'size'], (ctx, a, b, c, d) => rtSigtimedwait(ctx, a, b, c, d, TIMESPEC32)),
  row(421, 'rt_sigtimedwait_time64', ['ptr', 'ptr', 'ptr', 'size'], (ctx, a, b, c, d) => rtSigtimedwait(ctx, a, b, c, d, TIMESPEC64)),
  row(186, 'sigaltstack', ['ptr', 'ptr'], (ctx, a, b) => sigaltstack(ctx, a, b)),
  row(119, 'sigreturn', [], (ctx) => sigreturn(ctx, false)),
  row(173, 'rt_sigreturn', [], (ctx) => sigreturn(ctx, true)),
];
