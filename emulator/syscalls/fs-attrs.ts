// Changing files in place: mode, owner, size, timestamps, space, and
// flushing. Each change passes the Vfs write policy first; ownership and
// permission checks are the host kernel's, as for any unprivileged change.
import fs from 'node:fs';
import { EBADF, EFAULT, EINVAL, EISDIR, ENODEV, ENOENT, EPERM, EROFS, ESPIPE, LinuxError } from '../abi/errno.js';
import { AT_EMPTY_PATH, AT_FDCWD, AT_SYMLINK_NOFOLLOW, UTIME_NOW, UTIME_OMIT } from '../abi/fcntl.js';
import { FileDescription, O_PATH } from '../files/description.js';
import { HostFile } from '../files/host-file.js';
import { PipeEnd } from '../files/pipe.js';
import { hostFallocate, hostUtimens } from '../host/file-calls.js';
import { pathArg, withLookup } from '../files/lookup.js';
import { descriptionMayChange, procFdPath, withObjectFd } from '../files/host-objects.js';
import { HOST_AT_SYMLINK_NOFOLLOW, hostFchownAt, hostUtimensAt } from '../host/fs-at.js';
import type { Resolved } from '../files/vfs.js';
import { fdOf } from './fs-io.js';
import { row, SyscallContext, SyscallRow } from './types.js';
import { truncateLimit } from './fsize-limit.js';

/** Throws EROFS unless the policy lets the guest change the looked-up object. */
function checkChangeable(ctx: SyscallContext, r: Resolved): void {
  if (r.node?.kind === 'magic') {
    if (!descriptionMayChange(ctx.proc.vfs, r.node.object)) throw new LinuxError(EROFS, `${r.node.object.path} is outside the writable directories`);
    return;
  }
  if (r.node) throw new LinuxError(EPERM);
  ctx.proc.vfs.policy.checkObject(r.dir.fd, r.stat, r.guest);
}

/**
 * Run `change` with a host path that reaches exactly the looked-up object
 * (an open file's own fd, or an O_PATH fd on the object), once the policy
 * allows the change.
 */
export function changeObject<T>(ctx: SyscallContext, r: Resolved, change: (hostPath: string) => T): T {
  checkChangeable(ctx, r);
  if (r.node?.kind === 'magic') {
    const hostFd = r.node.object.hostFd();
    if (hostFd === null) throw new LinuxError(EPERM);
    return change(procFdPath(hostFd));
  }
  if (r.stat === null) throw new LinuxError(ENOENT, r.guest);
  return withObjectFd(r, true, (fd) => change(procFdPath(fd)));
}

/** Host fd to change for an open file, once the policy allows it. */
export function changeableFd(ctx: SyscallContext, fd: number): number {
  const d = fdOf(ctx, fd);
  if (!d || (d.statusFlags & O_PATH)) throw new LinuxError(EBADF);
  const hostFd = d.hostFd();
  if (hostFd === null) throw new LinuxError(EPERM);
  if (!descriptionMayChange(ctx.proc.vfs, d)) throw new LinuxError(EROFS, `${d.path} is outside the writable directories`);
  return hostFd;
}

function chmodAt(ctx: SyscallContext, dirfd: number, path: number, mode: number): number {
  withLookup(ctx, dirfd, pathArg(ctx, path), { follow: true }, (r) => changeObject(ctx, r, (p) => fs.chmodSync(p, mode & 0o7777)));
  return 0;
}

/** 16-bit ids (the old chown calls): 0xffff means "unchanged" like -1. */
const id16 = (v: number): number => ((v & 0xffff) === 0xffff ? -1 : v & 0xffff);
const id32 = (v: number): number => v | 0;

function chownAt(ctx: SyscallContext, dirfd: number, path: number, uid: number, gid: number, flags: number): number {
  if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) return -EINVAL;
  const follow = !(flags & AT_SYMLINK_NOFOLLOW);
  withLookup(ctx, dirfd, pathArg(ctx, path), { follow, emptyPath: (flags & AT_EMPTY_PATH) !== 0 }, (r) => {
    if (r.node) return changeObject(ctx, r, (p) => fs.chownSync(p, uid, gid));
    checkChangeable(ctx, r);
    // the name in its directory, never followed: the walk followed what was to be followed
    hostFchownAt(r.dir.fd, r.name, uid, gid, HOST_AT_SYMLINK_NOFOLLOW);
  });
  return 0;
}

function truncatePath(ctx: SyscallContext, path: number, length: number): number {
  if (length < 0) return -EINVAL;
  return withLookup(ctx, AT_FDCWD, pathArg(ctx, path), { follow: true }, (r) => changeObject(ctx, r, (target) => {
    if (fs.statSync(target).isDirectory()) return -EISDIR;
    const limited = truncateLimit(ctx, length);
    if (limited < 0) return limited;
    fs.truncateSync(target, length);
    ctx.proc.space.recheckFileSizes();
    return 0;
  }));
}

