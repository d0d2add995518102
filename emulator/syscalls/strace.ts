// strace-style lines: name(args) = result, with arguments decoded by kind.
import { errnoName } from '../abi/errno.js';
import type { ArgKind, SyscallContext, SyscallRow } from './types.js';

const hex = (n: number): string => '0x' + (n >>> 0).toString(16);

function quote(bytes: Uint8Array, limit = 32): string {
  let s = '"';
  const n = Math.min(bytes.length, limit);
  for (let i = 0; i < n; i++) {
    const b = bytes[i];
    if (b === 0x0a) s += '\\n';
    else if (b === 0x09) s += '\\t';
    else if (b === 0x22) s += '\\"';
    else if (b === 0x5c) s += '\\\\';
    else if (b >= 0x20 && b < 0x7f) s += String.fromCharCode(b);
    else s += '\\' + b.toString(8);
  }
  return s + '"' + (bytes.length > limit ? '...' : '');
}

function safe<T>(fn: () => T, fallback: string): T | string {
  try {
    return fn();
  } catch {
    return fallback;
  }
}

export function formatArg(ctx: SyscallContext, kind: ArgKind, value: number, args: readonly number[], index: number): string {
  switch (kind) {
    case 'int': case 'fd': return String(value | 0);
    case 'dirfd': return (value | 0) === -100 ? 'AT_FDCWD' : String(value | 0);
    case 'uint': case 'size': case 'off': return String(value >>> 0);
    case 'mode': return '0' + (value >>> 0).toString(8);
    case 'str': return value === 0 ? 'NULL' : String(safe(() => quote(Buffer.from(ctx.mem.cstring(value)), 256), hex(value)));
    case 'buf': {
      const len = args[index + 1] >>> 0;
      return value === 0 ? 'NULL' : String(safe(() => quote(ctx.mem.readable(value, Math.min(len, 64))), hex(value)));
    }
    case 'strarray': return value === 0 ? 'NULL' : String(safe(() => '[' + ctx.mem.pointerArray(value, 64).map((p) => quote(Buffer.from(ctx.mem.cstring(p)))).join(', ') + ']', hex(value)));
    case 'ptr': case 'outbuf': return value === 0 ? 'NULL' : hex(value);
    default: return hex(value);
  }
}

export function formatCall(ctx: SyscallContext, row: SyscallRow, args: readonly number[]): string {
  return `${row.name}(${row.args.map((k, i) => formatArg(ctx, k, args[i], args, i)).join(', ')})`;
}

export function formatResult(ctx: SyscallContext, row: SyscallRow, args: readonly number[], result: number): string {
  if (result < 0 && result > -4096) return `-1 ${errnoName(-result)}`;
  // for reads, show what was read
  const outIndex = row.args.indexOf('outbuf');
  if (outIndex >= 0 && result > 0 && row.args[outIndex + 1] === 'size') {
    return `${result}` + String(safe(() => ` ${quote(ctx.mem.readable(args[outIndex], Math.min(result, 64)))}`, ''));
  }
  return row.hexResult ? hex(result) : String(result);
}
