// Linux i386 constants of the file API (fcntl.h, stat.h, the *at() flags)
// and the two guest layouts of struct flock, read and written at fixed offsets.
import type { GuestMemory } from '../memory/guest-memory.js';

export const AT_FDCWD = -100;
export const AT_SYMLINK_NOFOLLOW = 0x100;
export const AT_REMOVEDIR = 0x200;
export const AT_EACCESS = 0x200;
export const AT_SYMLINK_FOLLOW = 0x400;
export const AT_NO_AUTOMOUNT = 0x800;
export const AT_EMPTY_PATH = 0x1000;
export const AT_STATX_SYNC_TYPE = 0x6000;

export const O_ACCMODE = 3;
export const O_RDONLY = 0;
export const O_WRONLY = 1;
export const O_RDWR = 2;
export const O_CREAT = 0o100;
export const O_EXCL = 0o200;
export const O_NOCTTY = 0o400;
export const O_TRUNC = 0o1000;
export const O_APPEND = 0o2000;
export const O_NONBLOCK = 0o4000;
export const O_DSYNC = 0o10000;
export const O_DIRECTORY = 0o200000;
export const O_NOFOLLOW = 0o400000;
export const O_CLOEXEC = 0o2000000;
export const O_PATH = 0o10000000;
export const O_LARGEFILE = 0o100000;
export const O_DIRECT = 0o40000;
export const O_NOATIME = 0o1000000;
export const O_SYNC = 0o4010000;
export const O_ASYNC = 0o20000;
/** O_TMPFILE as the guest passes it: the bit plus O_DIRECTORY. */
export const O_TMPFILE = 0o20200000;
export const O_TMPFILE_BIT = 0o20000000;

export const S_IFMT = 0o170000;
export const S_IFSOCK = 0o140000;
export const S_IFLNK = 0o120000;
export const S_IFREG = 0o100000;
export const S_IFBLK = 0o60000;
export const S_IFDIR = 0o40000;
export const S_IFCHR = 0o20000;
export const S_IFIFO = 0o10000;

export const F_OK = 0;
export const X_OK = 1;
export const W_OK = 2;
export const R_OK = 4;

export const SEEK_SET = 0;
export const SEEK_CUR = 1;
export const SEEK_END = 2;

export const F_DUPFD = 0;
export const F_GETFD = 1;
export const F_SETFD = 2;
export const F_GETFL = 3;
export const F_SETFL = 4;
export const F_GETLK = 5;
export const F_SETLK = 6;
export const F_SETLKW = 7;
export const F_SETOWN = 8;
export const F_GETOWN = 9;
export const F_GETLK64 = 12;
export const F_SETLK64 = 13;
export const F_SETLKW64 = 14;
export const F_OFD_GETLK = 36;
export const F_OFD_SETLK = 37;
export const F_OFD_SETLKW = 38;
export const F_DUPFD_CLOEXEC = 1030;
export const F_SETPIPE_SZ = 1031;
export const F_GETPIPE_SZ = 1032;
export const FD_CLOEXEC = 1;

export const F_RDLCK = 0;
export const F_WRLCK = 1;
export const F_UNLCK = 2;

export const LOCK_SH = 1;
export const LOCK_EX = 2;
export const LOCK_NB = 4;
export const LOCK_UN = 8;

export const RENAME_NOREPLACE = 1;
export const RENAME_EXCHANGE = 2;
export const RENAME_WHITEOUT = 4;

export const UTIME_NOW = (1 << 30) - 1;
export const UTIME_OMIT = (1 << 30) - 2;

export const CLOSE_RANGE_CLOEXEC = 4;
export const CLOSE_RANGE_UNSHARE = 2;

/** struct flock / flock64 contents, offsets as 64-bit values. */
export interface FlockInfo {
  type: number;
  whence: number;
  start: bigint;
  len: bigint;
  pid: number;
}

// struct flock:   short l_type, l_whence; long l_start, l_len; int l_pid       (16 bytes)
// struct flock64: short l_type, l_whence; long long l_start, l_len; int l_pid  (24, packed to 4)
export function readFlock(mem: GuestMemory, addr: number, wide: boolean): FlockInfo {
  const type = (mem.u16(addr) << 16) >> 16;
  const whence = (mem.u16(addr + 2) << 16) >> 16;
  if (wide) return { type, whence, start: mem.i64(addr + 4), len: mem.i64(addr + 12), pid: mem.i32(addr + 20) };
  return { type, whence, start: BigInt(mem.i32(addr + 4)), len: BigInt(mem.i32(addr + 8)), pid: mem.i32(addr + 12) };
}

/** Returns false when the values do not fit the 32-bit struct (EOVERFLOW). */
export function writeFlock(mem: GuestMemory, addr: number, wide: boolean, f: FlockInfo): boolean {
  if (wide) {
    mem.setU16(addr, f.type & 0xffff);
    mem.setU16(addr + 2, f.whence & 0xffff);
    mem.setU64(addr + 4, f.start);
    mem.setU64(addr + 12, f.len);
    mem.setI32(addr + 20, f.pid);
    return true;
  }
  const fits = (v: bigint): boolean => v >= -(2n ** 31n) && v < 2n ** 31n;
  if (!fits(f.start) || !fits(f.len)) return false;
  mem.setU16(addr, f.type & 0xffff);
  mem.setU16(addr + 2, f.whence & 0xffff);
  mem.setI32(addr + 4, Number(f.start));
  mem.setI32(addr + 8, Number(f.len));
  mem.setI32(addr + 12, f.pid);
  return true;
}
