// Directories: reading entries, creating and removing them, and the current
// directory (a directory fd the Vfs holds, with the guest path it was reached by).
import fs from 'node:fs';
import { EACCES, EBADF, EBUSY, EEXIST, EINVAL, ENOENT, ENOTDIR, ENOTEMPTY, EPERM, ERANGE } from '../abi/errno.js';
import { AT_FDCWD, AT_REMOVEDIR, S_IFCHR, S_IFBLK, S_IFIFO, S_IFMT, S_IFREG, S_IFSOCK, X_OK } from '../abi/fcntl.js';
import { DirectoryStream, directoryPathOf } from '../files/directory.js';
import type { FileDescription } from '../files/description.js';
import { isDir } from '../files/host-names.js';
import { procFdPath, withObjectFd } from '../files/host-objects.js';
import { lastComponent, pathArg, withLookup } from '../files/lookup.js';
import type { Resolved } from '../files/vfs.js';
import {
  HOST_AT_EMPTY_PATH, HOST_AT_REMOVEDIR, HOST_AT_SYMLINK_NOFOLLOW, hostAccessAt, hostMkdirAt, hostMknodAt, hostOpenPath, hostUnlinkAt,
} from '../host/fs-at.js';
import { unlinkPath } from './fs-links.js';
import { fdOf } from './fs-io.js';
import { row, SyscallContext, SyscallRow } from './types.js';

function getdents(ctx: SyscallContext, fd: number, buf: number, count: number, wide: boolean): number {
  const d = fdOf(ctx, fd);
  if (!d) return -EBADF;
  const out = ctx.mem.writable(buf, count >>> 0);
  if (wide) return d.getdents(ctx, out);
  return d instanceof DirectoryStream ? d.readEntries('dirent', out) : d.getdents(ctx, out);
}

/** The host's umask applies to what it creates; the guest's is what counts. */
function setExactMode(dirfd: number, name: string, mode: number): void {
  withObjectFd({ dir: { fd: dirfd, owned: false, guest: '' }, name } as Resolved, false, (fd, st) => {
    if ((st.mode & 0o777) !== (mode & 0o777)) fs.chmodSync(procFdPath(fd), mode);
  });
}

function mkdir(ctx: SyscallContext, dirfd: number, path: number, mode: number): number {
  return withLookup(ctx, dirfd, pathArg(ctx, path), { follow: false }, (r) => {
    if (r.node || r.stat !== null) return -EEXIST;
    ctx.proc.vfs.policy.checkIn(r.dir.fd, r.guest);
    const wanted = mode & 0o1777 & ~ctx.proc.umask;
    hostMkdirAt(r.dir.fd, r.name, wanted);
    setExactMode(r.dir.fd, r.name, wanted);
    return 0;
  });
}

function rmdir(ctx: SyscallContext, dirfd: number, path: number): number {
  const text = pathArg(ctx, path);
  return withLookup(ctx, dirfd, text, { follow: false }, (r) => {
    const last = lastComponent(text);
    if (last === '.') return -EINVAL;
    if (last === '..') return -ENOTEMPTY;
    if (r.node) return -EACCES;
    if (r.guest === '/') return -EBUSY;
    if (r.stat === null) return -ENOENT;
    if (r.name === '.') return -EBUSY;
    ctx.proc.vfs.policy.checkIn(r.dir.fd, r.guest);
    hostUnlinkAt(r.dir.fd, r.name, HOST_AT_REMOVEDIR);
    return 0;
  });
}

function unlinkat(ctx: SyscallContext, dirfd: number, path: number, flags: number): number {
  if (flags & ~AT_REMOVEDIR) return -EINVAL;
  return flags & AT_REMOVEDIR ? rmdir(ctx, dirfd, path) : unlinkPath(ctx, dirfd, path);
}

