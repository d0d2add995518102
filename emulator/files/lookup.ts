// Path lookup for the syscall layer: guest path strings, *at() bases
// (AT_FDCWD or a directory fd), AT_EMPTY_PATH, and the guest's /proc/self,
// all resolved through the Vfs so the root confines every path.
import { EBADF, ENOENT, ENOTDIR, LinuxError } from '../abi/errno.js';
import { AT_FDCWD } from '../abi/fcntl.js';
import { directoryPathOf } from './directory.js';
import { procTree } from './proc-tree.js';
import type { Resolved } from './vfs.js';
import type { SyscallContext } from '../syscalls/types.js';

const PATH_MAX = 4096;

/** A path argument (EFAULT for a bad pointer, ENAMETOOLONG past PATH_MAX). */
export function pathArg(ctx: SyscallContext, addr: number): string {
  return ctx.mem.cstring(addr, PATH_MAX);
}

/** Guest directory that relative paths of an *at() call start from. */
export function baseDir(ctx: SyscallContext, dirfd: number): string {
  if ((dirfd | 0) === AT_FDCWD) return ctx.proc.vfs.cwd;
  const desc = ctx.proc.fds.get(dirfd | 0);
  if (!desc) throw new LinuxError(EBADF);
  const dir = directoryPathOf(desc);
  if (dir === null) throw new LinuxError(ENOTDIR);
  return dir;
}

export interface LookupOptions {
  /** Dereference a final symlink. */
  follow: boolean;
  /** AT_EMPTY_PATH: an empty path names `dirfd` itself. */
  emptyPath?: boolean;
}

/**
 * Resolve `path` relative to `dirfd`. A result with node.kind 'magic' is an
 * open file itself (AT_EMPTY_PATH, /proc/self/fd/N): operate on node.object.
 */
export function lookupAt(ctx: SyscallContext, dirfd: number, path: string, opts: LookupOptions): Resolved {
  const vfs = ctx.proc.vfs;
  const tree = procTree(ctx.proc, ctx.thread);
  if (path.length === 0) {
    if (!opts.emptyPath) throw new LinuxError(ENOENT);
    if ((dirfd | 0) === AT_FDCWD) return vfs.resolve(vfs.cwd, { tree });
    const desc = ctx.proc.fds.get(dirfd | 0);
    if (!desc) throw new LinuxError(EBADF);
    return { guest: desc.path, host: '', trailingSlash: false, node: { kind: 'magic', ino: 0, target: desc.path, object: desc, dir: directoryPathOf(desc) } };
  }
  const base = path.startsWith('/') ? undefined : baseDir(ctx, dirfd);
  return vfs.resolve(path, { base, followLast: opts.follow, tree });
}

/** The final component of a path as written (for the '.' and '..' special cases). */
export function lastComponent(path: string): string {
  const parts = path.split('/').filter((c) => c.length > 0);
  return parts.length === 0 ? '/' : parts[parts.length - 1];
}

/** Host path of a resolved (non-virtual) target, keeping a trailing slash's meaning. */
export function hostPathOf(r: Resolved): string {
  return r.host + (r.trailingSlash ? '/' : '');
}
