// Linux i386 time ABI: clock ids, and the layouts of timespec (32- and
// 64-bit), timeval, itimerval, itimerspec, tms, rusage and sysinfo.
import { EINVAL, LinuxError } from './errno.js';
import type { GuestMemory } from '../memory/guest-memory.js';

export const CLOCK_REALTIME = 0;
export const CLOCK_MONOTONIC = 1;
export const CLOCK_PROCESS_CPUTIME_ID = 2;
export const CLOCK_THREAD_CPUTIME_ID = 3;
export const CLOCK_MONOTONIC_RAW = 4;
export const CLOCK_REALTIME_COARSE = 5;
export const CLOCK_MONOTONIC_COARSE = 6;
export const CLOCK_BOOTTIME = 7;
export const CLOCK_REALTIME_ALARM = 8;
export const CLOCK_BOOTTIME_ALARM = 9;
export const CLOCK_TAI = 11;

export const TIMER_ABSTIME = 1;

export const ITIMER_REAL = 0;
export const ITIMER_VIRTUAL = 1;
export const ITIMER_PROF = 2;

export const NSEC_PER_SEC = 1_000_000_000n;
/** sysconf(_SC_CLK_TCK): the unit of times() and clock_t. */
export const USER_HZ = 100;

/** Nanoseconds since some epoch; bigint so that 64-bit times stay exact. */
export type Nanos = bigint;

export interface TimeLayout {
  size: number;
  read(mem: GuestMemory, addr: number): Nanos;
  write(mem: GuestMemory, addr: number, t: Nanos): void;
}

function checkNsec(sec: bigint, nsec: bigint): Nanos {
  if (nsec < 0n || nsec >= NSEC_PER_SEC) throw new LinuxError(EINVAL, 'bad tv_nsec');
  return sec * NSEC_PER_SEC + nsec;
}

const floorDiv = (t: bigint, d: bigint): [bigint, bigint] => {
  let q = t / d;
  let r = t % d;
  if (r < 0n) {
    q -= 1n;
    r += d;
  }
  return [q, r];
};

/** struct old_timespec32 { int32 tv_sec; int32 tv_nsec; } */
export const TIMESPEC32: TimeLayout = {
  size: 8,
  read: (mem, a) => checkNsec(BigInt(mem.i32(a)), BigInt(mem.i32(a + 4))),
  write: (mem, a, t) => {
    const [s, ns] = floorDiv(t, NSEC_PER_SEC);
    mem.setI32(a, Number(BigInt.asIntN(32, s)));
    mem.setI32(a + 4, Number(ns));
  },
};

/** struct __kernel_timespec { int64 tv_sec; int64 tv_nsec; }; compat tasks only use the low half of tv_nsec. */
export const TIMESPEC64: TimeLayout = {
  size: 16,
  read: (mem, a) => checkNsec(mem.i64(a), BigInt(mem.i32(a + 8))),
  write: (mem, a, t) => {
    const [s, ns] = floorDiv(t, NSEC_PER_SEC);
    mem.setU64(a, s);
    mem.setU64(a + 8, ns);
  },
};

/** struct old_timeval32 { int32 tv_sec; int32 tv_usec; } */
export const TIMEVAL32: TimeLayout = {
  size: 8,
  read: (mem, a) => {
    const sec = BigInt(mem.i32(a));
    const usec = BigInt(mem.i32(a + 4));
    if (usec < 0n || usec >= 1_000_000n) throw new LinuxError(EINVAL, 'bad tv_usec');
    return sec * NSEC_PER_SEC + usec * 1000n;
  },
  write: (mem, a, t) => {
    const [s, ns] = floorDiv(t, NSEC_PER_SEC);
    mem.setI32(a, Number(BigInt.asIntN(32, s)));
    mem.setI32(a + 4, Number(ns / 1000n));
  },
};

/** An interval timer's setting: struct itimerval / itimerspec. */
export interface TimerSetting {
  interval: Nanos;
  value: Nanos;
}