function mknod(ctx: SyscallContext, dirfd: number, path: number, mode: number, dev: number): number {
  const type = (mode & S_IFMT) || S_IFREG;
  if (type !== S_IFREG && type !== S_IFIFO && type !== S_IFSOCK && type !== S_IFCHR && type !== S_IFBLK) return -EINVAL;
  return withLookup(ctx, dirfd, pathArg(ctx, path), { follow: false }, (r) => {
    if (r.node || r.stat !== null) return -EEXIST;
    ctx.proc.vfs.policy.checkIn(r.dir.fd, r.guest);
    // device nodes would give the guest the host's devices
    if (type === S_IFCHR || type === S_IFBLK) return -EPERM;
    const perms = mode & 0o7777 & ~ctx.proc.umask;
    hostMknodAt(r.dir.fd, r.name, type | perms, BigInt(dev >>> 0));
    setExactMode(r.dir.fd, r.name, perms);
    return 0;
  });
}

function chdir(ctx: SyscallContext, path: number): number {
  return withLookup(ctx, AT_FDCWD, pathArg(ctx, path), { follow: true }, (r) => {
    if (r.node?.kind === 'magic') return changeTo(ctx, r.node.object);
    if (r.node) {
      if (r.node.kind !== 'dir') return -ENOTDIR;
      ctx.proc.vfs.setCwd({ fd: -1, owned: false, guest: r.guest });
      return 0;
    }
    if (r.stat === null) return -ENOENT;
    if (!isDir(r.stat)) return -ENOTDIR;
    hostAccessAt(r.dir.fd, r.name, X_OK, HOST_AT_SYMLINK_NOFOLLOW);
    ctx.proc.vfs.setCwd({ fd: hostOpenPath(r.dir.fd, r.name, true), owned: true, guest: r.guest });
    return 0;
  });
}

/** The current directory becomes an open directory (fchdir, chdir("/proc/self/fd/N")). */
function changeTo(ctx: SyscallContext, desc: FileDescription): number {
  const dir = directoryPathOf(desc);
  if (dir === null) return -ENOTDIR;
  const hostFd = desc.hostFd();
  if (hostFd === null) {
    ctx.proc.vfs.setCwd({ fd: -1, owned: false, guest: dir });
    return 0;
  }
  hostAccessAt(hostFd, '', X_OK, HOST_AT_EMPTY_PATH);
  // a directory fd of its own: the guest may close the one it passed
  ctx.proc.vfs.setCwd({ fd: hostOpenPath(hostFd, '.', true), owned: true, guest: dir });
  return 0;
}

function fchdir(ctx: SyscallContext, fd: number): number {
  const d = fdOf(ctx, fd);
  if (!d) return -EBADF;
  return changeTo(ctx, d);
}

function getcwd(ctx: SyscallContext, buf: number, size: number): number {
  const vfs = ctx.proc.vfs;
  const text = Buffer.from(vfs.cwd + '\0');
  if (size >>> 0 < text.length) return -ERANGE;
  if (vfs.cwdRemoved()) return -ENOENT;
  ctx.mem.write(buf, text);
  return text.length;
}

export const fsDirRows: SyscallRow[] = [
  row(220, 'getdents64', ['fd', 'ptr', 'size'], (ctx, a, b, c) => getdents(ctx, a, b, c, true)),
  row(141, 'getdents', ['fd', 'ptr', 'size'], (ctx, a, b, c) => getdents(ctx, a, b, c, false)),
  row(39, 'mkdir', ['str', 'mode'], (ctx, a, b) => mkdir(ctx, AT_FDCWD, a, b)),
  row(296, 'mkdirat', ['dirfd', 'str', 'mode'], (ctx, a, b, c) => mkdir(ctx, a, b, c)),
  row(40, 'rmdir', ['str'], (ctx, a) => rmdir(ctx, AT_FDCWD, a)),
  row(301, 'unlinkat', ['dirfd', 'str', 'hex'], (ctx, a, b, c) => unlinkat(ctx, a, b, c)),
  row(14, 'mknod', ['str', 'mode', 'hex'], (ctx, a, b, c) => mknod(ctx, AT_FDCWD, a, b, c)),
  row(297, 'mknodat', ['dirfd', 'str', 'mode', 'hex'], (ctx, a, b, c, d) => mknod(ctx, a, b, c, d)),
  row(12, 'chdir', ['str'], (ctx, a) => chdir(ctx, a)),
  row(133, 'fchdir', ['fd'], (ctx, a) => fchdir(ctx, a)),
  row(183, 'getcwd', ['outbuf', 'size'], (ctx, a, b) => getcwd(ctx, a, b)),
];
