// Guest layouts of the metadata structs: i386 struct stat64 (96 bytes) and
// struct statx (256 bytes, the same on every architecture), written at fixed
// offsets.
import type { StatInfo } from '../files/description.js';
import type { GuestMemory } from '../memory/guest-memory.js';

export const STAT64_SIZE = 96;
export const STATX_SIZE = 256;

export const STATX_TYPE = 0x1;
export const STATX_MODE = 0x2;
export const STATX_NLINK = 0x4;
export const STATX_UID = 0x8;
export const STATX_GID = 0x10;
export const STATX_ATIME = 0x20;
export const STATX_MTIME = 0x40;
export const STATX_CTIME = 0x80;
export const STATX_INO = 0x100;
export const STATX_SIZE_BIT = 0x200;
export const STATX_BLOCKS = 0x400;
export const STATX_BASIC_STATS = 0x7ff;
export const STATX_BTIME = 0x800;
export const STATX__RESERVED = 0x80000000;

/** Kernel dev_t encoding (new_encode_dev): major and minor numbers. */
export function majorOf(dev: bigint): number {
  return Number(((dev >> 8n) & 0xfffn) | ((dev >> 32n) & ~0xfffn));
}

export function minorOf(dev: bigint): number {
  return Number((dev & 0xffn) | ((dev >> 12n) & ~0xffn));
}

export function writeStat64(mem: GuestMemory, addr: number, st: StatInfo): void {
  const b = mem.writable(addr, STAT64_SIZE);
  const v = new DataView(b.buffer, b.byteOffset, STAT64_SIZE);
  b.fill(0);
  v.setBigUint64(0, BigInt.asUintN(64, st.dev), true);
  v.setUint32(12, Number(st.ino & 0xffffffffn), true);
  v.setUint32(16, st.mode >>> 0, true);
  v.setUint32(20, st.nlink >>> 0, true);
  v.setUint32(24, st.uid >>> 0, true);
  v.setUint32(28, st.gid >>> 0, true);
  v.setBigUint64(32, BigInt.asUintN(64, st.rdev), true);
  v.setBigInt64(44, st.size, true);
  v.setUint32(52, st.blksize >>> 0, true);
  v.setBigUint64(56, BigInt.asUintN(64, st.blocks), true);
  v.setUint32(64, st.atime.sec >>> 0, true);
  v.setUint32(68, st.atime.nsec >>> 0, true);
  v.setUint32(72, st.mtime.sec >>> 0, true);
  v.setUint32(76, st.mtime.nsec >>> 0, true);
  v.setUint32(80, st.ctime.sec >>> 0, true);
  v.setUint32(84, st.ctime.nsec >>> 0, true);
  v.setBigUint64(88, BigInt.asUintN(64, st.ino), true);
}

/** statx for objects the host cannot describe (pipes, /proc files). */
export function writeStatx(mem: GuestMemory, addr: number, st: StatInfo): void {
  const b = mem.writable(addr, STATX_SIZE);
  const v = new DataView(b.buffer, b.byteOffset, STATX_SIZE);
  b.fill(0);
  v.setUint32(0, STATX_BASIC_STATS, true);
  v.setUint32(4, st.blksize >>> 0, true);
  v.setUint32(16, st.nlink >>> 0, true);
  v.setUint32(20, st.uid >>> 0, true);
  v.setUint32(24, st.gid >>> 0, true);
  v.setUint16(28, st.mode & 0xffff, true);
  v.setBigUint64(32, BigInt.asUintN(64, st.ino), true);
  v.setBigUint64(40, BigInt.asUintN(64, st.size), true);
  v.setBigUint64(48, BigInt.asUintN(64, st.blocks), true);
  const times: [number, { sec: number; nsec: number }][] = [[64, st.atime], [80, st.birthtime], [96, st.ctime], [112, st.mtime]];
  for (const [off, t] of times) {
    v.setBigInt64(off, BigInt(t.sec), true);
    v.setUint32(off + 8, t.nsec >>> 0, true);
  }
  v.setUint32(128, majorOf(st.rdev), true);
  v.setUint32(132, minorOf(st.rdev), true);
  v.setUint32(136, majorOf(st.dev), true);
  v.setUint32(140, minorOf(st.dev), true);
}
