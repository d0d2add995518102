// The alternate signal stack (sigaltstack), with the kernel's rules:
// Thread.altStack holds sas_ss_sp, sas_ss_size and sas_ss_flags.
import type { Thread } from '../thread.js';
import { EINVAL, ENOMEM, EPERM } from '../abi/errno.js';
import { MINSIGSTKSZ, SS_AUTODISARM, SS_DISABLE, SS_ONSTACK } from '../abi/signal.js';

export interface StackT {
  sp: number;
  flags: number;
  size: number;
}

/** Whether `sp` lies inside the alternate stack (the stack grows down: its top is part of it). */
export function withinAltStack(thread: Thread, sp: number): boolean {
  const a = thread.altStack;
  return sp > a.sp && sp - a.sp <= a.size;
}

/** on_sig_stack(): with SS_AUTODISARM the kernel never considers the thread on it. */
function onAltStack(thread: Thread, sp: number): boolean {
  if ((thread.altStack.flags & SS_AUTODISARM) !== 0) return false;
  return withinAltStack(thread, sp);
}

/** sas_ss_flags(): SS_DISABLE, SS_ONSTACK or 0. */
export function altStackState(thread: Thread, sp: number): number {
  if (thread.altStack.size === 0) return SS_DISABLE;
  return onAltStack(thread, sp) ? SS_ONSTACK : 0;
}

/** What sigaltstack() and a signal frame's uc_stack report. */
export function currentAltStack(thread: Thread, sp: number): StackT {
  const a = thread.altStack;
  return { sp: a.sp, size: a.size, flags: (altStackState(thread, sp) | (a.flags & SS_AUTODISARM)) >>> 0 };
}

export function disarmAltStack(thread: Thread): void {
  thread.altStack = { sp: 0, size: 0, flags: SS_DISABLE };
}

/** do_sigaltstack's "set" half: 0 or a negative errno. */
export function setAltStack(thread: Thread, ss: StackT, sp: number): number {
  if (onAltStack(thread, sp)) return -EPERM;
  const mode = (ss.flags & ~SS_AUTODISARM) >>> 0;
  if (mode !== SS_DISABLE && mode !== SS_ONSTACK && mode !== 0) return -EINVAL;
  const a = thread.altStack;
  if (a.sp === ss.sp && a.size === ss.size && a.flags === ss.flags >>> 0) return 0;
  if (mode === SS_DISABLE) {
    thread.altStack = { sp: 0, size: 0, flags: ss.flags >>> 0 };
    return 0;
  }
  if (ss.size < MINSIGSTKSZ) return -ENOMEM;
  thread.altStack = { sp: ss.sp >>> 0, size: ss.size >>> 0, flags: ss.flags >>> 0 };
  return 0;
}
