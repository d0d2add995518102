// futex(2) across the threads of the guest: wait queues per futex word
// (kernel/futex-queues.ts), the wake, requeue and wake-op operations, the
// bitset variants, timeouts (relative for FUTEX_WAIT, absolute for the
// bitset and PI ones) and the priority-inheritance lock operations as
// glibc's PTHREAD_PRIO_INHERIT mutexes use them. Every operation runs
// between two guest instructions of one thread, so each is atomic with
// respect to the guest; a waiter leaves its queue when woken, when its wait
// times out, when a signal handler interrupts it, or when it exits.
import { EAGAIN, EDEADLK, EINVAL, ENOSYS, EPERM, ESRCH, ETIMEDOUT } from '../abi/errno.js';
import { CLOCK_MONOTONIC, CLOCK_REALTIME, Nanos, TIMESPEC32, TIMESPEC64, TimeLayout } from '../abi/time.js';
import { afterMs, anyOf, Arm, Blocked } from '../kernel/wait.js';
import { futexKey, FutexWaiter } from '../kernel/futex-queues.js';
import { signalAwareState } from '../signals/interrupt.js';
import { clockNow, delayMs } from './time.js';
import { row, SyscallContext, SyscallResult, SyscallRow } from './types.js';
import { FUTEX_OWNER_DIED, FUTEX_TID_MASK, FUTEX_WAITERS, handOverPi } from '../kernel/futex-pi.js';

const FUTEX_WAIT = 0;
const FUTEX_WAKE = 1;
const FUTEX_REQUEUE = 3;
const FUTEX_CMP_REQUEUE = 4;
const FUTEX_WAKE_OP = 5;
const FUTEX_LOCK_PI = 6;
const FUTEX_UNLOCK_PI = 7;
const FUTEX_TRYLOCK_PI = 8;
const FUTEX_WAIT_BITSET = 9;
const FUTEX_WAKE_BITSET = 10;
const FUTEX_LOCK_PI2 = 13;
const FUTEX_PRIVATE_FLAG = 128;
const FUTEX_CLOCK_REALTIME = 256;
const FUTEX_CMD_MASK = ~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME);
const FUTEX_BITSET_MATCH_ANY = -1;

/** FUTEX_WAKE_OP: *uaddr2 = *uaddr2 OP oparg; returns whether the old value passes CMP cmparg, or an errno. */
function wakeOp(ctx: SyscallContext, uaddr2: number, encoded: number): boolean | number {
  const op = (encoded >>> 28) & 7;
  const shiftArg = ((encoded >>> 28) & 8) !== 0;
  const cmp = (encoded >>> 24) & 15;
  let arg = (encoded << 8) >> 20;
  const cmpArg = (encoded << 20) >> 20;
  if (shiftArg) arg = 1 << (arg & 31);
  const old = ctx.mem.i32(uaddr2);
  const next = [arg, old + arg, old | arg, old & ~arg, old ^ arg][op];
  const passes = [old === cmpArg, old !== cmpArg, old < cmpArg, old <= cmpArg, old > cmpArg, old >= cmpArg][cmp];
  if (next === undefined || passes === undefined) return -ENOSYS;
  ctx.mem.setI32(uaddr2, next | 0);
  return passes;
}

/** The kernel's wake loops count after waking, so a count below 1 still wakes one waiter. */
const wakeCount = (n: number): number => Math.max(1, n | 0);

interface WaitState {
  waiter?: FutexWaiter;
  deadline?: Nanos;
  clock?: number;
}

/**
 * Block on `waiter` until a wake (or hand-over) marks it woken, or the
 * deadline passes. The waiter stays queued while the wait is disarmed (a
 * guest call borrowing the thread); it leaves the queue when the syscall is
 * abandoned (signal handler, exit) or times out.
 */
