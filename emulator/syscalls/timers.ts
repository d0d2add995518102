// Timers that send signals: alarm, the interval timers (getitimer,
// setitimer) and POSIX timers (timer_create and friends).
import { EINVAL, EOPNOTSUPP, EPERM } from '../abi/errno.js';
import { SIGALRM, SIGPROF, SIGVTALRM, SI_KERNEL, SI_TIMER, validSignal } from '../abi/signal.js';
import {
  CLOCK_MONOTONIC_COARSE, CLOCK_MONOTONIC_RAW, CLOCK_REALTIME_COARSE, ITIMER_PROF, ITIMER_REAL, ITIMER_VIRTUAL,
  ITIMERSPEC32, ITIMERSPEC64, ITIMERVAL32, NSEC_PER_SEC, TIMER_ABSTIME, TimerSetting, timerPair,
} from '../abi/time.js';
import { hostClock, monotonicNow } from '../host/clock.js';
import { postSignal } from '../signals/post.js';
import { ClockReader, SignalTimer, timersOf } from '../signals/timers.js';
import type { Thread } from '../thread.js';
import { hostClockId } from './time.js';
import { row, SyscallContext, SyscallRow } from './types.js';

const cpuNanos = (withSystem: boolean): ClockReader => () => {
  const u = process.cpuUsage();
  return BigInt(withSystem ? u.user + u.system : u.user) * 1000n;
};

/** ITIMER_REAL counts wall time; VIRTUAL the guest's user CPU time; PROF all its CPU time. */
const ITIMERS: [ClockReader, number][] = [
  [monotonicNow, SIGALRM],
  [cpuNanos(false), SIGVTALRM],
  [cpuNanos(true), SIGPROF],
];

function itimer(ctx: SyscallContext, which: number): SignalTimer | null {
  if (which !== ITIMER_REAL && which !== ITIMER_VIRTUAL && which !== ITIMER_PROF) return null;
  const timers = timersOf(ctx.proc);
  let t = timers.itimers[which];
  if (!t) {
    const [clock, signo] = ITIMERS[which];
    const proc = ctx.proc;
    // sent by the kernel itself: si_code SI_KERNEL, no sender
    t = new SignalTimer(clock, () => postSignal(proc, { signo, code: SI_KERNEL }));
    timers.itimers[which] = t;
  }
  return t;
}

function alarm(ctx: SyscallContext, seconds: number): number {
  const old = itimer(ctx, ITIMER_REAL)!.set({ interval: 0n, value: BigInt(seconds >>> 0) * NSEC_PER_SEC });
  let secs = old.value / NSEC_PER_SEC;
  const rest = old.value % NSEC_PER_SEC;
  // never report 0 for a pending alarm; round half up
  if ((secs === 0n && rest > 0n) || rest >= NSEC_PER_SEC / 2n) secs++;
  return Number(secs);
}

function getitimer(ctx: SyscallContext, which: number, p: number): number {
  const t = itimer(ctx, which);
  if (!t) return -EINVAL;
  ITIMERVAL32.write(ctx.mem, p, t.get());
  return 0;
}

function setitimer(ctx: SyscallContext, which: number, newp: number, oldp: number): number {
  const t = itimer(ctx, which);
  if (!t) return -EINVAL;
  // a NULL new value disarms (a Linux misfeature programs rely on)
  const next: TimerSetting = newp ? ITIMERVAL32.read(ctx.mem, newp) : { interval: 0n, value: 0n };
  if (next.value < 0n || next.interval < 0n) return -EINVAL;
  const old = t.set(next);
  if (oldp) ITIMERVAL32.write(ctx.mem, oldp, old);
  return 0;
}

const SIGEV_SIGNAL = 0;
const SIGEV_NONE = 1;
const SIGEV_THREAD_ID = 4;
const NO_TIMERS = [CLOCK_MONOTONIC_RAW, CLOCK_REALTIME_COARSE, CLOCK_MONOTONIC_COARSE];
const ALARM_CLOCKS = [8, 9];

