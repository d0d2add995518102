// How a blocked syscall meets signal delivery. A handler that blocks may put
// these keys in ctx.thread.syscallState; delivery reads them when a signal
// handler is about to run while the thread waits in that syscall.
import type { SyscallContext } from '../syscalls/types.js';

export interface SignalAwareState {
  /** Result of the syscall when a handler interrupts it (default -EINTR), e.g. nanosleep writing the time left. */
  onSignal?: () => number;
  /** The syscall runs with a temporary blocked mask (sigsuspend, ppoll, pselect): a handler's frame saves this one. */
  restoreMask?: bigint;
  /** sigtimedwait: these signals end the wait by being dequeued, not handled. */
  waitSet?: bigint;
}

export function signalAwareState(ctx: SyscallContext): SignalAwareState {
  ctx.thread.syscallState ??= {};
  return ctx.thread.syscallState as SignalAwareState;
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
