// Names in directories: unlink, rename, hard links and symlinks. Every name
// created, replaced or removed must be writable under the Vfs policy; a hard
// link or rename also needs its source to be, or a file outside the writable
// directories could be given a writable name.
import fs from 'node:fs';
import { EACCES, EBUSY, EEXIST, EINVAL, ENOENT, EXDEV } from '../abi/errno.js';
import { AT_EMPTY_PATH, AT_FDCWD, AT_SYMLINK_FOLLOW, RENAME_EXCHANGE, RENAME_NOREPLACE, RENAME_WHITEOUT } from '../abi/fcntl.js';
import { hostLink, hostRename } from '../host/file-calls.js';
import { hostPathOf, lastComponent, lookupAt, pathArg } from '../files/lookup.js';
import type { Resolved } from '../files/vfs.js';
import { row, SyscallContext, SyscallRow } from './types.js';

function exists(r: Resolved): boolean {
  return r.node !== undefined || fs.lstatSync(r.host, { throwIfNoEntry: false }) !== undefined;
}

export function unlinkPath(ctx: SyscallContext, dirfd: number, path: number): number {
  const r = lookupAt(ctx, dirfd, pathArg(ctx, path), { follow: false });
  if (r.node) return -EACCES;
  ctx.proc.vfs.checkWritable(r.guest);
  fs.unlinkSync(hostPathOf(r));
  return 0;
}

function rename(ctx: SyscallContext, olddirfd: number, oldpath: number, newdirfd: number, newpath: number, flags: number): number {
  if (flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE | RENAME_WHITEOUT)) return -EINVAL;
  if ((flags & RENAME_NOREPLACE) && (flags & (RENAME_EXCHANGE | RENAME_WHITEOUT))) return -EINVAL;
  if ((flags & RENAME_EXCHANGE) && (flags & RENAME_WHITEOUT)) return -EINVAL;
  const fromText = pathArg(ctx, oldpath);
  const toText = pathArg(ctx, newpath);
  const from = lookupAt(ctx, olddirfd, fromText, { follow: false });
  const to = lookupAt(ctx, newdirfd, toText, { follow: false });
  if (['.', '..', '/'].includes(lastComponent(fromText))) return -EBUSY;
  if (['.', '..', '/'].includes(lastComponent(toText))) return flags & RENAME_NOREPLACE ? -EEXIST : -EBUSY;
  if (from.node || to.node) return -EXDEV;
  ctx.proc.vfs.checkWritable(from.guest);
  ctx.proc.vfs.checkWritable(to.guest);
  if (flags === 0) fs.renameSync(hostPathOf(from), hostPathOf(to));
  else hostRename(hostPathOf(from), hostPathOf(to), flags);
  return 0;
}

function link(ctx: SyscallContext, olddirfd: number, oldpath: number, newdirfd: number, newpath: number, flags: number): number {
  if (flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH)) return -EINVAL;
  const from = lookupAt(ctx, olddirfd, pathArg(ctx, oldpath), { follow: (flags & AT_SYMLINK_FOLLOW) !== 0, emptyPath: (flags & AT_EMPTY_PATH) !== 0 });
  const to = lookupAt(ctx, newdirfd, pathArg(ctx, newpath), { follow: false });
  if (exists(to)) return -EEXIST;
  const vfs = ctx.proc.vfs;
  if (from.node?.kind === 'magic') {
    // an open file given a name (O_TMPFILE files are linked this way)
    const hostFd = from.node.object.hostFd();
    if (hostFd === null) return -EXDEV;
    vfs.checkWritable(from.node.object.path);
    vfs.checkWritable(to.guest);
    hostLink(`/proc/self/fd/${hostFd}`, hostPathOf(to), AT_SYMLINK_FOLLOW);
    return 0;
  }
  if (from.node) return -EXDEV;
  vfs.checkWritable(from.guest);
  vfs.checkWritable(to.guest);
  fs.linkSync(hostPathOf(from), hostPathOf(to));
  return 0;
}

function symlink(ctx: SyscallContext, target: number, newdirfd: number, linkpath: number): number {
  const text = pathArg(ctx, target);
  if (text.length === 0) return -ENOENT;
  const r = lookupAt(ctx, newdirfd, pathArg(ctx, linkpath), { follow: false });
  if (exists(r)) return -EEXIST;
  ctx.proc.vfs.checkWritable(r.guest);
  fs.symlinkSync(text, hostPathOf(r));
  return 0;
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
