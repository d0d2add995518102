// Clocks and sleeping: time, gettimeofday, clock_gettime/getres (32- and
// 64-bit time), nanosleep and clock_nanosleep. Clocks are the host's; a
// sleep blocks the guest on a host timer, so the host stays idle.
import { EINTR, EINVAL, EPERM, LinuxError } from '../abi/errno.js';
import {
  CLOCK_BOOTTIME, CLOCK_BOOTTIME_ALARM, CLOCK_MONOTONIC, CLOCK_PROCESS_CPUTIME_ID, CLOCK_REALTIME,
  CLOCK_REALTIME_ALARM, CLOCK_TAI, CLOCK_THREAD_CPUTIME_ID, NSEC_PER_SEC, Nanos, TIMER_ABSTIME,
  TIMESPEC32, TIMESPEC64, TIMEVAL32, TimeLayout,
} from '../abi/time.js';
import { hostClock, hostClockResolution } from '../host/clock.js';
import { Blocked, afterMs } from '../kernel/wait.js';
import { signalAwareState } from '../signals/interrupt.js';
import { row, SyscallContext, SyscallResult, SyscallRow } from './types.js';

const CPUCLOCK_PERTHREAD = 4;
const CPUCLOCK_SCHED = 2;
const CPUCLOCK_MAX = 3;

/**
 * The host clock a guest clock id reads. Negative ids are CPU-time clocks
 * of a process or thread ((~pid << 3) | type, clock_getcpuclockid): the
 * guest's own are the host's process and main-thread CPU clocks.
 */
export function hostClockId(ctx: SyscallContext, id: number): number {
  if (id >= 0) {
    if (id === 10 || id > CLOCK_TAI) throw new LinuxError(EINVAL, 'bad clock id');
    return id;
  }
  const pid = ~(id >> 3);
  const type = id & 3;
  if (type === CPUCLOCK_MAX) throw new LinuxError(EINVAL, 'bad cpu clock');
  if ((id & CPUCLOCK_PERTHREAD) !== 0) {
    if (pid !== 0 && !ctx.proc.threads.some((t) => t.tid === pid)) throw new LinuxError(EINVAL, 'no such thread');
    return CLOCK_THREAD_CPUTIME_ID;
  }
  if (pid !== 0 && pid !== ctx.proc.pid) throw new LinuxError(EINVAL, 'no such process');
  return CLOCK_PROCESS_CPUTIME_ID;
}

export function clockNow(ctx: SyscallContext, id: number): Nanos {
  const t = hostClock(hostClockId(ctx, id));
  if (t === null) throw new LinuxError(EINVAL, 'clock unavailable');
  return t;
}

function clockGettime(ctx: SyscallContext, id: number, tp: number, layout: TimeLayout): number {
  layout.write(ctx.mem, tp, clockNow(ctx, id | 0));
  return 0;
}

function clockGetres(ctx: SyscallContext, id: number, res: number, layout: TimeLayout): number {
  const host = hostClockId(ctx, id | 0);
  if (res === 0) return 0;
  const r = id < 0 ? 1n : hostClockResolution(host);
  if (r === null) return -EINVAL;
  layout.write(ctx.mem, res, r);
  return 0;
}

/** Only CLOCK_REALTIME can be set at all; other clocks are EINVAL, as in the kernel. */
function clockSettime(ctx: SyscallContext, id: number): number {
  hostClockId(ctx, id | 0);
  return (id | 0) === CLOCK_REALTIME ? -EPERM : -EINVAL;
}

function time(ctx: SyscallContext, tloc: number): number {
  const sec = Number(clockNow(ctx, CLOCK_REALTIME) / NSEC_PER_SEC) | 0;
  if (tloc) ctx.mem.setI32(tloc, sec);
  return sec;
}

function gettimeofday(ctx: SyscallContext, tv: number, tz: number): number {
  if (tv) TIMEVAL32.write(ctx.mem, tv, clockNow(ctx, CLOCK_REALTIME));
  // struct timezone: the kernel's sys_tz, which nothing sets on a usual system
  if (tz) ctx.mem.write(tz, new Uint8Array(8));
  return 0;
}

/** A host timer delay for `left` ns: never early, and within what Node accepts (longer waits retry). */
export function delayMs(left: Nanos): number {
  return Math.min(0x7fffffff, Math.ceil(Number(left) / 1e6));
}

