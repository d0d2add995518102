// open(2) for the guest: look the path up, apply the write policy before the
// host is touched, open the host file, and wrap it in the description its
// type calls for. /proc/self nodes and /proc/self/fd/N reopenings are served
// without the host's /proc.
import fs from 'node:fs';
import { EACCES, EEXIST, EINVAL, EISDIR, ELOOP, ENOTDIR, ENXIO, EOVERFLOW, EROFS, errnoOf, LinuxError } from '../abi/errno.js';
import { O_DIRECT, O_NOATIME, O_SYNC, O_TMPFILE, O_TMPFILE_BIT, S_IFIFO, S_IFMT } from '../abi/fcntl.js';
import { hostOpenat2, RESOLVE_BENEATH, RESOLVE_NO_MAGICLINKS, RESOLVE_NO_SYMLINKS } from '../host/fs-at.js';
import { isDir, isSymlink } from './host-names.js';
import { checkDeviceOpen, descriptionMayChange, procFdPath } from './host-objects.js';
import {
  FileDescription, O_ACCMODE, O_APPEND, O_CLOEXEC, O_CREAT, O_DIRECTORY, O_DSYNC, O_EXCL, O_NOCTTY, O_NOFOLLOW,
  O_LARGEFILE, O_NONBLOCK, O_PATH, O_RDONLY, O_TRUNC,
} from './description.js';
import { HostDirectory } from './directory.js';
import { HostFile, MAX_NON_LFS, PathOnly } from './host-file.js';
import { HostStream } from './host-stream.js';
import { PipeEnd } from './pipe.js';
import { VirtualDirectory, VirtualFile } from './virtual-files.js';
import { lookupAt } from './lookup.js';
import { release, type Resolved, type VirtualNode } from './vfs.js';
import type { SyscallContext } from '../syscalls/types.js';

/** Open flags the host kernel acts on (the rest is the guest's business or dropped). */
const HOST_FLAGS = O_ACCMODE | O_APPEND | O_DSYNC | O_SYNC | O_DIRECT | O_DIRECTORY | O_NOATIME | O_PATH |
  O_TMPFILE_BIT | O_TRUNC | O_NOCTTY;
/** Flags the kernel does not keep in the description (F_GETFL never shows them). */
const TRANSIENT = O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_CLOEXEC;

function writes(flags: number): boolean {
  return (flags & O_PATH) === 0 && ((flags & O_ACCMODE) !== O_RDONLY || (flags & O_TRUNC) !== 0);
}

/** Wrap a freshly opened host fd according to what it turned out to be. */
export function describeHostFd(fd: number, statusFlags: number, guestPath: string): FileDescription {
  let st: fs.Stats;
  try {
    st = fs.fstatSync(fd);
  } catch (e) {
    fs.closeSync(fd);
    throw e;
  }
  if (statusFlags & O_PATH) return new PathOnly(fd, statusFlags, guestPath, st.isDirectory());
  if (st.isDirectory()) return new HostDirectory(fd, statusFlags, guestPath);
  if (st.isFile()) {
    // generic_file_open: a file a non-LFS program could not address entirely
    if (!(statusFlags & O_LARGEFILE) && st.size > MAX_NON_LFS) {
      fs.closeSync(fd);
      throw new LinuxError(EOVERFLOW);
    }
    return new HostFile(fd, statusFlags, guestPath);
  }
  return new OpenedStream(fd, statusFlags, guestPath, true);
}

/**
 * A FIFO, device or socket the guest opened by path. Unlike the streams it
 * was handed at start (stdin, stdout...), reopening it for writing through
 * /proc/self/fd is subject to the write policy.
 */
class OpenedStream extends HostStream {}

/** Tries of an open whose final name keeps being swapped for a symlink. */
const OPEN_RETRIES = 8;

