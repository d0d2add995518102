// Metadata of names inside host directories held open by fd: the small
// steps the confined lookup and the syscalls build on.
import { HOST_AT_EMPTY_PATH, HOST_AT_SYMLINK_NOFOLLOW, hostStatxAt } from '../host/fs-at.js';
import { S_IFDIR, S_IFLNK, S_IFMT } from '../abi/fcntl.js';
import type { StatInfo } from './description.js';
import { HOST_STATX_SIZE, statFromStatx } from './stat-info.js';

/** STATX_BASIC_STATS | STATX_BTIME */
const STATX_ALL = 0xfff;
const buf = Buffer.alloc(HOST_STATX_SIZE);

/** lstat of `name` in the directory `dirfd` ('' for the fd itself); null when it does not exist. */
export function lstatAt(dirfd: number, name: string): StatInfo | null {
  try {
    hostStatxAt(dirfd, name, HOST_AT_SYMLINK_NOFOLLOW | (name === '' ? HOST_AT_EMPTY_PATH : 0), STATX_ALL, buf);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  return statFromStatx(buf);
}

/** Metadata of an open host fd (O_PATH ones included). */
export function fstatFd(fd: number): StatInfo {
  hostStatxAt(fd, '', HOST_AT_SYMLINK_NOFOLLOW | HOST_AT_EMPTY_PATH, STATX_ALL, buf);
  return statFromStatx(buf);
}

export interface FileId {
  dev: bigint;
  ino: bigint;
}

export const sameFile = (a: FileId, b: FileId): boolean => a.dev === b.dev && a.ino === b.ino;
export const isDir = (st: StatInfo): boolean => (st.mode & S_IFMT) === S_IFDIR;
export const isSymlink = (st: StatInfo): boolean => (st.mode & S_IFMT) === S_IFLNK;
