// Names in directories: unlink, rename, hard links and symlinks. Every name
// created, replaced or removed must be writable under the Vfs policy; a hard
// link or rename also needs its source to be, or a file outside the writable
// directories could be given a writable name.
import { EACCES, EBUSY, EEXIST, EINVAL, EISDIR, ENOENT, EROFS, EXDEV, LinuxError } from '../abi/errno.js';
import { AT_EMPTY_PATH, AT_FDCWD, AT_SYMLINK_FOLLOW, RENAME_EXCHANGE, RENAME_NOREPLACE, RENAME_WHITEOUT } from '../abi/fcntl.js';
import { isDir } from '../files/host-names.js';
import { descriptionMayChange, procFdPath } from '../files/host-objects.js';
import { lastComponent, pathArg, withLookup } from '../files/lookup.js';
import { HOST_AT_SYMLINK_FOLLOW, hostLinkAt, hostRenameAt, hostSymlinkAt, hostUnlinkAt } from '../host/fs-at.js';
import type { Resolved } from '../files/vfs.js';
import { row, SyscallContext, SyscallRow } from './types.js';

function exists(r: Resolved): boolean {
  return r.node !== undefined || r.stat !== null;
}

export function unlinkPath(ctx: SyscallContext, dirfd: number, path: number): number {
  return withLookup(ctx, dirfd, pathArg(ctx, path), { follow: false }, (r) => {
    if (r.node) return -EACCES;
    if (r.stat === null) return -ENOENT;
    if (r.name === '.' || isDir(r.stat)) return -EISDIR;
    ctx.proc.vfs.policy.checkIn(r.dir.fd, r.guest);
    hostUnlinkAt(r.dir.fd, r.name, 0);
    return 0;
  });
}

function rename(ctx: SyscallContext, olddirfd: number, oldpath: number, newdirfd: number, newpath: number, flags: number): number {
  if (flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE | RENAME_WHITEOUT)) return -EINVAL;
  if ((flags & RENAME_NOREPLACE) && (flags & (RENAME_EXCHANGE | RENAME_WHITEOUT))) return -EINVAL;
  if ((flags & RENAME_EXCHANGE) && (flags & RENAME_WHITEOUT)) return -EINVAL;
  const fromText = pathArg(ctx, oldpath);
  const toText = pathArg(ctx, newpath);
  return withLookup(ctx, olddirfd, fromText, { follow: false }, (from) => withLookup(ctx, newdirfd, toText, { follow: false }, (to) => {
    if (['.', '..', '/'].includes(lastComponent(fromText))) return -EBUSY;
    if (['.', '..', '/'].includes(lastComponent(toText))) return flags & RENAME_NOREPLACE ? -EEXIST : -EBUSY;
    if (from.node || to.node) return -EXDEV;
    if (from.stat === null) return -ENOENT;
    const policy = ctx.proc.vfs.policy;
    policy.checkIn(from.dir.fd, from.guest);
    policy.checkIn(to.dir.fd, to.guest);
    hostRenameAt(from.dir.fd, from.name, to.dir.fd, to.name, flags);
    return 0;
  }));
}

function link(ctx: SyscallContext, olddirfd: number, oldpath: number, newdirfd: number, newpath: number, flags: number): number {
  if (flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH)) return -EINVAL;
  const fromOpts = { follow: (flags & AT_SYMLINK_FOLLOW) !== 0, emptyPath: (flags & AT_EMPTY_PATH) !== 0 };
  return withLookup(ctx, olddirfd, pathArg(ctx, oldpath), fromOpts, (from) => withLookup(ctx, newdirfd, pathArg(ctx, newpath), { follow: false }, (to) => {
    if (exists(to)) return -EEXIST;
    const policy = ctx.proc.vfs.policy;
    if (from.node?.kind === 'magic') {
      // an open file given a name (O_TMPFILE files are linked this way)
      const hostFd = from.node.object.hostFd();
      if (hostFd === null) return -EXDEV;
      if (!descriptionMayChange(ctx.proc.vfs, from.node.object)) throw new LinuxError(EROFS, `${from.node.object.path} is outside the writable directories`);
      policy.checkIn(to.dir.fd, to.guest);
      hostLinkAt(-100, procFdPath(hostFd), to.dir.fd, to.name, HOST_AT_SYMLINK_FOLLOW);
      return 0;
    }
    if (from.node) return -EXDEV;
    if (from.stat === null) return -ENOENT;
    // a file outside the writable directories must not get a writable name
    policy.checkObject(from.dir.fd, from.stat, from.guest);
    policy.checkIn(to.dir.fd, to.guest);
    hostLinkAt(from.dir.fd, from.name, to.dir.fd, to.name, 0);
    return 0;
  }));
}

function symlink(ctx: SyscallContext, target: number, newdirfd: number, linkpath: number): number {
  const text = pathArg(ctx, target);
  if (text.length === 0) return -ENOENT;
  return withLookup(ctx, newdirfd, pathArg(ctx, linkpath), { follow: false }, (r) => {
    if (exists(r)) return -EEXIST;
    ctx.proc.vfs.policy.checkIn(r.dir.fd, r.guest);
    hostSymlinkAt(text, r.dir.fd, r.name);
    return 0;
  });
}

export const fsLinkRows: SyscallRow[] = [
  row(10, 'unlink', ['str'], (ctx, a) => unlinkPath(ctx, AT_FDCWD, a)),
  row(38, 'rename', ['str', 'str'], (ctx, a, b) => rename(ctx, AT_FDCWD, a, AT_FDCWD, b, 0)),
  row(302, 'renameat', ['dirfd', 'str', 'dirfd', 'str'], (ctx, a, b, c, d) => rename(ctx, a, b, c, d, 0)),
  row(353, 'renameat2', ['dirfd', 'str', 'dirfd', 'str', 'hex'], (ctx, a, b, c, d, e) => rename(ctx, a, b, c, d, e)),
  row(9, 'link', ['str', 'str'], (ctx, a, b) => link(ctx, AT_FDCWD, a, AT_FDCWD, b, 0)),
  row(303, 'linkat', ['dirfd', 'str', 'dirfd', 'str', 'hex'], (ctx, a, b, c, d, e) => link(ctx, a, b, c, d, e)),
  row(83, 'symlink', ['str', 'str'], (ctx, a, b) => symlink(ctx, a, AT_FDCWD, b)),
  row(304, 'symlinkat', ['str', 'dirfd', 'str'], (ctx, a, b, c) => symlink(ctx, a, b, c)),
];
