// futex(2) for a process with one thread: nobody else can wake a waiter, so
// FUTEX_WAKE wakes nobody (glibc's pthread_once and lock release call it
// anyway, e.g. inside getaddrinfo), and FUTEX_WAIT either fails at once
// because the word changed, or sleeps until its timeout or a signal.
import { EAGAIN, EINVAL, ENOSYS, ETIMEDOUT } from '../abi/errno.js';
import { CLOCK_MONOTONIC, CLOCK_REALTIME, Nanos, TIMESPEC32, TIMESPEC64, TimeLayout } from '../abi/time.js';
import { afterMs, Blocked } from '../kernel/wait.js';
import { signalAwareState } from '../signals/interrupt.js';
import { clockNow, delayMs } from './time.js';
import { row, SyscallContext, SyscallResult, SyscallRow } from './types.js';

const FUTEX_WAIT = 0;
const FUTEX_WAKE = 1;
const FUTEX_REQUEUE = 3;
const FUTEX_CMP_REQUEUE = 4;
const FUTEX_WAKE_OP = 5;
const FUTEX_WAIT_BITSET = 9;
const FUTEX_WAKE_BITSET = 10;
const FUTEX_CMD_MASK = 0x7f; // without FUTEX_PRIVATE_FLAG (128) and FUTEX_CLOCK_REALTIME (256)
const FUTEX_CLOCK_REALTIME = 256;

/** FUTEX_WAKE_OP: *uaddr2 = *uaddr2 OP oparg, atomically (one thread: plainly). */
function wakeOp(ctx: SyscallContext, uaddr2: number, encoded: number): number {
  const op = (encoded >>> 28) & 7;
  const shift = (encoded >>> 28) & 8;
  let arg = (encoded << 8) >> 20;
  if (shift) arg = 1 << (arg & 31);
  const old = ctx.mem.i32(uaddr2);
  const next = [arg, old + arg, old | arg, old & ~arg, old ^ arg][op];
  if (next === undefined) return -ENOSYS;
  ctx.mem.setI32(uaddr2, next | 0);
  return 0;
}

function futex(ctx: SyscallContext, uaddr: number, op: number, val: number, timeout: number, uaddr2: number, val3: number, layout: TimeLayout): SyscallResult {
  const cmd = op & FUTEX_CMD_MASK;
  if (uaddr & 3) return -EINVAL;
  switch (cmd) {
    case FUTEX_WAKE:
    case FUTEX_WAKE_BITSET:
    case FUTEX_REQUEUE:
      return 0;
    case FUTEX_CMP_REQUEUE:
      return ctx.mem.i32(uaddr) === (val3 | 0) ? 0 : -EAGAIN;
    case FUTEX_WAKE_OP:
      return wakeOp(ctx, uaddr2, val3);
    case FUTEX_WAIT:
    case FUTEX_WAIT_BITSET: {
      const state = signalAwareState(ctx) as { deadline?: Nanos; clock?: number };
      if (state.deadline === undefined && state.clock === undefined) {
        if (ctx.mem.i32(uaddr) !== (val | 0)) return -EAGAIN;
        if (cmd === FUTEX_WAIT_BITSET && val3 === 0) return -EINVAL;
        // FUTEX_WAIT's timeout is relative on CLOCK_MONOTONIC; WAIT_BITSET's is absolute
        state.clock = cmd === FUTEX_WAIT_BITSET && (op & FUTEX_CLOCK_REALTIME) ? CLOCK_REALTIME : CLOCK_MONOTONIC;
        if (timeout !== 0) {
          const t = layout.read(ctx.mem, timeout);
          state.deadline = cmd === FUTEX_WAIT ? clockNow(ctx, state.clock) + t : t;
        }
      }
      if (state.deadline === undefined) return new Blocked(() => () => {}, 'futex');
      const left = state.deadline - clockNow(ctx, state.clock!);
      if (left <= 0n) return -ETIMEDOUT;
      return new Blocked(afterMs(delayMs(left)), 'futex');
    }
    default:
      return -ENOSYS;
  }
}

export const futexRows: SyscallRow[] = [
  row(240, 'futex', ['ptr', 'hex', 'int', 'ptr', 'ptr', 'hex'], (ctx, a, b, c, d, e, f) => futex(ctx, a, b, c, d, e, f, TIMESPEC32)),
  row(422, 'futex_time64', ['ptr', 'hex', 'int', 'ptr', 'ptr', 'hex'], (ctx, a, b, c, d, e, f) => futex(ctx, a, b, c, d, e, f, TIMESPEC64)),
];