function timerCreate(ctx: SyscallContext, clockId: number, sevp: number, idp: number): number {
  clockId |= 0;
  const host = hostClockId(ctx, clockId);
  if (NO_TIMERS.includes(clockId)) return -EOPNOTSUPP;
  if (ALARM_CLOCKS.includes(clockId) && ctx.proc.ids.euid !== 0) return -EPERM;
  const timers = timersOf(ctx.proc);
  const id = timers.freeId();
  let notify = SIGEV_SIGNAL;
  let signo = SIGALRM;
  let value = id;
  let target: Thread | undefined;
  if (sevp) {
    value = ctx.mem.u32(sevp);
    signo = ctx.mem.i32(sevp + 4);
    notify = ctx.mem.i32(sevp + 8);
    if (notify === SIGEV_THREAD_ID) {
      const tid = ctx.mem.i32(sevp + 12);
      target = ctx.proc.threads.find((t) => t.tid === tid);
      if (!target) return -EINVAL;
    } else if (notify !== SIGEV_SIGNAL && notify !== SIGEV_NONE) {
      return -EINVAL;
    }
    if (notify !== SIGEV_NONE && !validSignal(signo)) return -EINVAL;
  }
  const proc = ctx.proc;
  const clock: ClockReader = () => hostClock(host) ?? 0n;
  const timer = new SignalTimer(clock, (overrun) => {
    if (notify !== SIGEV_NONE) postSignal(proc, { signo, code: SI_TIMER, timerId: id, overrun, value }, target);
  });
  ctx.mem.setI32(idp, id);
  timers.posix.set(id, { timer, clockId });
  return 0;
}

function posixTimer(ctx: SyscallContext, id: number): SignalTimer | null {
  return timersOf(ctx.proc).posix.get(id | 0)?.timer ?? null;
}

type SpecLayout = ReturnType<typeof timerPair>;

function timerSettime(ctx: SyscallContext, id: number, flags: number, newp: number, oldp: number, layout: SpecLayout): number {
  // no new value is EINVAL; it is read (EFAULT) before the timer is looked up
  if (newp === 0) return -EINVAL;
  const next = layout.read(ctx.mem, newp);
  const t = posixTimer(ctx, id);
  if (!t) return -EINVAL;
  if (next.value < 0n || next.interval < 0n) return -EINVAL;
  const old = t.set(next, (flags & TIMER_ABSTIME) !== 0);
  if (oldp) layout.write(ctx.mem, oldp, old);
  return 0;
}

function timerGettime(ctx: SyscallContext, id: number, p: number, layout: SpecLayout): number {
  const t = posixTimer(ctx, id);
  if (!t) return -EINVAL;
  layout.write(ctx.mem, p, t.get());
  return 0;
}

function timerDelete(ctx: SyscallContext, id: number): number {
  const timers = timersOf(ctx.proc);
  const p = timers.posix.get(id | 0);
  if (!p) return -EINVAL;
  p.timer.cancel();
  timers.posix.delete(id | 0);
  return 0;
}

export const timerRows: SyscallRow[] = [
  row(27, 'alarm', ['uint'], (ctx, a) => alarm(ctx, a)),
  row(105, 'getitimer', ['int', 'ptr'], (ctx, a, b) => getitimer(ctx, a, b)),
  row(104, 'setitimer', ['int', 'ptr', 'ptr'], (ctx, a, b, c) => setitimer(ctx, a, b, c)),
  row(259, 'timer_create', ['int', 'ptr', 'ptr'], (ctx, a, b, c) => timerCreate(ctx, a, b, c)),
  row(260, 'timer_settime', ['int', 'int', 'ptr', 'ptr'], (ctx, a, b, c, d) => timerSettime(ctx, a, b, c, d, ITIMERSPEC32)),
  row(409, 'timer_settime64', ['int', 'int', 'ptr', 'ptr'], (ctx, a, b, c, d) => timerSettime(ctx, a, b, c, d, ITIMERSPEC64)),
  row(261, 'timer_gettime', ['int', 'ptr'], (ctx, a, b) => timerGettime(ctx, a, b, ITIMERSPEC32)),
  row(408, 'timer_gettime64', ['int', 'ptr'], (ctx, a, b) => timerGettime(ctx, a, b, ITIMERSPEC64)),
  row(262, 'timer_getoverrun', ['int'], (ctx, a) => posixTimer(ctx, a)?.overrun ?? -EINVAL),
  row(263, 'timer_delete', ['int'], (ctx, a) => timerDelete(ctx, a)),
];