function ftruncate(ctx: SyscallContext, fd: number, length: number): number {
  if (length < 0) return -EINVAL;
  const d = fdOf(ctx, fd);
  if (!d) return -EBADF;
  if (!d.writableMode) return d.statusFlags & O_PATH ? -EBADF : -EINVAL;
  const limited = d instanceof HostFile ? truncateLimit(ctx, length) : 0;
  if (limited < 0) return limited;
  const r = d.truncate(length);
  // shared mappings of the file must let go of pages now past its end
  if (r === 0) ctx.proc.space.recheckFileSizes();
  return r;
}

const offset64 = (lo: number, hi: number): number => (hi | 0) * 2 ** 32 + (lo >>> 0);

interface Stamp {
  sec: bigint;
  nsec: number;
}

function readStamps(ctx: SyscallContext, addr: number, kind: 'timespec' | 'timespec64' | 'timeval' | 'utimbuf'): Stamp[] | null {
  if (addr === 0) return null;
  const m = ctx.mem;
  switch (kind) {
    case 'timespec': return [0, 8].map((o) => ({ sec: BigInt(m.i32(addr + o)), nsec: m.i32(addr + o + 4) }));
    case 'timespec64': return [0, 16].map((o) => ({ sec: m.i64(addr + o), nsec: Number(m.i64(addr + o + 8)) }));
    case 'timeval': return [0, 8].map((o) => {
      const usec = m.i32(addr + o + 4);
      if (usec < 0 || usec >= 1_000_000) throw new LinuxError(EINVAL);
      return { sec: BigInt(m.i32(addr + o)), nsec: usec * 1000 };
    });
    case 'utimbuf': return [0, 4].map((o) => ({ sec: BigInt(m.i32(addr + o)), nsec: 0 }));
  }
}

/** Two host struct timespec (x86-64: 64-bit seconds and nanoseconds). */
function hostTimes(stamps: Stamp[] | null): Buffer | null {
  if (stamps === null) return null;
  const b = Buffer.alloc(32);
  stamps.forEach((s, i) => {
    if (s.nsec !== UTIME_NOW && s.nsec !== UTIME_OMIT && (s.nsec < 0 || s.nsec > 999_999_999)) throw new LinuxError(EINVAL);
    b.writeBigInt64LE(s.sec, 16 * i);
    b.writeBigInt64LE(BigInt(s.nsec), 16 * i + 8);
  });
  return b;
}

function utimens(ctx: SyscallContext, dirfd: number, path: number, stamps: Stamp[] | null, flags: number): number {
  const times = hostTimes(stamps);
  if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) return -EINVAL;
  if (path === 0) {
    // futimens(): the fd itself
    if ((dirfd | 0) === AT_FDCWD) return -EFAULT;
    hostUtimens(changeableFd(ctx, dirfd), times, 0);
    return 0;
  }
  withLookup(ctx, dirfd, pathArg(ctx, path), { follow: !(flags & AT_SYMLINK_NOFOLLOW), emptyPath: (flags & AT_EMPTY_PATH) !== 0 }, (r) => {
    if (r.node) return changeObject(ctx, r, (p) => hostUtimensAt(-100, p, times, 0));
    checkChangeable(ctx, r);
    hostUtimensAt(r.dir.fd, r.name, times, HOST_AT_SYMLINK_NOFOLLOW);
  });
  return 0;
}

function fsync(ctx: SyscallContext, fd: number, dataOnly: boolean): number {
  const d = fdOf(ctx, fd);
  if (!d) return -EBADF;
  if (d instanceof PipeEnd) return -EINVAL;
  return dataOnly && d instanceof HostFile ? d.dataSync() : d.sync();
}

/** Only a hint to the page cache, but the kernel checks the descriptor. */
function readahead(ctx: SyscallContext, fd: number): number {
  const d = fdOf(ctx, fd);
  if (!d || !d.readableMode) return -EBADF;
  return d instanceof HostFile ? 0 : -EINVAL;
}

function fileOf(ctx: SyscallContext, fd: number): FileDescription {
  const d = fdOf(ctx, fd);
  if (!d) throw new LinuxError(EBADF);
  return d;
}

function fallocate(ctx: SyscallContext, fd: number, mode: number, offset: number, len: number): number {
  if (offset < 0 || len <= 0) return -EINVAL;
  const d = fileOf(ctx, fd);
  if (!d.writableMode || (d.statusFlags & O_PATH)) return -EBADF;
  if (d instanceof PipeEnd) return -ESPIPE;
  const hostFd = d.hostFd();
  if (!(d instanceof HostFile) || hostFd === null) return -ENODEV;
  hostFallocate(hostFd, mode, offset, len);
  return 0;
}

