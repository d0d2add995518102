// File descriptor operations: fcntl (fd flags, status flags, record locks,
// pipe size; owners, signals and leases in fcntl-async.ts), dup/dup2/dup3,
// close_range, flock, pipe/pipe2.
import { EAGAIN, EACCES, EBADF, EINVAL, EOVERFLOW, errnoOf } from '../abi/errno.js';
import {
  CLOSE_RANGE_CLOEXEC, CLOSE_RANGE_UNSHARE, FD_CLOEXEC, F_DUPFD, F_DUPFD_CLOEXEC, F_GETFD, F_GETFL, F_GETLK, F_GETLK64,
  F_GETPIPE_SZ, F_OFD_GETLK, F_OFD_SETLK, F_OFD_SETLKW, F_SETFD, F_SETFL, F_SETLK, F_SETLK64, F_SETLKW, F_SETLKW64,
  F_SETPIPE_SZ, LOCK_NB, O_ASYNC, O_DIRECT, O_NOATIME, readFlock, writeFlock,
} from '../abi/fcntl.js';
import { FileDescription, O_APPEND, O_CLOEXEC, O_NONBLOCK, O_PATH } from '../files/description.js';
import { DirectoryStream } from '../files/directory.js';
import { PipeEnd } from '../files/pipe.js';
import { hostFcntlInt, hostFcntlLock, hostFlock, hostGetFl, hostSetFl } from '../host/file-calls.js';
import { afterMs, Blocked } from '../kernel/wait.js';
import { fdOf } from './fs-io.js';
import { applyAsyncFlag, asyncFcntl } from './fcntl-async.js';
import { row, SyscallContext, SyscallResult, SyscallRow } from './types.js';
import { capable, CAP_SYS_RESOURCE } from '../kernel/capabilities.js';

/** Status flags F_SETFL may change (the kernel's SETFL_MASK). */
const SETFL_MASK = O_APPEND | O_NONBLOCK | O_DIRECT | O_NOATIME;
/** How often a waiting lock (F_SETLKW, flock without LOCK_NB) is tried again. */
const LOCK_RETRY_MS = 10;
const HOST_F_GETLK = 5;
const HOST_F_SETLK = 6;
const HOST_FLOCK_SIZE = 32;

function setStatusFlags(ctx: SyscallContext, d: FileDescription, fd: number, arg: number): number {
  const flags = applyAsyncFlag(ctx, d, fd, arg);
  if (typeof flags !== 'number') return -flags.errno;
  const hostFd = d.hostFd();
  // O_APPEND is acted on by the host kernel's write
  if (hostFd !== null && !(d instanceof DirectoryStream) && ((d.statusFlags ^ flags) & O_APPEND)) {
    try {
      hostSetFl(hostFd, (hostGetFl(hostFd) & ~O_APPEND) | (flags & O_APPEND));
    } catch (e) {
      return -errnoOf(e);
    }
  }
  d.statusFlags = (d.statusFlags & ~(SETFL_MASK | O_ASYNC)) | (flags & (SETFL_MASK | O_ASYNC));
  return 0;
}