/** itimerval (two timevals) and itimerspec (two timespecs): interval first, then value. */
export function timerPair(layout: TimeLayout) {
  return {
    size: 2 * layout.size,
    read: (mem: GuestMemory, a: number): TimerSetting => ({ interval: layout.read(mem, a), value: layout.read(mem, a + layout.size) }),
    write: (mem: GuestMemory, a: number, s: TimerSetting): void => {
      layout.write(mem, a, s.interval);
      layout.write(mem, a + layout.size, s.value);
    },
  };
}

export const ITIMERVAL32 = timerPair(TIMEVAL32);
export const ITIMERSPEC32 = timerPair(TIMESPEC32);
export const ITIMERSPEC64 = timerPair(TIMESPEC64);

/** Nanoseconds to clock ticks (clock_t, USER_HZ). */
export const toClockTicks = (t: Nanos): number => Number(BigInt.asIntN(32, t / (NSEC_PER_SEC / BigInt(USER_HZ))));

/** struct tms: four clock_t. */
export function writeTms(mem: GuestMemory, a: number, utime: Nanos, stime: Nanos): void {
  const buf = mem.writable(a, 16);
  const v = new DataView(buf.buffer, buf.byteOffset, 16);
  v.setInt32(0, toClockTicks(utime), true);
  v.setInt32(4, toClockTicks(stime), true);
  v.setInt32(8, 0, true);
  v.setInt32(12, 0, true);
}

export interface Rusage {
  utime: Nanos;
  stime: Nanos;
  /** KiB */
  maxrss: number;
  minflt: number;
  majflt: number;
  inblock: number;
  oublock: number;
  nvcsw: number;
  nivcsw: number;
}

export const RUSAGE_SELF = 0;
export const RUSAGE_CHILDREN = -1;
export const RUSAGE_THREAD = 1;
export const RUSAGE32_SIZE = 72;

/** struct rusage with 32-bit longs: two timevals then 14 counters. */
export function writeRusage(mem: GuestMemory, a: number, r: Rusage): void {
  const buf = mem.writable(a, RUSAGE32_SIZE);
  buf.fill(0);
  TIMEVAL32.write(mem, a, r.utime);
  TIMEVAL32.write(mem, a + 8, r.stime);
  const v = new DataView(buf.buffer, buf.byteOffset, RUSAGE32_SIZE);
  const put = (index: number, x: number): void => v.setUint32(16 + 4 * index, Math.min(x, 0xffffffff) >>> 0, true);
  put(0, r.maxrss);
  put(4, r.minflt);
  put(5, r.majflt);
  put(7, r.inblock);
  put(8, r.oublock);
  put(12, r.nvcsw);
  put(13, r.nivcsw);
}

export interface SysInfo {
  uptime: number;
  loads: [number, number, number];
  totalram: number;
  freeram: number;
  sharedram: number;
  bufferram: number;
  totalswap: number;
  freeswap: number;
  procs: number;
  /** Unit of the memory sizes, in bytes. */
  memUnit: number;
}

export const SYSINFO32_SIZE = 64;

export function writeSysinfo(mem: GuestMemory, a: number, s: SysInfo): void {
  const buf = mem.writable(a, SYSINFO32_SIZE);
  buf.fill(0);
  const v = new DataView(buf.buffer, buf.byteOffset, SYSINFO32_SIZE);
  const u32 = (off: number, x: number): void => v.setUint32(off, Math.min(Math.max(0, Math.floor(x)), 0xffffffff) >>> 0, true);
  v.setInt32(0, s.uptime, true);
  u32(4, s.loads[0]);
  u32(8, s.loads[1]);
  u32(12, s.loads[2]);
  u32(16, s.totalram);
  u32(20, s.freeram);
  u32(24, s.sharedram);
  u32(28, s.bufferram);
  u32(32, s.totalswap);
  u32(36, s.freeswap);
  v.setUint16(40, Math.min(s.procs, 0xffff), true);
  u32(44, 0);
  u32(48, 0);
  u32(52, s.memUnit);
}