function fadvise(ctx: SyscallContext, fd: number, len: number, advice: number): number {
  const d = fileOf(ctx, fd);
  if (d instanceof PipeEnd) return -ESPIPE;
  if (advice < 0 || advice > 5 || len < 0) return -EINVAL;
  // advice only: the host's page cache does its own read-ahead
  return 0;
}

export const fsAttrRows: SyscallRow[] = [
  row(15, 'chmod', ['str', 'mode'], (ctx, a, b) => chmodAt(ctx, AT_FDCWD, a, b)),
  row(306, 'fchmodat', ['dirfd', 'str', 'mode'], (ctx, a, b, c) => chmodAt(ctx, a, b, c)),
  row(94, 'fchmod', ['fd', 'mode'], (ctx, a, b) => {
    fs.fchmodSync(changeableFd(ctx, a), b & 0o7777);
    return 0;
  }),
  row(182, 'chown', ['str', 'int', 'int'], (ctx, a, b, c) => chownAt(ctx, AT_FDCWD, a, id16(b), id16(c), 0)),
  row(16, 'lchown', ['str', 'int', 'int'], (ctx, a, b, c) => chownAt(ctx, AT_FDCWD, a, id16(b), id16(c), AT_SYMLINK_NOFOLLOW)),
  row(95, 'fchown', ['fd', 'int', 'int'], (ctx, a, b, c) => {
    fs.fchownSync(changeableFd(ctx, a), id16(b), id16(c));
    return 0;
  }),
  row(212, 'chown32', ['str', 'int', 'int'], (ctx, a, b, c) => chownAt(ctx, AT_FDCWD, a, id32(b), id32(c), 0)),
  row(198, 'lchown32', ['str', 'int', 'int'], (ctx, a, b, c) => chownAt(ctx, AT_FDCWD, a, id32(b), id32(c), AT_SYMLINK_NOFOLLOW)),
  row(207, 'fchown32', ['fd', 'int', 'int'], (ctx, a, b, c) => {
    fs.fchownSync(changeableFd(ctx, a), id32(b), id32(c));
    return 0;
  }),
  row(298, 'fchownat', ['dirfd', 'str', 'int', 'int', 'hex'], (ctx, a, b, c, d, e) => chownAt(ctx, a, b, id32(c), id32(d), e)),
  row(92, 'truncate', ['str', 'int'], (ctx, a, b) => truncatePath(ctx, a, b | 0)),
  row(193, 'truncate64', ['str', 'uint', 'int'], (ctx, a, b, c) => truncatePath(ctx, a, offset64(b, c))),
  row(93, 'ftruncate', ['fd', 'int'], (ctx, a, b) => ftruncate(ctx, a, b | 0)),
  row(194, 'ftruncate64', ['fd', 'uint', 'int'], (ctx, a, b, c) => ftruncate(ctx, a, offset64(b, c))),
  row(320, 'utimensat', ['dirfd', 'str', 'ptr', 'hex'], (ctx, a, b, c, d) => utimens(ctx, a, b, readStamps(ctx, c, 'timespec'), d)),
  row(412, 'utimensat_time64', ['dirfd', 'str', 'ptr', 'hex'], (ctx, a, b, c, d) => utimens(ctx, a, b, readStamps(ctx, c, 'timespec64'), d)),
  row(30, 'utime', ['str', 'ptr'], (ctx, a, b) => utimens(ctx, AT_FDCWD, a, readStamps(ctx, b, 'utimbuf'), 0)),
  row(271, 'utimes', ['str', 'ptr'], (ctx, a, b) => utimens(ctx, AT_FDCWD, a, readStamps(ctx, b, 'timeval'), 0)),
  row(299, 'futimesat', ['dirfd', 'str', 'ptr'], (ctx, a, b, c) => utimens(ctx, a, b, readStamps(ctx, c, 'timeval'), 0)),
  row(118, 'fsync', ['fd'], (ctx, a) => fsync(ctx, a, false)),
  row(148, 'fdatasync', ['fd'], (ctx, a) => fsync(ctx, a, true)),
  // the guest's writes went to the host's page cache: flushing it all is the host's business
  row(36, 'sync', [], () => 0),
  row(344, 'syncfs', ['fd'], (ctx, a) => (fdOf(ctx, a) ? 0 : -EBADF)),
  row(324, 'fallocate', ['fd', 'int', 'uint', 'int', 'uint', 'int'], (ctx, a, b, c, d, e, f) => fallocate(ctx, a, b, offset64(c, d), offset64(e, f))),
  row(225, 'readahead', ['fd', 'uint', 'int', 'size'], (ctx, a) => readahead(ctx, a)),
  row(250, 'fadvise64', ['fd', 'uint', 'int', 'size', 'int'], (ctx, a, _b, _c, d, e) => fadvise(ctx, a, d, e)),
  row(272, 'fadvise64_64', ['fd', 'uint', 'int', 'uint', 'int', 'int'], (ctx, a, _b, _c, d, e, f) => fadvise(ctx, a, offset64(d, e), f)),
];
