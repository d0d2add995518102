// Flag and constant names for --strace, in the order strace prints them
// (like strace's xlat tables). Values are the i386 Linux ones.
import { signalName } from '../faults/fault.js';
import {
  O_ACCMODE, O_APPEND, O_ASYNC, O_CLOEXEC, O_CREAT, O_DIRECT, O_DIRECTORY, O_DSYNC, O_EXCL, O_LARGEFILE, O_NOATIME,
  O_NOCTTY, O_NOFOLLOW, O_NONBLOCK, O_PATH, O_SYNC, O_TMPFILE, O_TRUNC,
} from '../abi/fcntl.js';

type Xlat = readonly (readonly [string, number])[];

const OPEN_ACCESS = ['O_RDONLY', 'O_WRONLY', 'O_RDWR', 'O_ACCMODE'];

const OPEN_FLAGS: Xlat = [
  ['O_CREAT', O_CREAT], ['O_EXCL', O_EXCL], ['O_NOCTTY', O_NOCTTY], ['O_TRUNC', O_TRUNC], ['O_APPEND', O_APPEND],
  ['O_NONBLOCK', O_NONBLOCK], ['O_SYNC', O_SYNC], ['O_DSYNC', O_DSYNC], ['O_ASYNC', O_ASYNC], ['O_DIRECT', O_DIRECT],
  ['O_LARGEFILE', O_LARGEFILE], ['O_DIRECTORY', O_DIRECTORY], ['O_NOFOLLOW', O_NOFOLLOW], ['O_NOATIME', O_NOATIME],
  ['O_CLOEXEC', O_CLOEXEC], ['O_PATH', O_PATH], ['O_TMPFILE', O_TMPFILE],
];

const PROT_FLAGS: Xlat = [
  ['PROT_READ', 0x1], ['PROT_WRITE', 0x2], ['PROT_EXEC', 0x4], ['PROT_SEM', 0x8],
  ['PROT_GROWSDOWN', 0x01000000], ['PROT_GROWSUP', 0x02000000],
];

const MAP_TYPES: Record<number, string> = { 1: 'MAP_SHARED', 2: 'MAP_PRIVATE', 3: 'MAP_SHARED_VALIDATE' };
const MAP_FLAGS: Xlat = [
  ['MAP_FIXED', 0x10], ['MAP_ANONYMOUS', 0x20], ['MAP_GROWSDOWN', 0x100], ['MAP_DENYWRITE', 0x800],
  ['MAP_EXECUTABLE', 0x1000], ['MAP_LOCKED', 0x2000], ['MAP_NORESERVE', 0x4000], ['MAP_POPULATE', 0x8000],
  ['MAP_NONBLOCK', 0x10000], ['MAP_STACK', 0x20000], ['MAP_HUGETLB', 0x40000], ['MAP_SYNC', 0x80000],
  ['MAP_FIXED_NOREPLACE', 0x100000], ['MAP_UNINITIALIZED', 0x4000000],
];

const popcount = (v: number): number => {
  let n = 0;
  for (let x = v >>> 0; x; x &= x - 1) n++;
  return n;
};

/**
 * Names of the flags set in `value`, in table order; flags made of several
 * bits (O_SYNC, O_TMPFILE) take their bits before the single-bit ones do.
 * Unknown bits are shown in hex at the end.
 */
function flagNames(value: number, table: Xlat): string[] {
  let rest = value >>> 0;
  const matched = new Set<string>();
  for (const pass of [true, false]) {
    for (const [name, bits] of table) {
      if ((popcount(bits) > 1) !== pass) continue;
      if (bits !== 0 && (rest & bits) === bits) {
        matched.add(name);
        rest = (rest & ~bits) >>> 0;
      }
    }
  }
  const names = table.filter(([name]) => matched.has(name)).map(([name]) => name);
  if (rest !== 0) names.push('0x' + rest.toString(16));
  return names;
}

/** open/openat flags: the access mode always comes first. */
export function openFlags(value: number): string {
  return [OPEN_ACCESS[value & O_ACCMODE], ...flagNames(value & ~O_ACCMODE, OPEN_FLAGS)].join('|');
}

/** Flags without an access mode (dup3, pipe2...): 0 when none. */
export function fdFlags(value: number): string {
  const names = flagNames(value, OPEN_FLAGS);
  return names.length === 0 ? '0' : names.join('|');
}

export function protFlags(value: number): string {
  const names = flagNames(value, PROT_FLAGS);
  return names.length === 0 ? 'PROT_NONE' : names.join('|');
}

export function mapFlags(value: number): string {
  const type = MAP_TYPES[value & 0xf] ?? '0x' + (value & 0xf).toString(16);
  return [type, ...flagNames(value & ~0xf, MAP_FLAGS)].join('|');
}

/** Signal numbers as strace shows them: SIGSEGV, SIGRTMIN, SIGRT_3, or the number. */
export function signalArg(value: number): string {
  const sig = value | 0;
  if (sig >= 1 && sig <= 31) return signalName(sig);
  if (sig === 32) return 'SIGRTMIN';
  if (sig > 32 && sig <= 64) return `SIGRT_${sig - 32}`;
  return String(sig);
}

/** File modes: octal with a leading 0, at least three digits (000, 0644, 04755). */
export function modeArg(value: number): string {
  return '0' + (value >>> 0).toString(8).padStart(2, '0');
}
