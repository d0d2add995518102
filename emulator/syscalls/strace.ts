// strace-style lines: name(args) = result, with arguments decoded by kind the
// way strace shows them (symbolic flags, AT_FDCWD, quoted buffers, errors as
// "-1 ENOENT (No such file or directory)").
import type { ArgKind, SyscallContext, SyscallRow } from './types.js';
import { describeErrno } from './strace-errno.js';
import { fdFlags, mapFlags, modeArg, openFlags, protFlags, signalArg } from './strace-xlat.js';
import { O_CREAT, O_TMPFILE } from '../abi/fcntl.js';

const hex = (n: number): string => '0x' + (n >>> 0).toString(16);

/** Bytes of strings and buffers shown before "..." (strace's default -s 32). */
const STRING_LIMIT = 32;

const ESCAPES: Record<number, string> = { 0x09: '\\t', 0x0a: '\\n', 0x0b: '\\v', 0x0c: '\\f', 0x0d: '\\r', 0x22: '\\"', 0x5c: '\\\\' };

/** A C string literal as strace writes it: octal escapes, three digits when a digit follows. */
function quote(bytes: Uint8Array, limit = STRING_LIMIT): string {
  let s = '"';
  const n = Math.min(bytes.length, limit);
  for (let i = 0; i < n; i++) {
    const b = bytes[i];
    if (ESCAPES[b]) s += ESCAPES[b];
    else if (b >= 0x20 && b < 0x7f) s += String.fromCharCode(b);
    else {
      const next = i + 1 < n ? bytes[i + 1] : -1;
      const octal = b.toString(8);
      s += '\\' + (next >= 0x30 && next <= 0x37 ? octal.padStart(3, '0') : octal);
    }
  }
  return s + '"' + (bytes.length > limit ? '...' : '');
}

/** The bytes of a NUL-terminated guest string, up to `max` (throws EFAULT on a bad pointer). */
function cstringBytes(ctx: SyscallContext, address: number, max: number): Uint8Array {
  const out: number[] = [];
  for (let a = address; out.length < max; a++) {
    const b = ctx.mem.u8(a);
    if (b === 0) break;
    out.push(b);
  }
  return Uint8Array.from(out);
}

function safe(fn: () => string, fallback: string): string {
  try {
    return fn();
  } catch {
    return fallback;
  }
}

const isOpen = (row: SyscallRow): boolean => row.name === 'open' || row.name === 'openat' || row.name === 'openat2' || row.name === 'mq_open';

/** strace leaves out an open's mode unless the flags create a file. */
function omitted(row: SyscallRow, index: number, args: readonly number[]): boolean {
  if (row.args[index] !== 'mode' || index === 0 || row.args[index - 1] !== 'oflags') return false;
  return (args[index - 1] & (O_CREAT | O_TMPFILE)) === 0;
}

function formatArg(ctx: SyscallContext, row: SyscallRow, index: number, args: readonly number[], result: number | undefined): string {
  const kind: ArgKind = row.args[index];
  const value = args[index];
  switch (kind) {
    case 'int': case 'fd': return String(value | 0);
    case 'dirfd': return (value | 0) === -100 ? 'AT_FDCWD' : String(value | 0);
    case 'uint': case 'size': return String(value >>> 0);
    // mmap2 takes its offset in pages; strace shows bytes
    case 'off': return row.name === 'mmap2' && value !== 0 ? hex(value * 4096) : String(value >>> 0);
    case 'mode': return modeArg(value);
    case 'oflags': return isOpen(row) ? openFlags(value) : fdFlags(value);
    case 'prot': return protFlags(value);
    case 'mapflags': return mapFlags(value);
    case 'signal': return signalArg(value);
    case 'str': return value === 0 ? 'NULL' : safe(() => quote(cstringBytes(ctx, value, 4097), 4096), hex(value));
    case 'buf': {
      const len = args[index + 1] >>> 0;
      return value === 0 ? 'NULL' : safe(() => quote(ctx.mem.readable(value, Math.min(len, STRING_LIMIT + 1))), hex(value));
    }
    case 'outbuf': {
      // what was read, once the call has returned how much
      if (value === 0) return 'NULL';
      if (result === undefined || result < 0 || row.args[index + 1] !== 'size') return hex(value);
      return safe(() => quote(ctx.mem.readable(value, Math.min(result, STRING_LIMIT + 1))), hex(value));
    }
    case 'strarray': return value === 0 ? 'NULL' : safe(() => '[' + ctx.mem.pointerArray(value, 64).map((p) => quote(cstringBytes(ctx, p, STRING_LIMIT + 1))).join(', ') + ']', hex(value));
    case 'ptr': return value === 0 ? 'NULL' : hex(value);
    default: return hex(value);
  }
}

/** strace starts "= result" at this column when the call is shorter. */
const RESULT_COLUMN = 40;

/**
 * `name(args)`, padded so that a following " = " lands where strace puts it;
 * with the result, output buffers show what was read.
 */
export function formatCall(ctx: SyscallContext, row: SyscallRow, args: readonly number[], result?: number): string {
  const shown: string[] = [];
  for (let i = 0; i < row.args.length; i++) {
    if (!omitted(row, i, args)) shown.push(formatArg(ctx, row, i, args, result));
  }
  return `${taskPrefix(ctx)}${row.name}(${shown.join(', ')})`.padEnd(RESULT_COLUMN - 1);
}

/**
 * strace -f's "[pid  1234] " before every line once the program has more
 * than one thread: which thread made the call.
 */
function taskPrefix(ctx: SyscallContext): string {
  const { proc, thread } = ctx;
  if (proc.threads.length <= 1 && thread === proc.mainThread) return '';
  return `[pid ${String(thread.tid).padStart(5)}] `;
}

/** Calls that do not return to the caller: strace shows their result as "?". */
const NO_RETURN = new Set(['exit', 'exit_group', 'execve', 'execveat']);

/**
 * The result: "-1 ENOENT (No such file or directory)" for errors. Unless
 * `dataShown` (formatCall had the result), a read's data follows the count.
 */
export function formatResult(ctx: SyscallContext, row: SyscallRow, args: readonly number[], result: number, dataShown = false): string {
  if (NO_RETURN.has(row.name) && (row.name.startsWith('exit') || result === 0)) return '?';
  if (result < 0 && result > -4096) return `-1 ${describeErrno(-result)}`;
  const outIndex = row.args.indexOf('outbuf');
  if (!dataShown && outIndex >= 0 && result > 0 && row.args[outIndex + 1] === 'size') {
    return `${result}` + safe(() => ` ${quote(ctx.mem.readable(args[outIndex], Math.min(result, STRING_LIMIT + 1)))}`, '');
  }
  return row.hexResult ? hex(result) : String(result);
}
