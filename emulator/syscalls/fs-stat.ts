// File metadata: the stat family, statx, statfs, access and readlink.
import { EACCES, EBADF, EINVAL, ENOENT, EOVERFLOW, EROFS, LinuxError } from '../abi/errno.js';
import {
  AT_EACCESS, AT_EMPTY_PATH, AT_FDCWD, AT_NO_AUTOMOUNT, AT_STATX_SYNC_TYPE, AT_SYMLINK_NOFOLLOW, S_IFDIR, S_IFLNK, S_IFMT, S_IFREG, W_OK, X_OK,
} from '../abi/fcntl.js';
import { STATX_SIZE, STATX__RESERVED, writeStat64, writeStatx } from '../abi/stat.js';
import { HOST_STATFS_SIZE, parseHostStatfs, StatfsInfo, STATFS64_SIZE, writeStatfs, writeStatfs64 } from '../abi/statfs.js';
import { StatInfo } from '../files/description.js';
import { virtualStat } from '../files/virtual-files.js';
import { hostAccess, hostStatfs } from '../host/file-calls.js';
import { withObjectFd } from '../files/host-objects.js';
import { pathArg, withLookup } from '../files/lookup.js';
import { hostAccessAt, hostReadlinkAt, hostStatxAt } from '../host/fs-at.js';
import type { Resolved } from '../files/vfs.js';
import { fdOf } from './fs-io.js';
import { row, SyscallContext, SyscallRow } from './types.js';

const PIPEFS_MAGIC = 0x50495045n;

function statOf(r: Resolved): StatInfo {
  if (r.node?.kind === 'magic') return r.node.object.stat();
  if (r.node) return virtualStat(r.node);
  if (r.stat === null) throw new LinuxError(ENOENT, r.guest);
  return r.stat;
}

function stat64(ctx: SyscallContext, dirfd: number, path: number, buf: number, flags: number): number {
  if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | AT_EMPTY_PATH)) return -EINVAL;
  const st = withLookup(ctx, dirfd, pathArg(ctx, path), { follow: !(flags & AT_SYMLINK_NOFOLLOW), emptyPath: (flags & AT_EMPTY_PATH) !== 0 }, statOf);
  writeStat64(ctx.mem, buf, st);
  return 0;
}

function fstat64(ctx: SyscallContext, fd: number, buf: number): number {
  const d = fdOf(ctx, fd);
  if (!d) return -EBADF;
  writeStat64(ctx.mem, buf, d.stat());
  return 0;
}

function statx(ctx: SyscallContext, dirfd: number, path: number, flags: number, mask: number, buf: number): number {
  if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | AT_EMPTY_PATH | AT_STATX_SYNC_TYPE)) return -EINVAL;
  if ((flags & AT_STATX_SYNC_TYPE) === AT_STATX_SYNC_TYPE || (mask & STATX__RESERVED)) return -EINVAL;
  const emptyPath = (flags & AT_EMPTY_PATH) !== 0;
  const name = path === 0 && emptyPath ? '' : pathArg(ctx, path);
  ctx.mem.writable(buf, STATX_SIZE);
  return withLookup(ctx, dirfd, name, { follow: !(flags & AT_SYMLINK_NOFOLLOW), emptyPath }, (r) => {
    const sync = flags & AT_STATX_SYNC_TYPE;
    const hostFd = r.node?.kind === 'magic' ? r.node.object.hostFd() : null;
    if (r.node && hostFd === null) {
      writeStatx(ctx.mem, buf, statOf(r));
      return 0;
    }
    const out = Buffer.alloc(STATX_SIZE);
    if (hostFd !== null) hostStatxAt(hostFd, '', AT_EMPTY_PATH | sync, mask, out);
    else hostStatxAt(r.dir.fd, r.name, AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | sync, mask, out);
    ctx.mem.write(buf, out);
    return 0;
  });
}

function statfsOf(target: string | number): StatfsInfo {
  const b = Buffer.alloc(HOST_STATFS_SIZE);
  hostStatfs(target, b);
  return parseHostStatfs(b);
}

function pipeStatfs(): StatfsInfo {
  return { type: PIPEFS_MAGIC, bsize: 4096n, blocks: 0n, bfree: 0n, bavail: 0n, files: 0n, ffree: 0n, fsid: [0, 0], namelen: 255n, frsize: 4096n, flags: 0n };
}

function statfsOfPath(ctx: SyscallContext, path: number): StatfsInfo {
  return withLookup(ctx, AT_FDCWD, pathArg(ctx, path), { follow: true }, (r) => {
    if (r.node?.kind === 'magic') return statfsOfFd(ctx, -1, r.node.object.hostFd());
    // the guest's /proc nodes live on the host's procfs
    if (r.node) return statfsOf('/proc');
    if (r.stat === null) throw new LinuxError(ENOENT, r.guest);
    return withObjectFd(r, true, (fd) => statfsOf(fd));
  });
}

function statfsOfFd(ctx: SyscallContext, fd: number, hostFd = fdOf(ctx, fd)?.hostFd()): StatfsInfo {
  if (hostFd === undefined) throw new LinuxError(EBADF);
  return hostFd === null ? pipeStatfs() : statfsOf(hostFd);
}

