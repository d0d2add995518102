// Guest strings and buffers as strace quotes them: C string literals with
// octal escapes, cut after strace's default -s 32 bytes with "...".
import type { GuestMemory } from '../memory/guest-memory.js';

/** Bytes of strings and buffers shown before "..." (strace's default -s 32). */
export const STRING_LIMIT = 32;

const ESCAPES: Record<number, string> = { 0x09: '\\t', 0x0a: '\\n', 0x0b: '\\v', 0x0c: '\\f', 0x0d: '\\r', 0x22: '\\"', 0x5c: '\\\\' };

/**
 * A C string literal as strace writes it: octal escapes, three digits when
 * a digit follows; with `hex`, every byte as \xNN (getrandom's bytes).
 */
export function quote(bytes: Uint8Array, limit = STRING_LIMIT, hex = false): string {
  let s = '"';
  const n = Math.min(bytes.length, limit);
  for (let i = 0; i < n; i++) {
    const b = bytes[i];
    if (hex) s += '\\x' + b.toString(16).padStart(2, '0');
    else if (ESCAPES[b]) s += ESCAPES[b];
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
export function cstringBytes(mem: GuestMemory, address: number, max: number): Uint8Array {
  const out: number[] = [];
  for (let a = address; out.length < max; a++) {
    const b = mem.u8(a);
    if (b === 0) break;
    out.push(b);
  }
  return Uint8Array.from(out);
}

/** `len` bytes of guest memory quoted (at most STRING_LIMIT shown). */
export function quoteBuffer(mem: GuestMemory, address: number, len: number, hex = false): string {
  return quote(mem.readable(address, Math.min(len, STRING_LIMIT + 1)), STRING_LIMIT, hex);
}

/** A number as C's %#x writes it: 0, or 0x and hex digits. */
export const hex = (n: number): string => (n === 0 ? '0' : '0x' + (n >>> 0).toString(16));

/** A guest pointer as strace shows one it does not follow: NULL or hex. */
export const pointer = (n: number): string => (n === 0 ? 'NULL' : hex(n));

/** Run `fn`; an unreadable guest pointer shows as the pointer itself. */
export function orPointer(address: number, fn: () => string): string {
  if (address === 0) return 'NULL';
  try {
    return fn();
  } catch {
    return hex(address);
  }
}
