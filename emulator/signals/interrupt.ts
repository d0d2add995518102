// How a blocked syscall meets signal delivery. A handler that blocks may put
// these keys in ctx.thread.syscallState; delivery reads them when a signal
// handler is about to run while the thread waits in that syscall.
import type { SyscallContext } from '../syscalls/types.js';
import { UNBLOCKABLE } from '../abi/signal.js';
import { maskChanged } from './target.js';

export interface SignalAwareState {
  /**
   * Result of the syscall when a handler interrupts it (default -EINTR), e.g.
   * nanosleep writing the time left, or a partial count; a syscall that sets
   * it is never restarted.
   */
  onSignal?: () => number;
  /**
   * The mask the thread had before the syscall installed a temporary one
   * (sigsuspend, ppoll, pselect, epoll_pwait): a handler's frame saves this
   * one, so the mask comes back when the handler returns.
   */
  savedMask?: bigint;
  /** sigtimedwait: these signals end the wait by being dequeued, not handled. */
  waitSet?: bigint;
  /** A wait signals do not interrupt (vfork's): they are taken once it ends. */
  uninterruptible?: boolean;
}

export function signalAwareState(ctx: SyscallContext): SignalAwareState {
  ctx.thread.syscallState ??= {};
  return ctx.thread.syscallState as SignalAwareState;
}

/**
 * Run the rest of the syscall with `mask` blocked (once per call: retries
 * keep it). A signal the new mask lets through is taken right away, ending
 * the wait with EINTR if a handler runs.
 */
export function installTemporaryMask(ctx: SyscallContext, mask: bigint): void {
  const state = signalAwareState(ctx);
  if (state.savedMask !== undefined) return;
  state.savedMask = ctx.thread.signalMask;
  ctx.thread.signalMask = mask & ~UNBLOCKABLE;
  if (maskChanged(ctx.proc, ctx.thread, state.savedMask)) ctx.proc.notifySignal();
}

/** Put back the mask installTemporaryMask replaced (when the syscall completes by itself). */
export function restoreTemporaryMask(ctx: SyscallContext): void {
  const saved = (ctx.thread.syscallState as SignalAwareState | null)?.savedMask;
  if (saved === undefined) return;
  const before = ctx.thread.signalMask;
  ctx.thread.signalMask = saved;
  if (maskChanged(ctx.proc, ctx.thread, before)) ctx.proc.notifySignal();
}

/** Syscalls that end with EINTR under a handler even with SA_RESTART (signal(7)). */
const NEVER_RESTARTED = new Set([
  'pause', 'sigsuspend', 'rt_sigsuspend', 'rt_sigtimedwait', 'rt_sigtimedwait_time64',
  'epoll_wait', 'epoll_pwait', 'epoll_pwait2', 'poll', 'ppoll', 'ppoll_time64',
  'select', '_newselect', 'pselect6', 'pselect6_time64',
  'msgrcv', 'msgsnd', 'semop', 'semtimedop', 'semtimedop_time64', 'ipc',
  'nanosleep', 'clock_nanosleep', 'clock_nanosleep_time64',
  'io_getevents', 'io_pgetevents', 'io_pgetevents_time64',
]);

/** Whether SA_RESTART restarts `name` after its handler returns. */
export function restartable(name: string): boolean {
  return !NEVER_RESTARTED.has(name);
}
