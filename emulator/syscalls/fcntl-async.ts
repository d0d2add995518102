// The fcntl commands and ioctls of signal-driven I/O and leases: F_SETOWN,
// F_GETOWN, F_SETOWN_EX, F_GETOWN_EX, F_SETSIG, F_GETSIG, O_ASYNC through
// F_SETFL, FIOASYNC, the socket ioctls FIOSETOWN/SIOCSPGRP and
// FIOGETOWN/SIOCGPGRP, F_SETLEASE and F_GETLEASE. The mechanism is in
// signals/async-io.ts and signals/leases.ts; here the arguments are read
// and each kind of file says whether it can signal (the kernel's fasync).
import fs from 'node:fs';
import tty from 'node:tty';
import { EINVAL, ENOTTY } from '../abi/errno.js';
import { O_ASYNC } from '../abi/fcntl.js';
import { FileDescription } from '../files/description.js';
import { HostStream } from '../files/host-stream.js';
import { PipeEnd } from '../files/pipe.js';
import { Socket } from '../net/socket.js';
import { hostPollFd } from '../net/pollable-fd.js';
import {
  asyncSignalOf, F_OWNER_PGRP, F_OWNER_PID, F_OWNER_TID, ownerOf, ReadySource, setAsync, setAsyncSignal, setOwner,
} from '../signals/async-io.js';
import { F_GETLEASE, F_SETLEASE, getLease, setLease } from '../signals/leases.js';
import { InotifyFd } from './inotify.js';
import type { SyscallContext } from './types.js';

const F_SETOWN = 8;
const F_GETOWN = 9;
const F_SETSIG = 10;
const F_GETSIG = 11;
const F_SETOWN_EX = 15;
const F_GETOWN_EX = 16;
const FIOSETOWN = 0x8901;
const SIOCSPGRP = 0x8902;
const FIOGETOWN = 0x8903;
const SIOCGPGRP = 0x8904;

/** Where `d` reports readiness if it can signal at all (sockets, pipes, FIFOs, terminals, inotify), else null. */
function asyncSource(d: FileDescription): ReadySource | null {
  if (d instanceof PipeEnd) return { emulated: true };
  if (d instanceof Socket || d instanceof InotifyFd) return { hostFd: hostPollFd(d)! };
  if (d instanceof HostStream) {
    const fd = d.pollFd();
    if (fd === null) return null;
    try {
      const st = fs.fstatSync(fd);
      if (st.isFIFO() || st.isSocket() || (st.isCharacterDevice() && tty.isatty(fd))) return { hostFd: fd };
    } catch {
      return null;
    }
  }
  return null;
}

/**
 * F_SETFL's O_ASYNC: files that cannot signal keep the flag off, as the
 * kernel leaves it for a file without fasync. Returns the status flags to keep.
 */
export function applyAsyncFlag(ctx: SyscallContext, d: FileDescription, fd: number, flags: number): number | { errno: number } {
  const want = (flags & O_ASYNC) !== 0;
  if (want === ((d.statusFlags & O_ASYNC) !== 0)) return flags;
  const source = asyncSource(d);
  if (!source) return flags & ~O_ASYNC;
  const r = setAsync(ctx.proc, d, fd, want, source, d instanceof Socket);
  return r < 0 ? { errno: -r } : flags;
}

/** FIOASYNC: like F_SETFL's O_ASYNC, but ENOTTY for a file that cannot signal. */
export function fioasync(ctx: SyscallContext, d: FileDescription, fd: number, on: boolean): number {
  const source = asyncSource(d);
  if (!source) return on === ((d.statusFlags & O_ASYNC) !== 0) ? 0 : -ENOTTY;
  const r = setAsync(ctx.proc, d, fd, on, source, d instanceof Socket);
  if (r < 0) return r;
  d.statusFlags = on ? d.statusFlags | O_ASYNC : d.statusFlags & ~O_ASYNC;
  return 0;
}

/** F_SETOWN's argument: a pid, or a process group as its negation. */
function setOwnerPid(ctx: SyscallContext, d: FileDescription, who: number): number {
  if (who === -0x80000000) return -EINVAL;
  const owner = who < 0 ? { type: F_OWNER_PGRP, id: -who } : { type: F_OWNER_PID, id: who };
  return setOwner(ctx.proc, d, owner, asyncSource(d), d instanceof Socket);
}

function getOwnerPid(d: FileDescription): number {
  const o = ownerOf(d);
  return o.type === F_OWNER_PGRP ? -o.id : o.id;
}

/** The fcntl commands of this area; null for any other command. */
export function asyncFcntl(ctx: SyscallContext, d: FileDescription, fd: number, cmd: number, arg: number): number | null {
  switch (cmd) {
    case F_SETOWN: return setOwnerPid(ctx, d, arg | 0);
    case F_GETOWN: return getOwnerPid(d);
    case F_SETSIG: return setAsyncSignal(ctx.proc, d, arg | 0);
    case F_GETSIG: return asyncSignalOf(d);
    case F_SETOWN_EX: {
      const owner = { type: ctx.mem.i32(arg), id: ctx.mem.i32(arg + 4) };
      return setOwner(ctx.proc, d, owner, asyncSource(d), d instanceof Socket);
    }
    case F_GETOWN_EX: {
      const o = ownerOf(d);
      ctx.mem.setI32(arg, o.type === F_OWNER_TID ? F_OWNER_TID : o.type);
      ctx.mem.setI32(arg + 4, o.id);
      return 0;
    }
    case F_SETLEASE: return setLease(ctx.proc, d, fd, arg | 0);
    case F_GETLEASE: return getLease(d);
    default: return null;
  }
}

/** A socket's FIOSETOWN/SIOCSPGRP and FIOGETOWN/SIOCGPGRP; null for any other request. */
export function socketOwnerIoctl(ctx: SyscallContext, d: FileDescription, request: number, arg: number): number | null {
  if (!(d instanceof Socket)) return null;
  if (request === FIOSETOWN || request === SIOCSPGRP) return setOwnerPid(ctx, d, ctx.mem.i32(arg));
  if (request === FIOGETOWN || request === SIOCGPGRP) {
    ctx.mem.setI32(arg, getOwnerPid(d));
    return 0;
  }
  return null;
}
