// Host libc calls the file layer needs and Node's fs does not offer: lseek,
// fcntl record locks and status flags, flock, getdents64, terminal ioctls,
// statfs, futimens with nanoseconds, fallocate, faccessat. Calls naming a
// guest path go through the *at calls of host/fs-at.ts instead. Failures throw an error shaped like Node's (with `code`),
// so errnoOf() translates them like any other host error.
import { hostCallError, libc } from './ffi.js';

const lseekFn = libc.func('int64_t lseek(int fd, int64_t offset, int whence)');
const fcntlFn = libc.func('int fcntl(int fd, int cmd, ...)');
const ioctlFn = libc.func('int ioctl(int fd, unsigned long request, ...)');
const flockFn = libc.func('int flock(int fd, int operation)');
const getdentsFn = libc.func('int64_t getdents64(int fd, void *buf, size_t count)');
const statfsFn = libc.func('int statfs(const char *path, void *buf)');
const fstatfsFn = libc.func('int fstatfs(int fd, void *buf)');
const utimensatFn = libc.func('int utimensat(int dirfd, const char *path, void *times, int flags)');
const futimensFn = libc.func('int futimens(int fd, void *times)');
const fallocateFn = libc.func('int fallocate(int fd, int mode, int64_t offset, int64_t len)');
const faccessatFn = libc.func('int faccessat(int dirfd, const char *path, int mode, int flags)');
const memfdCreateFn = libc.func('int memfd_create(const char *name, unsigned int flags)');

const HOST_AT_FDCWD = -100;
const HOST_F_GETFL = 3;
const HOST_F_SETFL = 4;

function check(r: number | bigint, call: string): number {
  const n = Number(r);
  if (n < 0) throw hostCallError(call);
  return n;
}

export function hostLseek(fd: number, offset: number, whence: number): number {
  return check(lseekFn(fd, offset, whence), 'lseek');
}

export function hostGetFl(fd: number): number {
  return check(fcntlFn(fd, HOST_F_GETFL), 'fcntl');
}

export function hostSetFl(fd: number, flags: number): void {
  check(fcntlFn(fd, HOST_F_SETFL, 'int', flags), 'fcntl');
}

/** fcntl with an int argument (F_ADD_SEALS, F_GET_SEALS). */
export function hostFcntlInt(fd: number, cmd: number, arg: number): number {
  return check(fcntlFn(fd, cmd, 'int', arg), 'fcntl');
}

export function hostMemfdCreate(name: string, flags: number): number {
  return check(memfdCreateFn(name, flags), 'memfd_create');
}

/** fcntl with a struct flock: `lock` is the host's 32-byte struct, read and written. */
export function hostFcntlLock(fd: number, cmd: number, lock: Buffer): void {
  check(fcntlFn(fd, cmd, 'void *', lock), 'fcntl');
}

export function hostFlock(fd: number, operation: number): void {
  check(flockFn(fd, operation), 'flock');
}

export function hostGetdents64(fd: number, buf: Buffer): number {
  return check(getdentsFn(fd, buf, buf.length), 'getdents64');
}

export function hostIoctl(fd: number, request: number, arg: Buffer | number | null): number {
  const r = arg === null ? ioctlFn(fd, request)
    : typeof arg === 'number' ? ioctlFn(fd, request, 'unsigned long', arg)
      : ioctlFn(fd, request, 'void *', arg);
  return check(r, 'ioctl');
}

export function hostStatfs(target: string | number, buf: Buffer): void {
  if (typeof target === 'number') check(fstatfsFn(target, buf), 'fstatfs');
  else check(statfsFn(target, buf), 'statfs');
}

/** `times` is two host struct timespec (16 bytes each) or null for "now". */
export function hostUtimens(target: string | number, times: Buffer | null, flags: number): void {
  if (typeof target === 'number') check(futimensFn(target, times), 'futimens');
  else check(utimensatFn(HOST_AT_FDCWD, target, times, flags), 'utimensat');
}

export function hostFallocate(fd: number, mode: number, offset: number, len: number): void {
  check(fallocateFn(fd, mode, offset, len), 'fallocate');
}

export function hostAccess(path: string, mode: number, flags: number): void {
  check(faccessatFn(HOST_AT_FDCWD, path, mode, flags), 'faccessat');
}

