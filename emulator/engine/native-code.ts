// Tools for correcting Unicorn's own machine code in this process: find a
// libunicorn symbol, compare the bytes at it with the build we know, place
// replacement code in an executable page, and write jumps or NOPs over the
// original. Used by the x87 fixes; every caller verifies bytes first.
import koffi from 'koffi';
import { hostMmap as mmap, hostMprotect as mprotect, librarySymbol } from '../host/native.js';

const PAGE = 4096;
const PROT_RW = 3;
const PROT_RX = 5;
const PROT_RWX = 7;
const MAP_PRIVATE_ANONYMOUS = 0x22;

/** Address of a libunicorn symbol, or null. */
export function unicornSymbol(name: string): number | null {
  const fn = librarySymbol('libunicorn.so.2', name);
  return fn === null ? null : Number(koffi.address(fn));
}

/** Live view of process memory (code included). */
function view(address: number, length: number): Uint8Array {
  return new Uint8Array(koffi.view(BigInt(address), length));
}

export function hexAt(address: number, length: number): string {
  return Buffer.from(view(address, length)).toString('hex');
}

/** movabs $target,%rax; jmp *%rax (12 bytes, clobbers rax). */
export function absoluteJump(target: number): number[] {
  const bytes = new Uint8Array(12);
  bytes.set([0x48, 0xb8]);
  new DataView(bytes.buffer).setBigUint64(2, BigInt(target), true);
  bytes.set([0xff, 0xe0], 10);
  return [...bytes];
}

/** jmp *0(%rip) followed by the target (14 bytes): unlike absoluteJump, every register is kept. */
export function registerSafeJump(target: number): number[] {
  const bytes = new Uint8Array(14);
  bytes.set([0xff, 0x25, 0x00, 0x00, 0x00, 0x00]);
  new DataView(bytes.buffer).setBigUint64(6, BigInt(target), true);
  return [...bytes];
}

/** Whether `address` starts with a jump written by absoluteJump. */
export function isAbsoluteJump(address: number): boolean {
  const code = view(address, 12);
  return code[0] === 0x48 && code[1] === 0xb8 && code[10] === 0xff && code[11] === 0xe0;
}

/**
 * Copy each piece of code into a fresh executable area that lives as long as
 * the process; returns their addresses, or null. A piece may be a function
 * of its own address (to compute jumps back), called once.
 */
export function placeCode(pieces: Array<number[] | ((at: number) => number[])>): number[] | null {
  const sizes = pieces.map((p) => (typeof p === 'function' ? p(0).length : p.length));
  const slots = sizes.map((n) => (n + 15) & ~15);
  const total = slots.reduce((a, b) => a + b, 0);
  const area = mmap(null, total, PROT_RW, MAP_PRIVATE_ANONYMOUS, -1, 0);
  const base = area === null ? -1 : Number(koffi.address(area));
  if (base <= 0) return null;
  const bytes = new Uint8Array(koffi.view(area, total));
  const entries: number[] = [];
  let at = 0;
  pieces.forEach((p, i) => {
    const code = typeof p === 'function' ? p(base + at) : p;
    bytes.set(code, at);
    entries.push(base + at);
    at += slots[i];
  });
  return mprotect(base, total, PROT_RX) === 0 ? entries : null;
}

/** Overwrite code in place (making its pages writable for the moment). */
export function writeCode(address: number, code: number[]): boolean {
  const page = Math.floor(address / PAGE) * PAGE;
  const len = Math.ceil((address + code.length - page) / PAGE) * PAGE;
  if (mprotect(page, len, PROT_RWX) !== 0) return false;
  view(address, code.length).set(code);
  mprotect(page, len, PROT_RX);
  return true;
}