/** Record locks live on the host file, so other processes see them. */
function lock(ctx: SyscallContext, d: FileDescription, cmd: number, arg: number): SyscallResult {
  const hostFd = d.hostFd();
  if (hostFd === null) return -EINVAL;
  const wide = cmd !== F_GETLK && cmd !== F_SETLK && cmd !== F_SETLKW;
  const ofd = cmd === F_OFD_GETLK || cmd === F_OFD_SETLK || cmd === F_OFD_SETLKW;
  const getting = cmd === F_GETLK || cmd === F_GETLK64 || cmd === F_OFD_GETLK;
  const waiting = cmd === F_SETLKW || cmd === F_SETLKW64 || cmd === F_OFD_SETLKW;
  const f = readFlock(ctx.mem, arg, wide);
  const host = Buffer.alloc(HOST_FLOCK_SIZE);
  host.writeInt16LE(f.type, 0);
  host.writeInt16LE(f.whence, 2);
  host.writeBigInt64LE(f.start, 8);
  host.writeBigInt64LE(f.len, 16);
  host.writeInt32LE(f.pid, 24);
  const hostCmd = (getting ? HOST_F_GETLK : HOST_F_SETLK) + (ofd ? F_OFD_GETLK - HOST_F_GETLK : 0);
  try {
    hostFcntlLock(hostFd, hostCmd, host);
  } catch (e) {
    const errno = errnoOf(e);
    if (waiting && (errno === EAGAIN || errno === EACCES)) return new Blocked(afterMs(LOCK_RETRY_MS), 'lock');
    return -errno;
  }
  if (!getting) return 0;
  const out = { type: host.readInt16LE(0), whence: host.readInt16LE(2), start: host.readBigInt64LE(8), len: host.readBigInt64LE(16), pid: host.readInt32LE(24) };
  return writeFlock(ctx.mem, arg, wide, out) ? 0 : -EOVERFLOW;
}

const F_ADD_SEALS = 1033;
const F_GET_SEALS = 1034;

/** File seals live in the host's memfd (or are refused by the host for other files). */
function seals(d: FileDescription, cmd: number, arg: number): number {
  const hostFd = d.hostFd();
  if (hostFd === null) return -EINVAL;
  try {
    return hostFcntlInt(hostFd, cmd, arg);
  } catch (e) {
    return -errnoOf(e);
  }
}

function fcntl(ctx: SyscallContext, fd: number, cmd: number, arg: number, wideCalls: boolean): SyscallResult {
  const d = fdOf(ctx, fd);
  if (!d) return -EBADF;
  const fds = ctx.proc.fds;
  if ((d.statusFlags & O_PATH) && ![F_DUPFD, F_DUPFD_CLOEXEC, F_GETFD, F_SETFD, F_GETFL].includes(cmd)) return -EBADF;
  switch (cmd) {
    case F_DUPFD: return fds.dup(fd, arg | 0, false);
    case F_DUPFD_CLOEXEC: return fds.dup(fd, arg | 0, true);
    case F_GETFD: return fds.cloexec(fd) ? FD_CLOEXEC : 0;
    case F_SETFD:
      fds.setCloexec(fd, (arg & FD_CLOEXEC) !== 0);
      return 0;
    case F_GETFL: return d.statusFlags;
    case F_SETFL: return setStatusFlags(ctx, d, fd | 0, arg);
    case F_GETLK: case F_SETLK: case F_SETLKW:
      return lock(ctx, d, cmd, arg);
    case F_GETLK64: case F_SETLK64: case F_SETLKW64: case F_OFD_GETLK: case F_OFD_SETLK: case F_OFD_SETLKW:
      // the old fcntl (55) has no 64-bit lock commands
      return wideCalls ? lock(ctx, d, cmd, arg) : -EINVAL;
    case F_ADD_SEALS: case F_GET_SEALS: return seals(d, cmd, arg);
    case F_GETPIPE_SZ: return d instanceof PipeEnd ? d.capacity : -EBADF;
    case F_SETPIPE_SZ: return d instanceof PipeEnd ? d.resize(arg, capable(ctx.proc, CAP_SYS_RESOURCE)) : -EBADF;
    default: return asyncFcntl(ctx, d, fd | 0, cmd, arg) ?? -EINVAL;
  }
}

function dup2(ctx: SyscallContext, oldfd: number, newfd: number): number {
  const d = fdOf(ctx, oldfd);
  if (!d) return -EBADF;
  if ((oldfd | 0) === (newfd | 0)) return newfd | 0;
  return ctx.proc.fds.place(newfd | 0, d, false);
}

