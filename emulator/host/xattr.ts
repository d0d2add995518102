// Extended attributes of host files through the host's libc (Node has no
// xattr API). Each call takes a host path (following or not following a
// final symlink) or a host fd; failures throw Node-shaped errors.
import { hostCallError, libc } from './ffi.js';

const fns = {
  get: libc.func('int64_t getxattr(const char *path, const char *name, void *value, size_t size)'),
  lget: libc.func('int64_t lgetxattr(const char *path, const char *name, void *value, size_t size)'),
  fget: libc.func('int64_t fgetxattr(int fd, const char *name, void *value, size_t size)'),
  set: libc.func('int setxattr(const char *path, const char *name, const void *value, size_t size, int flags)'),
  lset: libc.func('int lsetxattr(const char *path, const char *name, const void *value, size_t size, int flags)'),
  fset: libc.func('int fsetxattr(int fd, const char *name, const void *value, size_t size, int flags)'),
  list: libc.func('int64_t listxattr(const char *path, void *list, size_t size)'),
  llist: libc.func('int64_t llistxattr(const char *path, void *list, size_t size)'),
  flist: libc.func('int64_t flistxattr(int fd, void *list, size_t size)'),
  remove: libc.func('int removexattr(const char *path, const char *name)'),
  lremove: libc.func('int lremovexattr(const char *path, const char *name)'),
  fremove: libc.func('int fremovexattr(int fd, const char *name)'),
};

function check(r: number | bigint, call: string): number {
  const n = Number(r);
  if (n >= 0) return n;
  throw hostCallError(call);
}

/** A file named by host path (follow: whether a final symlink is followed) or by host fd. */
export type XattrTarget = { path: string; follow: boolean } | { fd: number };

export function hostGetXattr(t: XattrTarget, name: string, value: Buffer | null): number {
  const size = value?.length ?? 0;
  if ('fd' in t) return check(fns.fget(t.fd, name, value, size), 'fgetxattr');
  return check((t.follow ? fns.get : fns.lget)(t.path, name, value, size), 'getxattr');
}

export function hostSetXattr(t: XattrTarget, name: string, value: Buffer, flags: number): void {
  if ('fd' in t) check(fns.fset(t.fd, name, value, value.length, flags), 'fsetxattr');
  else check((t.follow ? fns.set : fns.lset)(t.path, name, value, value.length, flags), 'setxattr');
}

export function hostListXattr(t: XattrTarget, list: Buffer | null): number {
  const size = list?.length ?? 0;
  if ('fd' in t) return check(fns.flist(t.fd, list, size), 'flistxattr');
  return check((t.follow ? fns.list : fns.llist)(t.path, list, size), 'listxattr');
}

export function hostRemoveXattr(t: XattrTarget, name: string): void {
  if ('fd' in t) check(fns.fremove(t.fd, name), 'fremovexattr');
  else check((t.follow ? fns.remove : fns.lremove)(t.path, name), 'removexattr');
}
