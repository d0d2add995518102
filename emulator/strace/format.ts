// strace-style lines: name(args) = result, with arguments decoded the way
// strace shows them (symbolic flags, AT_FDCWD, quoted buffers, structures,
// errors as "-1 ENOENT (No such file or directory)").
//
// A call is shown in two parts, as strace prints it: what it was given,
// read when it starts, and what it returned (output buffers and structures,
// the result), read when it ends. Most lines join the two; a call that
// waits while another thread's line is printed is cut in two,
// "read(3,  <unfinished ...>" and "<... read resumed>"hi", 64) = 2".
import type { SyscallContext, SyscallRow } from '../syscalls/types.js';
import { describeErrno } from './errno.js';
import { CALL_DECODERS } from './calls.js';
import { kindArgs, type ArgText, type CallView } from './kinds.js';


/** How strace decodes one call: its arguments, and what follows its result. */
export interface CallDecoder {
  args(v: CallView): ArgText[];
  /** The result as shown, when it is not the plain number (fcntl's "0x402", umask's "022"). */
  result?(v: CallView, result: number): string | undefined;
  /** Text after a successful result: " (flags O_RDWR)", " ([{fd=3, revents=POLLIN}])", " (Timeout)". */
  note?(v: CallView, result: number): string | undefined;
}

/** The decoder the row's argument kinds make. */
const byKinds: CallDecoder = { args: (v) => kindArgs(v) };

function decoderFor(row: SyscallRow): CallDecoder {
  return CALL_DECODERS[row.name] ?? byKinds;
}

function render(parts: ArgText[], from: number, to: number): string {
  let s = '';
  for (let i = from; i < to; i++) {
    const p = parts[i];
    const text = safeShow(p.show);
    s += (i === from ? '' : p.glue ?? ', ') + text;
  }
  return s;
}

function safeShow(show: () => string): string {
  try {
    return show();
  } catch {
    return '?';
  }
}

/** Calls that do not return to the caller: strace shows their result as "?". */
const NO_RETURN = new Set(['exit', 'exit_group', 'execve', 'execveat']);

/** The result as strace words it, after "= ". */
export function resultText(ctx: SyscallContext, row: SyscallRow, args: readonly number[], result: number, saved?: Map<number, unknown>): string {
  if (NO_RETURN.has(row.name) && (row.name.startsWith('exit') || result === 0)) return '?';
  if (result < 0 && result > -4096) return `-1 ${describeErrno(-result)}`;
  const decoder = decoderFor(row);
  const v: CallView = { ctx, row, args, result, saved };
  const shown = safeResult(() => decoder.result?.(v, result)) ?? (row.hexResult ? '0x' + (result >>> 0).toString(16) : String(result));
  return shown + (safeResult(() => decoder.note?.(v, result)) ?? '');
}

function safeResult(fn: () => string | undefined): string | undefined {
  try {
    return fn();
  } catch {
    return undefined;
  }
}

/** The exit half alone: the output arguments and ")" (for "<... name resumed>"). */
export function resumedText(ctx: SyscallContext, row: SyscallRow, args: readonly number[], result: number, saved?: Map<number, unknown>): string {
  const parts = decoderFor(row).args({ ctx, row, args, result, saved });
  let cut = parts.findIndex((p) => p.exit);
  if (cut < 0) cut = parts.length;
  return `${render(parts, cut, parts.length)})`;
}

/**
 * The entry half alone: "name(" and the arguments given, up to the first
 * output one; what the exit half needs is read into `saved`.
 */
export function entryText(ctx: SyscallContext, row: SyscallRow, args: readonly number[], saved?: Map<number, unknown>): string {
  const parts = decoderFor(row).args({ ctx, row, args, saved });
  let cut = parts.findIndex((p) => p.exit);
  if (cut < 0) cut = parts.length;
  const glue = cut < parts.length && cut > 0 ? (parts[cut].glue ?? ', ') : '';
  return `${row.name}(${render(parts, 0, cut)}${glue}`;
}
