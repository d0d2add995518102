// Directories: reading entries, creating and removing them, and the current
// directory (a guest path kept by the Vfs).
import fs from 'node:fs';
import { EACCES, EBADF, EBUSY, EEXIST, EINVAL, ENOENT, ENOTDIR, ENOTEMPTY, EPERM, ERANGE } from '../abi/errno.js';
import { AT_FDCWD, AT_REMOVEDIR, S_IFCHR, S_IFBLK, S_IFIFO, S_IFMT, S_IFREG, S_IFSOCK, X_OK } from '../abi/fcntl.js';
import { DirectoryStream, directoryPathOf } from '../files/directory.js';
import { hostAccess, hostMknod } from '../host/file-calls.js';
import { hostPathOf, lastComponent, lookupAt, pathArg } from '../files/lookup.js';
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
function setExactMode(host: string, mode: number): void {
  if ((fs.statSync(host).mode & 0o777) !== (mode & 0o777)) fs.chmodSync(host, mode);
}

function mkdir(ctx: SyscallContext, dirfd: number, path: number, mode: number): number {
  const r = lookupAt(ctx, dirfd, pathArg(ctx, path), { follow: false });
  if (r.node || fs.lstatSync(r.host, { throwIfNoEntry: false })) return -EEXIST;
  ctx.proc.vfs.checkWritable(r.guest);
  const wanted = mode & 0o1777 & ~ctx.proc.umask;
  fs.mkdirSync(r.host, { mode: wanted });
  setExactMode(r.host, wanted);
  return 0;
}

function rmdir(ctx: SyscallContext, dirfd: number, path: number): number {
  const text = pathArg(ctx, path);
  const r = lookupAt(ctx, dirfd, text, { follow: false });
  const last = lastComponent(text);
  if (last === '.') return -EINVAL;
  if (last === '..') return -ENOTEMPTY;
  if (r.node) return -EACCES;
  if (r.guest === '/') return -EBUSY;
  ctx.proc.vfs.checkWritable(r.guest);
  fs.rmdirSync(hostPathOf(r));
  return 0;
}

function unlinkat(ctx: SyscallContext, dirfd: number, path: number, flags: number): number {
  if (flags & ~AT_REMOVEDIR) return -EINVAL;
  return flags & AT_REMOVEDIR ? rmdir(ctx, dirfd, path) : unlinkPath(ctx, dirfd, path);
}

function mknod(ctx: SyscallContext, dirfd: number, path: number, mode: number, dev: number): number {
  const type = (mode & S_IFMT) || S_IFREG;
  if (type !== S_IFREG && type !== S_IFIFO && type !== S_IFSOCK && type !== S_IFCHR && type !== S_IFBLK) return -EINVAL;
  const r = lookupAt(ctx, dirfd, pathArg(ctx, path), { follow: false });
  if (r.node || fs.lstatSync(r.host, { throwIfNoEntry: false })) return -EEXIST;
  ctx.proc.vfs.checkWritable(r.guest);
  // device nodes would give the guest the host's devices
  if (type === S_IFCHR || type === S_IFBLK) return -EPERM;
  const perms = mode & 0o7777 & ~ctx.proc.umask;
  hostMknod(r.host, type | perms, BigInt(dev >>> 0));
  setExactMode(r.host, perms);
  return 0;
}

function chdir(ctx: SyscallContext, path: number): number {
  const r = lookupAt(ctx, AT_FDCWD, pathArg(ctx, path), { follow: true });
  if (r.node?.kind === 'magic') return changeTo(ctx, directoryPathOf(r.node.object), r.node.object.hostFd());
  if (r.node) {
    if (r.node.kind !== 'dir') return -ENOTDIR;
    ctx.proc.vfs.cwd = r.guest;
    return 0;
  }
  if (!fs.statSync(r.host).isDirectory()) return -ENOTDIR;
  hostAccess(r.host, X_OK, 0);
  ctx.proc.vfs.cwd = r.guest;
  return 0;
}

function changeTo(ctx: SyscallContext, dir: string | null, hostFd: number | null): number {
  if (dir === null) return -ENOTDIR;
  if (hostFd !== null) hostAccess(`/proc/self/fd/${hostFd}`, X_OK, 0);
  ctx.proc.vfs.cwd = dir;
  return 0;
}

function fchdir(ctx: SyscallContext, fd: number): number {
  const d = fdOf(ctx, fd);
  if (!d) return -EBADF;
  return changeTo(ctx, directoryPathOf(d), d.hostFd());
}

function getcwd(ctx: SyscallContext, buf: number, size: number): number {
  const vfs = ctx.proc.vfs;
  const text = Buffer.from(vfs.cwd + '\0');
  if (size >>> 0 < text.length) return -ERANGE;
  if (!fs.existsSync(vfs.toHost(vfs.cwd)) && !vfs.cwd.startsWith('/proc/')) return -ENOENT;
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
