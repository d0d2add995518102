// Host clocks and resource limits through libc, which Node does not expose
// with nanosecond precision (clock_gettime) or at all (prlimit). Clock ids
// and resource numbers are the same for the i386 guest and the x86-64 host.
import koffi from 'koffi';
import { libc } from './ffi.js';

const clockGettime = libc.func('int clock_gettime(int clk, _Out_ uint8_t *ts)');
const clockGetres = libc.func('int clock_getres(int clk, _Out_ uint8_t *ts)');
const prlimitFn = libc.func('int prlimit(int pid, int resource, const uint8_t *newLimit, _Out_ uint8_t *oldLimit)');
const errnoLocation = libc.func('int *__errno_location(void)');

const timespec = Buffer.alloc(16);

function lastErrno(): number {
  return koffi.decode(errnoLocation(), 'int') as number;
}

/** Read a host clock in nanoseconds; null when the host rejects the id. */
export function hostClock(clockId: number): bigint | null {
  if (clockGettime(clockId, timespec) !== 0) return null;
  return timespec.readBigInt64LE(0) * 1_000_000_000n + timespec.readBigInt64LE(8);
}

/** A host clock's resolution in nanoseconds; null when the host rejects the id. */
export function hostClockResolution(clockId: number): bigint | null {
  if (clockGetres(clockId, timespec) !== 0) return null;
  return timespec.readBigInt64LE(0) * 1_000_000_000n + timespec.readBigInt64LE(8);
}

/** CLOCK_MONOTONIC in nanoseconds (libuv reads the same clock). */
export const monotonicNow = (): bigint => process.hrtime.bigint();

export const HOST_RLIM_INFINITY = 0xffffffffffffffffn;

/** Sets the host process's own [soft, hard] limit for `resource`; 0 or a negative errno. */
export function setHostRlimit(resource: number, soft: bigint, hard: bigint): number {
  const lim = Buffer.alloc(16);
  lim.writeBigUInt64LE(soft, 0);
  lim.writeBigUInt64LE(hard, 8);
  return prlimitFn(0, resource, lim, null) === 0 ? 0 : -lastErrno();
}

/** The host process's [soft, hard] limit for `resource`, or a negative errno. */
export function hostRlimit(resource: number): [bigint, bigint] | number {
  const out = Buffer.alloc(16);
  if (prlimitFn(0, resource, null, out) !== 0) return -lastErrno();
  return [out.readBigUInt64LE(0), out.readBigUInt64LE(8)];
}