function statfs64(ctx: SyscallContext, info: () => StatfsInfo, size: number, buf: number): number {
  // the x86-64 kernel also accepts the unpacked 88-byte struct from 32-bit callers
  if (size !== STATFS64_SIZE && size !== 88) return -EINVAL;
  writeStatfs64(ctx.mem, buf, info());
  return 0;
}

function statfs32(ctx: SyscallContext, info: () => StatfsInfo, buf: number): number {
  return writeStatfs(ctx.mem, buf, info()) ? 0 : -EOVERFLOW;
}

function access(ctx: SyscallContext, dirfd: number, path: number, mode: number, flags: number): number {
  if (mode & ~7) return -EINVAL;
  if (flags & ~(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) return -EINVAL;
  return withLookup(ctx, dirfd, pathArg(ctx, path), { follow: !(flags & AT_SYMLINK_NOFOLLOW), emptyPath: (flags & AT_EMPTY_PATH) !== 0 }, (r) => accessOf(ctx, r, mode, flags));
}

function accessOf(ctx: SyscallContext, r: Resolved, mode: number, flags: number): number {
  if (r.node?.kind === 'magic') {
    const hostFd = r.node.object.hostFd();
    if (hostFd !== null) hostAccess(`/proc/self/fd/${hostFd}`, mode, flags & AT_EACCESS);
    return 0;
  }
  if (r.node) {
    if (mode & W_OK) return -EACCES;
    if ((mode & X_OK) && r.node.kind === 'file') return -EACCES;
    return 0;
  }
  const st = r.stat;
  if (st === null) return -ENOENT;
  const type = st.mode & S_IFMT;
  const isFileLike = type === S_IFREG || type === S_IFDIR || type === S_IFLNK;
  if ((mode & W_OK) && isFileLike && !ctx.proc.vfs.policy.mayChangeObject(r.dir.fd, st)) return -EROFS;
  hostAccessAt(r.dir.fd, r.name, mode, (flags & AT_EACCESS) | AT_SYMLINK_NOFOLLOW);
  return 0;
}

function readlink(ctx: SyscallContext, dirfd: number, path: number, buf: number, size: number): number {
  if ((size | 0) <= 0) return -EINVAL;
  const text = withLookup(ctx, dirfd, pathArg(ctx, path), { follow: false }, (r) => {
    if (r.node?.kind === 'link' || r.node?.kind === 'magic') return Buffer.from(r.node.target);
    if (r.node) throw new LinuxError(EINVAL);
    return hostReadlinkAt(r.dir.fd, r.name);
  });
  const n = Math.min(text.length, size);
  ctx.mem.write(buf, text.subarray(0, n));
  return n;
}

export const fsStatRows: SyscallRow[] = [
  row(195, 'stat64', ['str', 'ptr'], (ctx, a, b) => stat64(ctx, AT_FDCWD, a, b, 0)),
  row(196, 'lstat64', ['str', 'ptr'], (ctx, a, b) => stat64(ctx, AT_FDCWD, a, b, AT_SYMLINK_NOFOLLOW)),
  row(197, 'fstat64', ['fd', 'ptr'], (ctx, a, b) => fstat64(ctx, a, b)),
  row(300, 'fstatat64', ['dirfd', 'str', 'ptr', 'hex'], (ctx, a, b, c, d) => stat64(ctx, a, b, c, d)),
  row(383, 'statx', ['dirfd', 'str', 'hex', 'hex', 'ptr'], (ctx, a, b, c, d, e) => statx(ctx, a, b, c, d, e)),
  row(268, 'statfs64', ['str', 'size', 'ptr'], (ctx, a, b, c) => statfs64(ctx, () => statfsOfPath(ctx, a), b, c)),
  row(269, 'fstatfs64', ['fd', 'size', 'ptr'], (ctx, a, b, c) => statfs64(ctx, () => statfsOfFd(ctx, a), b, c)),
  row(99, 'statfs', ['str', 'ptr'], (ctx, a, b) => statfs32(ctx, () => statfsOfPath(ctx, a), b)),
  row(100, 'fstatfs', ['fd', 'ptr'], (ctx, a, b) => statfs32(ctx, () => statfsOfFd(ctx, a), b)),
  row(33, 'access', ['str', 'int'], (ctx, a, b) => access(ctx, AT_FDCWD, a, b, 0)),
  row(307, 'faccessat', ['dirfd', 'str', 'int'], (ctx, a, b, c) => access(ctx, a, b, c, 0)),
  row(439, 'faccessat2', ['dirfd', 'str', 'int', 'hex'], (ctx, a, b, c, d) => access(ctx, a, b, c, d)),
  row(85, 'readlink', ['str', 'outbuf', 'size'], (ctx, a, b, c) => readlink(ctx, AT_FDCWD, a, b, c)),
  row(305, 'readlinkat', ['dirfd', 'str', 'outbuf', 'size'], (ctx, a, b, c, d) => readlink(ctx, a, b, c, d)),
];
