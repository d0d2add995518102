// Extended attributes: get/set/list/remove xattr on a path (following a
// final symlink or not) or an fd, served by the host file's own attributes.
// Changes go through the write policy like any other change to a file;
// /proc files dsu makes up have none (EOPNOTSUPP, as procfs answers).
import { EBADF, ENOENT, EOPNOTSUPP, ERANGE, EINVAL, LinuxError } from '../abi/errno.js';
import { AT_FDCWD } from '../abi/fcntl.js';
import { O_PATH } from '../files/description.js';
import { hostGetXattr, hostListXattr, hostRemoveXattr, hostSetXattr, XattrTarget } from '../host/xattr.js';
import { nameInDir, procFdPath, withObjectFd } from '../files/host-objects.js';
import { pathArg, withLookup } from '../files/lookup.js';
import { changeableFd, changeObject } from './fs-attrs.js';
import { fdOf } from './fs-io.js';
import { row, SyscallContext, SyscallRow } from './types.js';

const XATTR_NAME_MAX = 255;
const XATTR_SIZE_MAX = 65536;
const XATTR_CREATE = 1;
const XATTR_REPLACE = 2;

type Named = { path: number; follow: boolean } | { fd: number };

/**
 * Run `fn` on the host file to read or change attributes of (null for a
 * file dsu makes up: it has none). A path is handed to the host as an
 * O_PATH fd on the object found (a followed name), or as the name inside
 * its held directory (a name not followed): never a path resolved again.
 */
function withTarget<T>(ctx: SyscallContext, at: Named, changing: boolean, fn: (t: XattrTarget | null) => T): T {
  if ('fd' in at) {
    if (changing) return fn({ fd: changeableFd(ctx, at.fd) });
    const d = fdOf(ctx, at.fd);
    if (!d || d.statusFlags & O_PATH) throw new LinuxError(EBADF);
    const fd = d.hostFd();
    return fn(fd === null ? null : { fd });
  }
  return withLookup(ctx, AT_FDCWD, pathArg(ctx, at.path), { follow: at.follow }, (r) => {
    if (r.node?.kind === 'magic') {
      if (changing) return changeObject(ctx, r, (p) => fn({ path: p, follow: true }));
      const fd = r.node.object.hostFd();
      return fn(fd === null ? null : { fd });
    }
    if (r.node) return fn(null);
    if (changing) ctx.proc.vfs.policy.checkObject(r.dir.fd, r.stat, r.guest);
    if (!at.follow) return fn({ path: nameInDir(r), follow: false });
    if (r.stat === null) throw new LinuxError(ENOENT, r.guest);
    return withObjectFd(r, true, (fd) => fn({ path: procFdPath(fd), follow: true }));
  });
}

function attrName(ctx: SyscallContext, p: number): string {
  const name = ctx.mem.cstring(p, XATTR_NAME_MAX + 1);
  if (name.length === 0) throw new LinuxError(ERANGE);
  return name;
}

function getXattr(ctx: SyscallContext, at: Named, namePtr: number, value: number, size: number): number {
  const name = attrName(ctx, namePtr);
  return withTarget(ctx, at, false, (t) => {
    // like procfs, which has no user.* attributes
    if (t === null) return -EOPNOTSUPP;
    if (size === 0) return hostGetXattr(t, name, null);
    const buf = Buffer.alloc(Math.min(size, XATTR_SIZE_MAX));
    const n = hostGetXattr(t, name, buf);
    ctx.mem.write(value, buf.subarray(0, n));
    return n;
  });
}

function setXattr(ctx: SyscallContext, at: Named, namePtr: number, value: number, size: number, flags: number): number {
  if (flags & ~(XATTR_CREATE | XATTR_REPLACE)) return -EINVAL;
  if (size > XATTR_SIZE_MAX) return -7; // E2BIG
  const name = attrName(ctx, namePtr);
  const bytes = Buffer.from(ctx.mem.readable(value, size));
  return withTarget(ctx, at, true, (t) => {
    if (t === null) return -EOPNOTSUPP;
    hostSetXattr(t, name, bytes, flags);
    return 0;
  });
}

function listXattr(ctx: SyscallContext, at: Named, list: number, size: number): number {
  return withTarget(ctx, at, false, (t) => {
    if (t === null) return 0;
    if (size === 0) return hostListXattr(t, null);
    const buf = Buffer.alloc(Math.min(size, XATTR_SIZE_MAX));
    const n = hostListXattr(t, buf);
    ctx.mem.write(list, buf.subarray(0, n));
    return n;
  });
}

function removeXattr(ctx: SyscallContext, at: Named, namePtr: number): number {
  const name = attrName(ctx, namePtr);
  return withTarget(ctx, at, true, (t) => {
    if (t === null) return -EOPNOTSUPP;
    hostRemoveXattr(t, name);
    return 0;
  });
}

const path = (p: number): Named => ({ path: p, follow: true });
const link = (p: number): Named => ({ path: p, follow: false });
const fd = (f: number): Named => ({ fd: f | 0 });

export const fsXattrRows: SyscallRow[] = [
  row(229, 'getxattr', ['str', 'str', 'outbuf', 'size'], (ctx, a, b, c, d) => getXattr(ctx, path(a), b, c, d)),
  row(230, 'lgetxattr', ['str', 'str', 'outbuf', 'size'], (ctx, a, b, c, d) => getXattr(ctx, link(a), b, c, d)),
  row(231, 'fgetxattr', ['fd', 'str', 'outbuf', 'size'], (ctx, a, b, c, d) => getXattr(ctx, fd(a), b, c, d)),
  row(226, 'setxattr', ['str', 'str', 'buf', 'size', 'hex'], (ctx, a, b, c, d, e) => setXattr(ctx, path(a), b, c, d, e)),
  row(227, 'lsetxattr', ['str', 'str', 'buf', 'size', 'hex'], (ctx, a, b, c, d, e) => setXattr(ctx, link(a), b, c, d, e)),
  row(228, 'fsetxattr', ['fd', 'str', 'buf', 'size', 'hex'], (ctx, a, b, c, d, e) => setXattr(ctx, fd(a), b, c, d, e)),
  row(232, 'listxattr', ['str', 'outbuf', 'size'], (ctx, a, b, c) => listXattr(ctx, path(a), b, c)),
  row(233, 'llistxattr', ['str', 'outbuf', 'size'], (ctx, a, b, c) => listXattr(ctx, link(a), b, c)),
  row(234, 'flistxattr', ['fd', 'outbuf', 'size'], (ctx, a, b, c) => listXattr(ctx, fd(a), b, c)),
  row(235, 'removexattr', ['str', 'str'], (ctx, a, b) => removeXattr(ctx, path(a), b)),
  row(236, 'lremovexattr', ['str', 'str'], (ctx, a, b) => removeXattr(ctx, link(a), b)),
  row(237, 'fremovexattr', ['fd', 'str'], (ctx, a, b) => removeXattr(ctx, fd(a), b)),
];
