// Path lookup for the syscall layer: guest path strings, *at() bases
// (AT_FDCWD or a directory fd), AT_EMPTY_PATH, and the guest's /proc/self,
// all resolved through the Vfs so the root confines every path. A lookup
// holds directory fds: release it (or use withLookup).
import { EBADF, ENOENT, ENOTDIR, LinuxError } from '../abi/errno.js';
import { AT_FDCWD } from '../abi/fcntl.js';
import { directoryPathOf } from './directory.js';
import { procTree } from './proc-tree.js';
import { release, type DirRef, type Resolved } from './vfs.js';
import type { SyscallContext } from '../syscalls/types.js';

const PATH_MAX = 4096;

/** A path argument (EFAULT for a bad pointer, ENAMETOOLONG past PATH_MAX). */
export function pathArg(ctx: SyscallContext, addr: number): string {
  return ctx.mem.cstring(addr, PATH_MAX);
}

/** Directory that relative paths of an *at() call start from (borrowed). */
function baseDir(ctx: SyscallContext, dirfd: number): DirRef {
  if ((dirfd | 0) === AT_FDCWD) return ctx.proc.vfs.cwdDir;
  const desc = ctx.proc.fds.get(dirfd | 0);
  if (!desc) throw new LinuxError(EBADF);
  const dir = directoryPathOf(desc);
  if (dir === null) throw new LinuxError(ENOTDIR);
  return { fd: desc.hostFd() ?? -1, owned: false, guest: dir };
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
 * The caller must release() the result.
 */
export function lookupAt(ctx: SyscallContext, dirfd: number, path: string, opts: LookupOptions): Resolved {
  const vfs = ctx.proc.vfs;
  const tree = procTree(ctx.proc, ctx.thread);
  if (path.length === 0) {
    if (!opts.emptyPath) throw new LinuxError(ENOENT);
    if ((dirfd | 0) === AT_FDCWD) return vfs.resolve('.', { tree });
    const desc = ctx.proc.fds.get(dirfd | 0);
    if (!desc) throw new LinuxError(EBADF);
    const node = { kind: 'magic' as const, ino: 0, target: desc.path, object: desc, dir: directoryPathOf(desc) };
    return { guest: desc.path, trailingSlash: false, node, dir: { fd: -1, owned: false, guest: '/' }, name: '.', stat: null };
  }
  const base = path.startsWith('/') ? undefined : baseDir(ctx, dirfd);
  return vfs.resolve(path, { base, followLast: opts.follow, tree });
}

/** Look `path` up, run `fn` on the result, and let the lookup go. */
export function withLookup<T>(ctx: SyscallContext, dirfd: number, path: string, opts: LookupOptions, fn: (r: Resolved) => T): T {
  const r = lookupAt(ctx, dirfd, path, opts);
  try {
    return fn(r);
  } finally {
    release(r);
  }
}

/** The final component of a path as written (for the '.' and '..' special cases). */
export function lastComponent(path: string): string {
  const parts = path.split('/').filter((c) => c.length > 0);
  return parts.length === 0 ? '/' : parts[parts.length - 1];
}
