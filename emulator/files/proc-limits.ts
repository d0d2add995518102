// /proc/self/limits: the guest's own resource limits (what getrlimit
// reports), laid out as the kernel's proc_pid_limits prints them.
import type { Process } from '../process.js';
import { processLimit, RLIM_INFINITY } from '../syscalls/limits.js';

const NAMES: [string, string][] = [
  ['Max cpu time', 'seconds'], ['Max file size', 'bytes'], ['Max data size', 'bytes'],
  ['Max stack size', 'bytes'], ['Max core file size', 'bytes'], ['Max resident set', 'bytes'],
  ['Max processes', 'processes'], ['Max open files', 'files'], ['Max locked memory', 'bytes'],
  ['Max address space', 'bytes'], ['Max file locks', 'locks'], ['Max pending signals', 'signals'],
  ['Max msgqueue size', 'bytes'], ['Max nice priority', ''], ['Max realtime priority', ''],
  ['Max realtime timeout', 'us'],
];

const shown = (v: bigint): string => (v >= RLIM_INFINITY ? 'unlimited' : String(v)).padEnd(20);

export function limits(proc: Process): Uint8Array {
  const lines = [`${'Limit'.padEnd(25)} ${'Soft Limit'.padEnd(20)} ${'Hard Limit'.padEnd(20)} ${'Units'.padEnd(10)}`];
  NAMES.forEach(([name, unit], resource) => {
    const [soft, hard] = processLimit(proc, resource);
    lines.push(`${name.padEnd(25)} ${shown(soft)} ${shown(hard)} ${unit ? unit.padEnd(10) : ''}`);
  });
  return Buffer.from(lines.map((l) => l + '\n').join(''));
}