export function openAt(ctx: SyscallContext, dirfd: number, path: string, flags: number, mode: number): FileDescription {
  const tmpfile = (flags & O_TMPFILE_BIT) !== 0;
  if (tmpfile && ((flags & O_TMPFILE) !== O_TMPFILE || (flags & O_ACCMODE) === O_RDONLY)) throw new LinuxError(EINVAL);
  const creating = !tmpfile && (flags & O_CREAT) !== 0;
  const exclusive = creating && (flags & O_EXCL) !== 0;
  const follow = (flags & O_NOFOLLOW) === 0 && !exclusive;
  for (let attempt = 0; ; attempt++) {
    const r = lookupAt(ctx, dirfd, path, { follow });
    try {
      if (r.node) return openVirtual(ctx, r, r.node, flags);
      return openHost(ctx, r, flags, mode, creating, exclusive, tmpfile);
    } catch (e) {
      // the name became a symlink after the lookup followed it: look again
      const swapped = follow && errnoOf(e) === ELOOP && r.stat !== null && !isSymlink(r.stat);
      if (!swapped || attempt >= OPEN_RETRIES) throw e;
    } finally {
      release(r);
    }
  }
}

function openHost(ctx: SyscallContext, r: Resolved, flags: number, mode: number, creating: boolean, exclusive: boolean, tmpfile: boolean): FileDescription {
  const policy = ctx.proc.vfs.policy;
  const st = r.stat;
  if (st === null && creating && r.trailingSlash) throw new LinuxError(EISDIR);
  if (st !== null && exclusive) throw new LinuxError(EEXIST);
  if (st !== null && isDir(st) && !tmpfile && (flags & O_PATH) === 0 && (flags & O_ACCMODE) !== O_RDONLY) throw new LinuxError(EISDIR);
  const willCreate = creating && st === null;
  // an O_TMPFILE file is made inside the directory the path names
  if (tmpfile) policy.checkObject(r.dir.fd, st, r.guest);
  else if (willCreate) policy.checkIn(r.dir.fd, r.guest);
  else if (st !== null && writes(flags)) policy.checkObject(r.dir.fd, st, r.guest);
  if (st !== null && (flags & O_PATH) === 0) checkDeviceOpen(st, r.guest);
  let hostFlags = (flags & HOST_FLAGS) | O_NOFOLLOW;
  if (willCreate) hostFlags |= O_CREAT | (exclusive ? O_EXCL : 0);
  // a FIFO must not block the host while it waits for its other end
  if (st !== null && (st.mode & S_IFMT) === S_IFIFO) hostFlags |= O_NONBLOCK;
  const createMode = mode & 0o7777 & ~ctx.proc.umask;
  const fd = hostOpenat2(r.dir.fd, r.name, hostFlags, willCreate || tmpfile ? createMode : 0, RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS);
  if (willCreate || tmpfile) applyMode(fd, createMode);
  if (flags & O_TRUNC) ctx.proc.space.recheckFileSizes();
  return describeHostFd(fd, flags & ~TRANSIENT, r.guest);
}

/** The host's umask is not the guest's: give a new file exactly the mode the guest asked for. */
function applyMode(fd: number, mode: number): void {
  if ((fs.fstatSync(fd).mode & 0o7777) !== mode) fs.fchmodSync(fd, mode);
}

function openVirtual(ctx: SyscallContext, r: Resolved, node: VirtualNode, flags: number): FileDescription {
  const statusFlags = flags & ~TRANSIENT;
  switch (node.kind) {
    case 'file':
      if (writes(flags)) throw new LinuxError(EACCES);
      if (flags & O_DIRECTORY) throw new LinuxError(ENOTDIR);
      return new VirtualFile(node, node.content(), statusFlags, r.guest);
    case 'dir':
      if (writes(flags)) throw new LinuxError(EISDIR);
      return new VirtualDirectory(node, statusFlags, r.guest);
    case 'link':
      throw new LinuxError(ELOOP);
    case 'magic':
      return reopen(ctx, node.object, flags);
  }
}

/** Opening /proc/self/fd/N: a new description of the same open file. */
function reopen(ctx: SyscallContext, desc: FileDescription, flags: number): FileDescription {
  const statusFlags = flags & ~TRANSIENT;
  if (desc instanceof PipeEnd) return desc.reopen(statusFlags);
  const hostFd = desc.hostFd();
  if (hostFd === null) throw new LinuxError(ENXIO);
  // the streams the user handed over (stdin, stdout...) may be written as given
  const handedOver = desc instanceof HostStream && !(desc instanceof OpenedStream);
  if (writes(flags) && !handedOver && !descriptionMayChange(ctx.proc.vfs, desc)) throw new LinuxError(EROFS, `${desc.path} is outside the writable directories`);
  const fd = fs.openSync(procFdPath(hostFd), (flags & HOST_FLAGS) | O_CLOEXEC);
  return describeHostFd(fd, statusFlags, desc.path);
}
