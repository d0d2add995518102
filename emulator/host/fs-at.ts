// Host libc calls that act on a name inside an open directory (the *at
// family) and openat2, through which the guest's file system is confined:
// every path the guest names is looked up relative to a directory fd dsu
// holds, one component or one kernel-confined walk at a time, never as a
// host path string the kernel would resolve again. Failures throw an error
// shaped like Node's (with `code`), so errnoOf() translates them.
import { hostCallError, libc } from './ffi.js';

const syscallFn = libc.func('long syscall(long number, ...)');
const statxFn = libc.func('int statx(int dirfd, const char *path, int flags, unsigned int mask, _Out_ uint8_t *buf)');
const mkdiratFn = libc.func('int mkdirat(int dirfd, const char *path, uint32_t mode)');
const mknodatFn = libc.func('int mknodat(int dirfd, const char *path, uint32_t mode, uint64_t dev)');
const unlinkatFn = libc.func('int unlinkat(int dirfd, const char *path, int flags)');
const renameat2Fn = libc.func('int renameat2(int olddirfd, const char *oldpath, int newdirfd, const char *newpath, unsigned int flags)');
const linkatFn = libc.func('int linkat(int olddirfd, const char *oldpath, int newdirfd, const char *newpath, int flags)');
const symlinkatFn = libc.func('int symlinkat(const char *target, int newdirfd, const char *linkpath)');
const readlinkatFn = libc.func('int64_t readlinkat(int dirfd, const char *path, _Out_ uint8_t *buf, size_t size)');
const fchownatFn = libc.func('int fchownat(int dirfd, const char *path, uint32_t uid, uint32_t gid, int flags)');
const utimensatFn = libc.func('int utimensat(int dirfd, const char *path, void *times, int flags)');
const closeFn = libc.func('int close(int fd)');

const SYS_openat2 = 437;
const SYS_faccessat2 = 439;

export const HOST_O_DIRECTORY = 0o200000;
const HOST_O_NOFOLLOW = 0o400000;
const HOST_O_CLOEXEC = 0o2000000;
export const HOST_O_PATH = 0o10000000;

export const RESOLVE_NO_MAGICLINKS = 0x02;
export const RESOLVE_NO_SYMLINKS = 0x04;
export const RESOLVE_BENEATH = 0x08;
export const RESOLVE_IN_ROOT = 0x10;

export const HOST_AT_SYMLINK_NOFOLLOW = 0x100;
export const HOST_AT_REMOVEDIR = 0x200;
export const HOST_AT_SYMLINK_FOLLOW = 0x400;
export const HOST_AT_EMPTY_PATH = 0x1000;

function check(r: number | bigint, call: string): number {
  const n = Number(r);
  if (n < 0) throw hostCallError(call);
  return n;
}

const how = Buffer.alloc(24);

/** openat2(2): `resolve` confines the walk (RESOLVE_IN_ROOT, RESOLVE_BENEATH...). */
export function hostOpenat2(dirfd: number, path: string, flags: number, mode: number, resolve: number): number {
  how.writeBigUInt64LE(BigInt(flags | HOST_O_CLOEXEC), 0);
  how.writeBigUInt64LE(BigInt(mode), 8);
  how.writeBigUInt64LE(BigInt(resolve), 16);
  return check(syscallFn(SYS_openat2, 'int', dirfd, 'const char *', path, 'void *', how, 'size_t', 24), 'openat2');
}

/** An O_PATH fd for `name` in `dirfd`, the name itself (a symlink is not followed), never leaving `dirfd`. */
export function hostOpenPath(dirfd: number, name: string, directory = false): number {
  return hostOpenat2(dirfd, name, HOST_O_PATH | HOST_O_NOFOLLOW | (directory ? HOST_O_DIRECTORY : 0), 0,
    RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_SYMLINKS);
}

export function hostClose(fd: number): void {
  closeFn(fd);
}

/** statx into `buf` (256 bytes, the host's struct statx). */
export function hostStatxAt(dirfd: number, path: string, flags: number, mask: number, buf: Buffer): void {
  check(statxFn(dirfd, path, flags, mask, buf), 'statx');
}

export function hostMkdirAt(dirfd: number, name: string, mode: number): void {
  check(mkdiratFn(dirfd, name, mode), 'mkdirat');
}

export function hostMknodAt(dirfd: number, name: string, mode: number, dev: bigint): void {
  check(mknodatFn(dirfd, name, mode, dev), 'mknodat');
}

export function hostUnlinkAt(dirfd: number, name: string, flags: number): void {
  check(unlinkatFn(dirfd, name, flags), 'unlinkat');
}

export function hostRenameAt(fromDir: number, from: string, toDir: number, to: string, flags: number): void {
  check(renameat2Fn(fromDir, from, toDir, to, flags), 'renameat2');
}

export function hostLinkAt(fromDir: number, from: string, toDir: number, to: string, flags: number): void {
  check(linkatFn(fromDir, from, toDir, to, flags), 'linkat');
}

export function hostSymlinkAt(target: string, dirfd: number, name: string): void {
  check(symlinkatFn(target, dirfd, name), 'symlinkat');
}

const linkBuf = Buffer.alloc(4096);

/** readlinkat: the link's text as bytes. */
export function hostReadlinkAt(dirfd: number, name: string): Buffer {
  const n = check(readlinkatFn(dirfd, name, linkBuf, linkBuf.length), 'readlinkat');
  return Buffer.from(linkBuf.subarray(0, n));
}

export function hostFchownAt(dirfd: number, name: string, uid: number, gid: number, flags: number): void {
  check(fchownatFn(dirfd, name, uid >>> 0, gid >>> 0, flags), 'fchownat');
}

/** `times` is two host struct timespec (16 bytes each) or null for "now". */
export function hostUtimensAt(dirfd: number, name: string, times: Buffer | null, flags: number): void {
  check(utimensatFn(dirfd, name, times, flags), 'utimensat');
}

/** faccessat2(2), which takes AT_SYMLINK_NOFOLLOW and AT_EMPTY_PATH. */
export function hostAccessAt(dirfd: number, name: string, mode: number, flags: number): void {
  check(syscallFn(SYS_faccessat2, 'int', dirfd, 'const char *', name, 'int', mode, 'int', flags), 'faccessat2');
}