function waitOn(ctx: SyscallContext, state: WaitState, what: string): SyscallResult {
  const waiter = state.waiter!;
  if (waiter.woken) return 0;
  const queues = ctx.proc.kernel.futexes;
  let arm: Arm = (wake) => {
    waiter.notify = wake;
    if (waiter.woken) wake();
    return () => {
      waiter.notify = null;
    };
  };
  if (state.deadline !== undefined) {
    const left = state.deadline - clockNow(ctx, state.clock!);
    if (left <= 0n) {
      queues.remove(waiter);
      return -ETIMEDOUT;
    }
    arm = anyOf(afterMs(delayMs(left)), arm);
  }
  return new Blocked(arm, what, () => queues.remove(waiter));
}

/** The deadline of a timeout argument: relative on CLOCK_MONOTONIC, or absolute on `clock`. */
function deadlineOf(ctx: SyscallContext, state: WaitState, timeout: number, layout: TimeLayout, relative: boolean, clock: number): void {
  state.clock = clock;
  if (timeout === 0) return;
  const t = layout.read(ctx.mem, timeout);
  state.deadline = relative ? clockNow(ctx, clock) + t : t;
}

function futexWait(ctx: SyscallContext, uaddr: number, op: number, val: number, timeout: number, bitset: number, layout: TimeLayout): SyscallResult {
  const state = signalAwareState(ctx) as WaitState;
  if (state.waiter === undefined) {
    const bitsetOp = (op & FUTEX_CMD_MASK) === FUTEX_WAIT_BITSET;
    if (bitsetOp && bitset === 0) return -EINVAL;
    if (ctx.mem.i32(uaddr) !== (val | 0)) return -EAGAIN;
    // FUTEX_WAIT's timeout is relative on CLOCK_MONOTONIC; WAIT_BITSET's is absolute
    deadlineOf(ctx, state, timeout, layout, !bitsetOp, bitsetOp && (op & FUTEX_CLOCK_REALTIME) ? CLOCK_REALTIME : CLOCK_MONOTONIC);
    state.waiter = new FutexWaiter(ctx.thread, futexKey(ctx.proc.space, uaddr), bitsetOp ? bitset : FUTEX_BITSET_MATCH_ANY);
    ctx.proc.kernel.futexes.enqueue(state.waiter);
  }
  return waitOn(ctx, state, 'futex');
}

/** A live thread of the process with this tid (the owner recorded in a PI futex word). */
function ownerAlive(ctx: SyscallContext, tid: number): boolean {
  return ctx.proc.threads.some((t) => t.tid === tid && t.state !== 'exited');
}

/**
 * FUTEX_LOCK_PI / LOCK_PI2 / TRYLOCK_PI: take the lock if its word names no
 * owner, else mark it contended (FUTEX_WAITERS) and wait until the owner's
 * FUTEX_UNLOCK_PI hands it over (the word then names this thread).
 */
function lockPi(ctx: SyscallContext, uaddr: number, op: number, timeout: number, layout: TimeLayout, trylock: boolean): SyscallResult {
  const state = signalAwareState(ctx) as WaitState;
  if (state.waiter !== undefined) return waitOn(ctx, state, 'futex_lock_pi');
  const word = ctx.mem.u32(uaddr);
  const owner = word & FUTEX_TID_MASK;
  const self = ctx.thread.tid;
  if (owner === 0) {
    ctx.mem.setU32(uaddr, (self | (word & FUTEX_OWNER_DIED)) >>> 0);
    return 0;
  }
  if (owner === self) return -EDEADLK;
  if (!ownerAlive(ctx, owner)) {
    // an owner that died without the robust list handing the lock on
    if ((word & FUTEX_OWNER_DIED) === 0) return -ESRCH;
    ctx.mem.setU32(uaddr, (self | FUTEX_OWNER_DIED | (word & FUTEX_WAITERS)) >>> 0);
    return 0;
  }
  if (trylock) return -EAGAIN;
  ctx.mem.setU32(uaddr, (word | FUTEX_WAITERS) >>> 0);
  // LOCK_PI's timeout is absolute on CLOCK_REALTIME; LOCK_PI2's on CLOCK_MONOTONIC unless told otherwise
  const pi2 = (op & FUTEX_CMD_MASK) === FUTEX_LOCK_PI2;
  deadlineOf(ctx, state, timeout, layout, false, !pi2 || (op & FUTEX_CLOCK_REALTIME) ? CLOCK_REALTIME : CLOCK_MONOTONIC);
  state.waiter = new FutexWaiter(ctx.thread, futexKey(ctx.proc.space, uaddr), FUTEX_BITSET_MATCH_ANY);
  ctx.proc.kernel.futexes.enqueue(state.waiter);
  return waitOn(ctx, state, 'futex_lock_pi');
}

