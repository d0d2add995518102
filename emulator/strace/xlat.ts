// Flag and constant names for --strace, in the order strace prints them
// (like strace's xlat tables), and the two ways strace prints them: a set
// of flags ("A|B|0x40") and one value among several ("SEEK_SET").
// Values are the i386 Linux ones.
import { signalName } from '../faults/fault.js';
import {
  O_ACCMODE, O_APPEND, O_ASYNC, O_CLOEXEC, O_CREAT, O_DIRECT, O_DIRECTORY, O_DSYNC, O_EXCL, O_LARGEFILE, O_NOATIME,
  O_NOCTTY, O_NOFOLLOW, O_NONBLOCK, O_PATH, O_SYNC, O_TMPFILE, O_TMPFILE_BIT, O_TRUNC,
} from '../abi/fcntl.js';

export type Xlat = readonly (readonly [string, number])[];

/**
 * strace's printflags: the entries in table order, each taking its bits
 * when all of them are set; bits no entry took follow in hex; `none` when
 * the value is 0.
 */
export function flags(value: number, table: Xlat, none = '0', unknown?: string): string {
  let rest = value >>> 0;
  if (rest === 0) return none;
  // no bit known: the value with strace's comment naming the family ("0x1 /* O_??? */")
  if (unknown !== undefined && !table.some(([, bits]) => bits !== 0 && ((value >>> 0) & bits) >>> 0 === bits >>> 0)) {
    return `0x${rest.toString(16)} /* ${unknown} */`;
  }
  const names: string[] = [];
  for (const [name, bits] of table) {
    if (bits !== 0 && (rest & bits) >>> 0 === bits >>> 0) {
      names.push(name);
      rest = (rest & ~bits) >>> 0;
    }
  }
  if (rest !== 0) names.push('0x' + rest.toString(16));
  return names.join('|');
}

/** One value among several: its name, or `fallback` (decimal by default). */
export function named(value: number, table: Xlat, fallback?: string): string {
  for (const [name, v] of table) if (v === value) return name;
  return fallback ?? String(value | 0);
}

/** One value among several, an unknown one in hex with strace's comment naming the family (F_???). */
export function namedOr(value: number, table: Xlat, unknown: string): string {
  return named(value, table, `0x${(value >>> 0).toString(16)} /* ${unknown} */`);
}

const OPEN_ACCESS = ['O_RDONLY', 'O_WRONLY', 'O_RDWR', 'O_ACCMODE'];

// strace's order: a flag made of several bits before the bits it is made of
const OPEN_FLAGS: Xlat = [
  ['O_CREAT', O_CREAT], ['O_EXCL', O_EXCL], ['O_NOCTTY', O_NOCTTY], ['O_TRUNC', O_TRUNC], ['O_APPEND', O_APPEND],
  ['O_NONBLOCK', O_NONBLOCK], ['O_SYNC', O_SYNC], ['__O_SYNC', O_SYNC & ~O_DSYNC], ['O_DSYNC', O_DSYNC],
  ['O_DIRECT', O_DIRECT], ['O_LARGEFILE', O_LARGEFILE], ['O_NOFOLLOW', O_NOFOLLOW], ['O_NOATIME', O_NOATIME],
  ['O_CLOEXEC', O_CLOEXEC], ['O_PATH', O_PATH], ['O_TMPFILE', O_TMPFILE], ['__O_TMPFILE', O_TMPFILE_BIT],
  ['O_DIRECTORY', O_DIRECTORY], ['FASYNC', O_ASYNC],
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

/** open/openat flags: the access mode always comes first. */
export function openFlags(value: number): string {
  const rest = value & ~O_ACCMODE;
  return rest === 0 ? OPEN_ACCESS[value & O_ACCMODE] : `${OPEN_ACCESS[value & O_ACCMODE]}|${flags(rest, OPEN_FLAGS)}`;
}

/** Flags without an access mode (dup3, pipe2...): 0 when none. */
export function fdFlags(value: number): string {
  return flags(value, OPEN_FLAGS, '0', 'O_???');
}

export function protFlags(value: number): string {
  return flags(value, PROT_FLAGS, 'PROT_NONE');
}

export function mapFlags(value: number): string {
  const type = MAP_TYPES[value & 0xf] ?? '0x' + (value & 0xf).toString(16);
  const rest = value & ~0xf;
  return rest === 0 ? type : `${type}|${flags(rest, MAP_FLAGS)}`;
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
