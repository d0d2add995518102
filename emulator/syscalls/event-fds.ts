// eventfd and timerfd: host kernel objects handed to the guest, so their
// counters, expirations and readiness are exactly the kernel's. signalfd
// reads the guest's signals, which live in the emulator, so it is an
// emulator object (signals/signalfd.ts).
import { EBADF, EINVAL } from '../abi/errno.js';
import { SIGSET_SIZE } from '../abi/signal.js';
import { SignalFd } from '../signals/signalfd.js';
import { O_NONBLOCK, O_RDWR } from '../files/description.js';
import { host } from '../host/libc-net.js';
import { HostObject } from '../net/host-object.js';
import { row, SyscallContext, SyscallRow } from './types.js';

const EFD_SEMAPHORE = 1;
const EFD_NONBLOCK = 0o4000;
const EFD_CLOEXEC = 0o2000000;
const S_IFREG = 0o100000;

class EventFd extends HostObject {
  constructor(fd: number, flags: number) {
    super(fd, O_RDWR | (flags & O_NONBLOCK), 'anon_inode:[eventfd]', S_IFREG | 0o600);
  }
}

class TimerFd extends HostObject {
  constructor(fd: number, flags: number) {
    super(fd, O_RDWR | (flags & O_NONBLOCK), 'anon_inode:[timerfd]', S_IFREG | 0o600);
  }
}

function eventfd(ctx: SyscallContext, initval: number, flags: number): number {
  if (flags & ~(EFD_SEMAPHORE | EFD_NONBLOCK | EFD_CLOEXEC)) return -EINVAL;
  const fd = host.eventfd(initval >>> 0, flags & EFD_SEMAPHORE);
  if (fd < 0) return fd;
  return ctx.proc.fds.install(new EventFd(fd, flags), (flags & EFD_CLOEXEC) !== 0);
}

function timerfdCreate(ctx: SyscallContext, clock: number, flags: number): number {
  if (flags & ~(EFD_NONBLOCK | EFD_CLOEXEC)) return -EINVAL;
  const fd = host.timerfdCreate(clock, 0);
  if (fd < 0) return fd;
  return ctx.proc.fds.install(new TimerFd(fd, flags), (flags & EFD_CLOEXEC) !== 0);
}

function timerOf(ctx: SyscallContext, fd: number): TimerFd | number {
  const d = ctx.proc.fds.get(fd | 0);
  if (!d) return -EBADF;
  return d instanceof TimerFd ? d : -EINVAL;
}

/** Guest itimerspec (two timespecs, 32- or 64-bit fields) to the host's 64-bit layout. */
function readItimerspec(ctx: SyscallContext, p: number, wide: boolean): Uint8Array {
  const out = new DataView(new ArrayBuffer(32));
  for (let i = 0; i < 4; i++) {
    const v = wide ? ctx.mem.i64(p + 8 * i) : BigInt(ctx.mem.i32(p + 4 * i));
    out.setBigInt64(8 * i, v, true);
  }
  return new Uint8Array(out.buffer);
}

function writeItimerspec(ctx: SyscallContext, p: number, value: Uint8Array, wide: boolean): void {
  const v = new DataView(value.buffer, value.byteOffset, 32);
  for (let i = 0; i < 4; i++) {
    const x = v.getBigInt64(8 * i, true);
    if (wide) ctx.mem.setU64(p + 8 * i, x);
    else ctx.mem.setI32(p + 4 * i, Number(x));
  }
}

function settime(ctx: SyscallContext, fd: number, flags: number, value: number, old: number, wide: boolean): number {
  // the new value is read before the fd is looked up, as the kernel does
  const next = readItimerspec(ctx, value, wide);
  const t = timerOf(ctx, fd);
  if (typeof t === 'number') return t;
  const prev = new Uint8Array(32);
  const r = host.timerfdSettime(t.fd, flags, next, prev);
  if (r < 0) return r;
  if (old !== 0) writeItimerspec(ctx, old, prev, wide);
  return 0;
}

function gettime(ctx: SyscallContext, fd: number, cur: number, wide: boolean): number {
  const t = timerOf(ctx, fd);
  if (typeof t === 'number') return t;
  const buf = new Uint8Array(32);
  const r = host.timerfdGettime(t.fd, buf);
  if (r < 0) return r;
  writeItimerspec(ctx, cur, buf, wide);
  return 0;
}

const SFD_NONBLOCK = 0o4000;
const SFD_CLOEXEC = 0o2000000;

/** A new signalfd for fd -1, else a new mask for an existing one (its flags stay). */
function signalfd(ctx: SyscallContext, fd: number, maskp: number, size: number, flags: number): number {
  if (size !== SIGSET_SIZE) return -EINVAL;
  const mask = ctx.mem.u64(maskp);
  if (flags & ~(SFD_NONBLOCK | SFD_CLOEXEC)) return -EINVAL;
  if ((fd | 0) === -1) return ctx.proc.fds.install(new SignalFd(ctx.proc, mask, flags), (flags & SFD_CLOEXEC) !== 0);
  const d = ctx.proc.fds.get(fd | 0);
  if (!d) return -EBADF;
  if (!(d instanceof SignalFd)) return -EINVAL;
  d.mask = mask;
  return fd | 0;
}

export const eventFdRows: SyscallRow[] = [
  row(323, 'eventfd', ['uint'], (ctx, a) => eventfd(ctx, a, 0)),
  row(328, 'eventfd2', ['uint', 'hex'], (ctx, a, b) => eventfd(ctx, a, b)),
  row(321, 'signalfd', ['fd', 'ptr', 'size'], (ctx, a, b, c) => signalfd(ctx, a, b, c, 0)),
  row(327, 'signalfd4', ['fd', 'ptr', 'size', 'hex'], (ctx, a, b, c, d) => signalfd(ctx, a, b, c, d)),
  row(322, 'timerfd_create', ['int', 'hex'], (ctx, a, b) => timerfdCreate(ctx, a, b)),
  row(325, 'timerfd_settime', ['fd', 'hex', 'ptr', 'ptr'], (ctx, a, b, c, d) => settime(ctx, a, b, c, d, false)),
  row(326, 'timerfd_gettime', ['fd', 'ptr'], (ctx, a, b) => gettime(ctx, a, b, false)),
  row(411, 'timerfd_settime64', ['fd', 'hex', 'ptr', 'ptr'], (ctx, a, b, c, d) => settime(ctx, a, b, c, d, true)),
  row(410, 'timerfd_gettime64', ['fd', 'ptr'], (ctx, a, b) => gettime(ctx, a, b, true)),
];
