// File-system statistics: the host's x86-64 struct statfs (what host
// statfs() fills) and the guest's i386 struct statfs64 (84 bytes, 64-bit
// counters packed to 4 bytes) and struct statfs (64 bytes, 32-bit counters).
import type { GuestMemory } from '../memory/guest-memory.js';

export const HOST_STATFS_SIZE = 120;
export const STATFS64_SIZE = 84;
export const STATFS_SIZE = 64;

export interface StatfsInfo {
  type: bigint;
  bsize: bigint;
  blocks: bigint;
  bfree: bigint;
  bavail: bigint;
  files: bigint;
  ffree: bigint;
  fsid: [number, number];
  namelen: bigint;
  frsize: bigint;
  flags: bigint;
}

/** Decode the host's struct statfs (every field a 64-bit long, fsid two ints). */
export function parseHostStatfs(b: Buffer): StatfsInfo {
  const q = (i: number): bigint => b.readBigInt64LE(8 * i);
  return {
    type: q(0), bsize: q(1), blocks: q(2), bfree: q(3), bavail: q(4), files: q(5), ffree: q(6),
    fsid: [b.readInt32LE(56), b.readInt32LE(60)], namelen: q(8), frsize: q(9), flags: q(10),
  };
}

const u32 = (v: bigint): number => Number(BigInt.asUintN(32, v));

export function writeStatfs64(mem: GuestMemory, addr: number, s: StatfsInfo): void {
  const b = mem.writable(addr, STATFS64_SIZE);
  const v = new DataView(b.buffer, b.byteOffset, STATFS64_SIZE);
  b.fill(0);
  v.setUint32(0, u32(s.type), true);
  v.setUint32(4, u32(s.bsize), true);
  [s.blocks, s.bfree, s.bavail, s.files, s.ffree].forEach((n, i) => v.setBigUint64(8 + 8 * i, BigInt.asUintN(64, n), true));
  v.setInt32(48, s.fsid[0], true);
  v.setInt32(52, s.fsid[1], true);
  v.setUint32(56, u32(s.namelen), true);
  v.setUint32(60, u32(s.frsize), true);
  v.setUint32(64, u32(s.flags), true);
}

/** Returns false when a counter does not fit 32 bits (the kernel's EOVERFLOW). */
export function writeStatfs(mem: GuestMemory, addr: number, s: StatfsInfo): boolean {
  const counters = [s.blocks, s.bfree, s.bavail, s.files, s.ffree];
  if (counters.some((n) => n > 0xffffffffn && n !== 0xffffffffffffffffn)) return false;
  const b = mem.writable(addr, STATFS_SIZE);
  const v = new DataView(b.buffer, b.byteOffset, STATFS_SIZE);
  b.fill(0);
  v.setUint32(0, u32(s.type), true);
  v.setUint32(4, u32(s.bsize), true);
  counters.forEach((n, i) => v.setUint32(8 + 4 * i, u32(n), true));
  v.setInt32(28, s.fsid[0], true);
  v.setInt32(32, s.fsid[1], true);
  v.setUint32(36, u32(s.namelen), true);
  v.setUint32(40, u32(s.frsize), true);
  v.setUint32(44, u32(s.flags), true);
  return true;
}