interface SleepState {
  deadline?: Nanos;
  onSignal?: () => number;
}

/**
 * Sleep until `deadline` on clock `id`. A handler interrupting the sleep
 * makes it return -EINTR, writing the time left to `rem` for relative sleeps.
 */
function sleepUntil(ctx: SyscallContext, id: number, deadline: Nanos, rem: number, layout: TimeLayout): SyscallResult {
  const left = deadline - clockNow(ctx, id);
  if (left <= 0n) return 0;
  const state = signalAwareState(ctx) as SleepState;
  state.deadline = deadline;
  state.onSignal = () => {
    if (rem) {
      const l = deadline - clockNow(ctx, id);
      layout.write(ctx.mem, rem, l > 0n ? l : 0n);
    }
    return -EINTR;
  };
  return new Blocked(afterMs(delayMs(left)), 'sleep');
}

function nanosleep(ctx: SyscallContext, req: number, rem: number, layout: TimeLayout): SyscallResult {
  const state = (ctx.thread.syscallState ?? {}) as SleepState;
  const deadline = state.deadline ?? sleepDeadline(ctx, CLOCK_MONOTONIC, layout.read(ctx.mem, req));
  return sleepUntil(ctx, CLOCK_MONOTONIC, deadline, rem, layout);
}

function sleepDeadline(ctx: SyscallContext, id: number, length: Nanos): Nanos {
  if (length < 0n) throw new LinuxError(EINVAL, 'negative sleep');
  return clockNow(ctx, id) + length;
}

const SLEEP_CLOCKS = [CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_BOOTTIME, CLOCK_TAI, CLOCK_REALTIME_ALARM, CLOCK_BOOTTIME_ALARM];

function clockNanosleep(ctx: SyscallContext, id: number, flags: number, req: number, rem: number, layout: TimeLayout): SyscallResult {
  id |= 0;
  if (!SLEEP_CLOCKS.includes(id)) {
    // CPU-time clocks: the thread's own cannot advance while it sleeps
    hostClockId(ctx, id);
    return -EINVAL;
  }
  const state = (ctx.thread.syscallState ?? {}) as SleepState;
  const absolute = (flags & TIMER_ABSTIME) !== 0;
  let deadline = state.deadline;
  if (deadline === undefined) {
    const t = layout.read(ctx.mem, req);
    if (absolute) deadline = t;
    else deadline = sleepDeadline(ctx, id, t);
  }
  return sleepUntil(ctx, id, deadline, absolute ? 0 : rem, layout);
}

export const timeRows: SyscallRow[] = [
  row(13, 'time', ['ptr'], (ctx, a) => time(ctx, a)),
  row(78, 'gettimeofday', ['ptr', 'ptr'], (ctx, a, b) => gettimeofday(ctx, a, b)),
  // the guest may not change the host's clock: it is treated as lacking CAP_SYS_TIME
  row(79, 'settimeofday', ['ptr', 'ptr'], () => -EPERM),
  row(25, 'stime', ['ptr'], () => -EPERM),
  row(264, 'clock_settime', ['int', 'ptr'], (ctx, a) => clockSettime(ctx, a)),
  row(404, 'clock_settime64', ['int', 'ptr'], (ctx, a) => clockSettime(ctx, a)),
  row(265, 'clock_gettime', ['int', 'ptr'], (ctx, a, b) => clockGettime(ctx, a, b, TIMESPEC32)),
  row(403, 'clock_gettime64', ['int', 'ptr'], (ctx, a, b) => clockGettime(ctx, a, b, TIMESPEC64)),
  row(266, 'clock_getres', ['int', 'ptr'], (ctx, a, b) => clockGetres(ctx, a, b, TIMESPEC32)),
  row(406, 'clock_getres_time64', ['int', 'ptr'], (ctx, a, b) => clockGetres(ctx, a, b, TIMESPEC64)),
  row(162, 'nanosleep', ['ptr', 'ptr'], (ctx, a, b) => nanosleep(ctx, a, b, TIMESPEC32)),
  row(267, 'clock_nanosleep', ['int', 'int', 'ptr', 'ptr'], (ctx, a, b, c, d) => clockNanosleep(ctx, a, b, c, d, TIMESPEC32)),
  row(407, 'clock_nanosleep_time64', ['int', 'int', 'ptr', 'ptr'], (ctx, a, b, c, d) => clockNanosleep(ctx, a, b, c, d, TIMESPEC64)),
];
