// Typed access to guest memory for the syscall layer. Every access is checked
// against the guest's mappings: a bad pointer becomes EFAULT, never a host crash.
import { EFAULT, LinuxError } from '../abi/errno.js';
import { AddressSpace, PROT_READ, PROT_WRITE } from './address-space.js';

export class GuestMemory {
  readonly bytes: Uint8Array;
  readonly view: DataView;

  constructor(readonly space: AddressSpace) {
    this.bytes = space.memory.bytes;
    this.view = space.memory.view;
  }

  check(address: number, length: number, prot: number): void {
    if (!this.space.isAccessible(address >>> 0, length, prot)) throw new LinuxError(EFAULT, `bad address ${address}`);
    if (prot & PROT_WRITE && this.space.writeWatch && length > 0) this.space.writeWatch(address >>> 0, (address >>> 0) + length);
  }

  readable(address: number, length: number): Uint8Array {
    this.check(address, length, PROT_READ);
    return this.bytes.subarray(address, address + length);
  }

  writable(address: number, length: number): Uint8Array {
    this.check(address, length, PROT_WRITE);
    return this.bytes.subarray(address, address + length);
  }

  u8(a: number): number { this.check(a, 1, PROT_READ); return this.bytes[a]; }
  u16(a: number): number { this.check(a, 2, PROT_READ); return this.view.getUint16(a, true); }
  u32(a: number): number { this.check(a, 4, PROT_READ); return this.view.getUint32(a, true); }
  i32(a: number): number { this.check(a, 4, PROT_READ); return this.view.getInt32(a, true); }
  u64(a: number): bigint { this.check(a, 8, PROT_READ); return this.view.getBigUint64(a, true); }
  i64(a: number): bigint { this.check(a, 8, PROT_READ); return this.view.getBigInt64(a, true); }

  setU8(a: number, v: number): void { this.check(a, 1, PROT_WRITE); this.bytes[a] = v; }
  setU16(a: number, v: number): void { this.check(a, 2, PROT_WRITE); this.view.setUint16(a, v, true); }
  setU32(a: number, v: number): void { this.check(a, 4, PROT_WRITE); this.view.setUint32(a, v >>> 0, true); }
  setI32(a: number, v: number): void { this.check(a, 4, PROT_WRITE); this.view.setInt32(a, v, true); }
  setU64(a: number, v: bigint): void { this.check(a, 8, PROT_WRITE); this.view.setBigUint64(a, BigInt.asUintN(64, v), true); }

  write(a: number, data: Uint8Array): void {
    this.check(a, data.length, PROT_WRITE);
    this.bytes.set(data, a);
  }

  /** NUL-terminated string of at most `max` bytes (ENAMETOOLONG is the caller's call). */
  cstring(a: number, max = 4096): string {
    const start = a >>> 0;
    let end = start;
    for (;;) {
      if (end - start >= max) throw new LinuxError(36, 'string too long');
      if (end % 4096 === 0 || end === start) this.check(end, 1, PROT_READ);
      if (this.bytes[end] === 0) break;
      end++;
    }
    return Buffer.from(this.bytes.buffer, this.bytes.byteOffset + start, end - start).toString('utf8');
  }

  /** Raw bytes of a NUL-terminated string (paths need not be UTF-8). */
  cstringBytes(a: number, max = 4096): Uint8Array {
    const start = a >>> 0;
    let end = start;
    for (;;) {
      if (end - start >= max) throw new LinuxError(36, 'string too long');
      if (end % 4096 === 0 || end === start) this.check(end, 1, PROT_READ);
      if (this.bytes[end] === 0) break;
      end++;
    }
    return this.bytes.slice(start, end);
  }

  /** NULL-terminated array of pointers (argv-like). */
  pointerArray(a: number, max = 65536): number[] {
    const out: number[] = [];
    for (let i = 0; i < max; i++) {
      const p = this.u32(a + 4 * i);
      if (p === 0) return out;
      out.push(p);
    }
    throw new LinuxError(7, 'argument list too long');
  }
}
