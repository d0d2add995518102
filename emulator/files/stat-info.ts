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