function dup3(ctx: SyscallContext, oldfd: number, newfd: number, flags: number): number {
  if (flags & ~O_CLOEXEC) return -EINVAL;
  const d = fdOf(ctx, oldfd);
  if (!d) return -EBADF;
  if ((oldfd | 0) === (newfd | 0)) return -EINVAL;
  return ctx.proc.fds.place(newfd | 0, d, (flags & O_CLOEXEC) !== 0);
}

function closeRange(ctx: SyscallContext, first: number, last: number, flags: number): number {
  if (flags & ~(CLOSE_RANGE_CLOEXEC | CLOSE_RANGE_UNSHARE)) return -EINVAL;
  if (first >>> 0 > last >>> 0) return -EINVAL;
  for (const fd of ctx.proc.fds.fds()) {
    if (fd < first >>> 0 || fd > last >>> 0) continue;
    if (flags & CLOSE_RANGE_CLOEXEC) ctx.proc.fds.setCloexec(fd, true);
    else ctx.proc.fds.close(fd);
  }
  return 0;
}

const LOCK_SH = 1;
const LOCK_EX = 2;
const LOCK_UN = 8;

function flock(ctx: SyscallContext, fd: number, operation: number): SyscallResult {
  // the operation is checked before the fd (flock_translate_cmd)
  const op = operation & ~LOCK_NB;
  if (op !== LOCK_SH && op !== LOCK_EX && op !== LOCK_UN) return -EINVAL;
  const d = fdOf(ctx, fd);
  if (!d || (d.statusFlags & O_PATH)) return -EBADF;
  const hostFd = d.hostFd();
  if (hostFd === null) return -EINVAL;
  try {
    hostFlock(hostFd, operation | LOCK_NB);
    return 0;
  } catch (e) {
    const errno = errnoOf(e);
    if (errno === EAGAIN && !(operation & LOCK_NB)) return new Blocked(afterMs(LOCK_RETRY_MS), 'flock');
    return -errno;
  }
}

function pipe(ctx: SyscallContext, out: number, flags: number): number {
  if (flags & ~(O_CLOEXEC | O_NONBLOCK)) return -EINVAL;
  ctx.mem.writable(out, 8);
  const [r, w] = PipeEnd.create(flags & O_NONBLOCK);
  const cloexec = (flags & O_CLOEXEC) !== 0;
  const rfd = ctx.proc.fds.allocate(r, cloexec);
  const wfd = rfd < 0 ? rfd : ctx.proc.fds.allocate(w, cloexec);
  if (wfd < 0) {
    if (rfd < 0) r.release();
    else ctx.proc.fds.close(rfd);
    w.release();
    return wfd;
  }
  ctx.mem.setI32(out, rfd);
  ctx.mem.setI32(out + 4, wfd);
  return 0;
}

export const fsFcntlRows: SyscallRow[] = [
  row(55, 'fcntl', ['fd', 'int', 'hex'], (ctx, a, b, c) => fcntl(ctx, a, b, c, false)),
  row(221, 'fcntl64', ['fd', 'int', 'hex'], (ctx, a, b, c) => fcntl(ctx, a, b, c, true)),
  row(41, 'dup', ['fd'], (ctx, a) => ctx.proc.fds.dup(a | 0)),
  row(63, 'dup2', ['fd', 'fd'], (ctx, a, b) => dup2(ctx, a, b)),
  row(330, 'dup3', ['fd', 'fd', 'oflags'], (ctx, a, b, c) => dup3(ctx, a, b, c)),
  row(436, 'close_range', ['uint', 'uint', 'hex'], (ctx, a, b, c) => closeRange(ctx, a, b, c)),
  row(143, 'flock', ['fd', 'int'], (ctx, a, b) => flock(ctx, a, b)),
  row(42, 'pipe', ['ptr'], (ctx, a) => pipe(ctx, a, 0)),
  row(331, 'pipe2', ['ptr', 'oflags'], (ctx, a, b) => pipe(ctx, a, b)),
];