/** FUTEX_UNLOCK_PI: only the owner may; the lock goes to the oldest waiter, or becomes free. */
function unlockPi(ctx: SyscallContext, uaddr: number): number {
  const word = ctx.mem.u32(uaddr);
  if ((word & FUTEX_TID_MASK) !== ctx.thread.tid) return -EPERM;
  if (!handOverPi(ctx.proc.kernel.futexes, ctx.mem, futexKey(ctx.proc.space, uaddr), uaddr, 0)) ctx.mem.setU32(uaddr, 0);
  return 0;
}

function futex(ctx: SyscallContext, uaddr: number, op: number, val: number, timeout: number, uaddr2: number, val3: number, layout: TimeLayout): SyscallResult {
  if (uaddr & 3) return -EINVAL;
  const queues = ctx.proc.kernel.futexes;
  switch (op & FUTEX_CMD_MASK) {
    case FUTEX_WAIT:
      return futexWait(ctx, uaddr, op, val, timeout, FUTEX_BITSET_MATCH_ANY, layout);
    case FUTEX_WAIT_BITSET:
      return futexWait(ctx, uaddr, op, val, timeout, val3, layout);
    case FUTEX_WAKE:
      return queues.wake(futexKey(ctx.proc.space, uaddr), wakeCount(val));
    case FUTEX_WAKE_BITSET:
      if (val3 === 0) return -EINVAL;
      return queues.wake(futexKey(ctx.proc.space, uaddr), wakeCount(val), val3);
    case FUTEX_REQUEUE:
    case FUTEX_CMP_REQUEUE: {
      // the timeout argument carries the number to requeue
      if ((val | 0) < 0 || (timeout | 0) < 0) return -EINVAL;
      if ((op & FUTEX_CMD_MASK) === FUTEX_CMP_REQUEUE && ctx.mem.i32(uaddr) !== (val3 | 0)) return -EAGAIN;
      if (uaddr2 & 3) return -EINVAL;
      const [woken, moved] = queues.requeue(futexKey(ctx.proc.space, uaddr), futexKey(ctx.proc.space, uaddr2), val | 0, timeout | 0);
      return woken + moved;
    }
    case FUTEX_WAKE_OP: {
      if (uaddr2 & 3) return -EINVAL;
      const passes = wakeOp(ctx, uaddr2, val3);
      if (typeof passes === 'number') return passes;
      let n = queues.wake(futexKey(ctx.proc.space, uaddr), wakeCount(val));
      if (passes) n += queues.wake(futexKey(ctx.proc.space, uaddr2), wakeCount(timeout));
      return n;
    }
    case FUTEX_LOCK_PI:
    case FUTEX_LOCK_PI2:
      return lockPi(ctx, uaddr, op, timeout, layout, false);
    case FUTEX_TRYLOCK_PI:
      return lockPi(ctx, uaddr, op, 0, layout, true);
    case FUTEX_UNLOCK_PI:
      return unlockPi(ctx, uaddr);
    default:
      // FUTEX_FD is gone from Linux; the requeue-PI pair is left to condition
      // variables glibc no longer builds on it
      return -ENOSYS;
  }
}

export const futexRows: SyscallRow[] = [
  row(240, 'futex', ['ptr', 'hex', 'int', 'ptr', 'ptr', 'hex'], (ctx, a, b, c, d, e, f) => futex(ctx, a, b, c, d, e, f, TIMESPEC32)),
  row(422, 'futex_time64', ['ptr', 'hex', 'int', 'ptr', 'ptr', 'hex'], (ctx, a, b, c, d, e, f) => futex(ctx, a, b, c, d, e, f, TIMESPEC64)),
];
