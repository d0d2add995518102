// CPU time of finished child processes, from getrusage(RUSAGE_CHILDREN):
// Node does not report a child's rusage, and a child's CPU time is a useful
// second opinion when other work on the machine inflates wall times. The
// figure is cumulative over every child waited for, so the harness reads it
// before and after each (sequential) run.
import { libc } from './ffi.js';

const RUSAGE_CHILDREN = -1;
/** struct rusage on x86-64 Linux: two timevals, then 14 longs. */
const RUSAGE_SIZE = 144;

const getrusage = libc.func('int getrusage(int who, _Out_ uint8_t *usage)');
const buf = Buffer.alloc(RUSAGE_SIZE);

/** User + system CPU milliseconds of all children reaped so far. */
export function childrenCpuMs(): number {
  if (getrusage(RUSAGE_CHILDREN, buf) !== 0) return NaN;
  const seconds = (at: number): number => Number(buf.readBigInt64LE(at)) + Number(buf.readBigInt64LE(at + 8)) / 1e6;
  return (seconds(0) + seconds(16)) * 1000;
}
