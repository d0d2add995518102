// Converting host file metadata into StatInfo.
import fs from 'node:fs';
import { StatInfo, Timespec } from './description.js';

function ts(ns: bigint): Timespec {
  return { sec: Number(ns / 1_000_000_000n), nsec: Number(ns % 1_000_000_000n) };
}

export function statFromHost(s: fs.BigIntStats): StatInfo {
  return {
    dev: s.dev, ino: s.ino, mode: Number(s.mode), nlink: Number(s.nlink), uid: Number(s.uid), gid: Number(s.gid),
    rdev: s.rdev, size: s.size, blksize: Number(s.blksize), blocks: s.blocks,
    atime: ts(s.atimeNs), mtime: ts(s.mtimeNs), ctime: ts(s.ctimeNs), birthtime: ts(s.birthtimeNs),
  };
}

/** Metadata for objects that exist only inside the emulator (pipes, sockets, epoll). */
export function syntheticStat(mode: number, ino: number): StatInfo {
  const now = Date.now();
  const t = { sec: Math.floor(now / 1000), nsec: (now % 1000) * 1_000_000 };
  return {
    dev: 0x0cn, ino: BigInt(ino), mode, nlink: 1, uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0,
    rdev: 0n, size: 0n, blksize: 4096, blocks: 0n, atime: t, mtime: t, ctime: t, birthtime: t,
  };
}

/** Size of the host's struct statx. */
export const HOST_STATX_SIZE = 256;

/** glibc's makedev(), as Node's fs.Stats reports dev and rdev. */
function makedev(major: number, minor: number): bigint {
  const ma = BigInt(major >>> 0);
  const mi = BigInt(minor >>> 0);
  return ((ma & 0xfffff000n) << 32n) | ((ma & 0xfffn) << 8n) | ((mi & 0xffffff00n) << 12n) | (mi & 0xffn);
}

function stamp(b: Buffer, at: number): Timespec {
  return { sec: Number(b.readBigInt64LE(at)), nsec: b.readUInt32LE(at + 8) };
}

/** StatInfo from the host's struct statx (as filled by statx(2) with STATX_BASIC_STATS). */
export function statFromStatx(b: Buffer): StatInfo {
  return {
    dev: makedev(b.readUInt32LE(136), b.readUInt32LE(140)),
    ino: b.readBigUInt64LE(32),
    mode: b.readUInt16LE(28),
    nlink: b.readUInt32LE(16),
    uid: b.readUInt32LE(20),
    gid: b.readUInt32LE(24),
    rdev: makedev(b.readUInt32LE(128), b.readUInt32LE(132)),
    size: b.readBigUInt64LE(40),
    blksize: b.readUInt32LE(4),
    blocks: b.readBigUInt64LE(48),
    atime: stamp(b, 64),
    mtime: stamp(b, 112),
    ctime: stamp(b, 96),
    birthtime: stamp(b, 80),
  };
}
