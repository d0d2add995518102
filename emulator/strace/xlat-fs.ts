// Names of file-system constants as strace prints them (i386 Linux values):
// *at() flags, statx masks and attributes, access modes, seek whences, file
// types and mode bits, fcntl commands, flock operations.
import { flags, named, type Xlat } from './xlat.js';

const AT_FLAGS: Xlat = [
  ['AT_SYMLINK_NOFOLLOW', 0x100], ['AT_REMOVEDIR', 0x200], ['AT_SYMLINK_FOLLOW', 0x400],
  ['AT_NO_AUTOMOUNT', 0x800], ['AT_EMPTY_PATH', 0x1000], ['AT_RECURSIVE', 0x8000],
];

const STATX_SYNC: Xlat = [['AT_STATX_SYNC_AS_STAT', 0], ['AT_STATX_FORCE_SYNC', 0x2000], ['AT_STATX_DONT_SYNC', 0x4000]];
const STATX_SYNC_MASK = 0x6000;

export const atFlags = (v: number): string => flags(v, AT_FLAGS, '0', 'AT_???');

/** statx's flags: the sync type always first, then the AT_ flags. */
export function statxFlags(v: number): string {
  const sync = named(v & STATX_SYNC_MASK, STATX_SYNC, '0x' + (v & STATX_SYNC_MASK).toString(16));
  const rest = v & ~STATX_SYNC_MASK;
  return rest === 0 ? sync : `${sync}|${flags(rest, AT_FLAGS)}`;
}

const STATX_MASK: Xlat = [
  ['STATX_ALL', 0xfff], ['STATX_BASIC_STATS', 0x7ff], ['STATX_TYPE', 0x1], ['STATX_MODE', 0x2], ['STATX_NLINK', 0x4],
  ['STATX_UID', 0x8], ['STATX_GID', 0x10], ['STATX_ATIME', 0x20], ['STATX_MTIME', 0x40], ['STATX_CTIME', 0x80],
  ['STATX_INO', 0x100], ['STATX_SIZE', 0x200], ['STATX_BLOCKS', 0x400], ['STATX_BTIME', 0x800],
  ['STATX_MNT_ID', 0x1000], ['STATX_DIOALIGN', 0x2000],
];

export const statxMask = (v: number): string => flags(v, STATX_MASK);

const STATX_ATTRS: Xlat = [
  ['STATX_ATTR_COMPRESSED', 0x4], ['STATX_ATTR_IMMUTABLE', 0x10], ['STATX_ATTR_APPEND', 0x20], ['STATX_ATTR_NODUMP', 0x40],
  ['STATX_ATTR_ENCRYPTED', 0x800], ['STATX_ATTR_AUTOMOUNT', 0x1000], ['STATX_ATTR_MOUNT_ROOT', 0x2000],
  ['STATX_ATTR_VERITY', 0x100000], ['STATX_ATTR_DAX', 0x200000],
];

export const statxAttributes = (v: bigint): string => (v === 0n ? '0' : flags(Number(v & 0xffffffffn), STATX_ATTRS));

const ACCESS: Xlat = [['R_OK', 4], ['W_OK', 2], ['X_OK', 1]];

export const accessMode = (v: number): string => flags(v, ACCESS, 'F_OK');

const WHENCE: Xlat = [['SEEK_SET', 0], ['SEEK_CUR', 1], ['SEEK_END', 2], ['SEEK_DATA', 3], ['SEEK_HOLE', 4]];

export const whence = (v: number): string => named(v, WHENCE);

const FILE_TYPES: Xlat = [
  ['S_IFREG', 0o100000], ['S_IFSOCK', 0o140000], ['S_IFIFO', 0o10000], ['S_IFLNK', 0o120000],
  ['S_IFDIR', 0o40000], ['S_IFBLK', 0o60000], ['S_IFCHR', 0o20000],
];

/** A file mode with its type: S_IFREG|0644, S_IFCHR|S_ISVTX|0650. */
export function fileMode(mode: number): string {
  const type = mode & 0o170000;
  const parts: string[] = [];
  if (type !== 0) parts.push(named(type, FILE_TYPES, '0' + type.toString(8)));
  if (mode & 0o4000) parts.push('S_ISUID');
  if (mode & 0o2000) parts.push('S_ISGID');
  if (mode & 0o1000) parts.push('S_ISVTX');
  const perm = mode & 0o777;
  parts.push(perm === 0 ? '000' : '0' + perm.toString(8).padStart(2, '0'));
  return parts.join('|');
}

export const FCNTL_COMMANDS: Xlat = [
  ['F_DUPFD', 0], ['F_GETFD', 1], ['F_SETFD', 2], ['F_GETFL', 3], ['F_SETFL', 4], ['F_GETLK', 5], ['F_SETLK', 6],
  ['F_SETLKW', 7], ['F_SETOWN', 8], ['F_GETOWN', 9], ['F_SETSIG', 10], ['F_GETSIG', 11], ['F_GETLK64', 12],
  ['F_SETLK64', 13], ['F_SETLKW64', 14], ['F_SETOWN_EX', 15], ['F_GETOWN_EX', 16], ['F_GETOWNER_UIDS', 17],
  ['F_OFD_GETLK', 36], ['F_OFD_SETLK', 37], ['F_OFD_SETLKW', 38],
  ['F_SETLEASE', 1024], ['F_GETLEASE', 1025], ['F_NOTIFY', 1026], ['F_DUPFD_CLOEXEC', 1030],
  ['F_SETPIPE_SZ', 1031], ['F_GETPIPE_SZ', 1032], ['F_ADD_SEALS', 1033], ['F_GET_SEALS', 1034],
];

export const fdFlagNames = (v: number): string => flags(v, [['FD_CLOEXEC', 1]]);

const LOCK_OPS: Xlat = [['LOCK_SH', 1], ['LOCK_EX', 2], ['LOCK_NB', 4], ['LOCK_UN', 8]];

/** flock's operation: one of SH, EX, UN, with LOCK_NB. */
export function flockOp(v: number): string {
  const base = named(v & ~4, LOCK_OPS, String(v & ~4));
  return v & 4 ? `${base}|LOCK_NB` : base;
}

export const LOCK_TYPES: Xlat = [['F_RDLCK', 0], ['F_WRLCK', 1], ['F_UNLCK', 2]];

const RENAME_FLAGS: Xlat = [['RENAME_NOREPLACE', 1], ['RENAME_EXCHANGE', 2], ['RENAME_WHITEOUT', 4]];

export const renameFlags = (v: number): string => flags(v, RENAME_FLAGS);
