// epoll_create/epoll_create1/epoll_ctl/epoll_wait/epoll_pwait(2).
import { EBADF, EINVAL, EPERM } from '../abi/errno.js';
import { afterMs, anyOf, Blocked } from '../kernel/wait.js';
import { O_RDWR } from '../files/description.js';
import { host } from '../host/libc-net.js';
import { Epoll } from '../net/epoll.js';
import { EPOLL_CLOEXEC, EPOLL_CTL_DEL } from '../abi/epoll.js';
import { restoreSigmask, withSigmask } from './poll.js';
import { row, SyscallContext, SyscallResult, SyscallRow } from './types.js';

const MAX_EVENTS = (2 ** 31 - 1) / 12;

function create(ctx: SyscallContext, flags: number): number {
  if (flags & ~EPOLL_CLOEXEC) return -EINVAL;
  const fd = host.epollCreate();
  if (fd < 0) return fd;
  return ctx.proc.fds.install(new Epoll(fd, O_RDWR), (flags & EPOLL_CLOEXEC) !== 0);
}

function epollOf(ctx: SyscallContext, fd: number): Epoll | number {
  const d = ctx.proc.fds.get(fd | 0);
  if (!d) return -EBADF;
  return d instanceof Epoll ? d : -EINVAL;
}

/** In the kernel's order: the event is read (any op but DEL), both fds looked up, then the kinds checked. */
function ctl(ctx: SyscallContext, epfd: number, op: number, fd: number, event: number): number {
  const ev = op === EPOLL_CTL_DEL ? null : Uint8Array.from(ctx.mem.readable(event, 12));
  const ep = ctx.proc.fds.get(epfd | 0);
  if (!ep) return -EBADF;
  const target = ctx.proc.fds.get(fd | 0);
  if (!target) return -EBADF;
  if (!(ep instanceof Epoll)) return target.stat().mode >> 12 === 8 ? -EPERM : -EINVAL;
  return ep.control(op, target, fd | 0, ev);
}

function wait(ctx: SyscallContext, epfd: number, events: number, max: number, timeoutMs: number): SyscallResult {
  const ep = epollOf(ctx, epfd);
  if (typeof ep === 'number') return ep;
  if ((max | 0) <= 0 || max > MAX_EVENTS) return -EINVAL;
  const out = ctx.mem.writable(events, 12 * max);
  const n = ep.collect(out, max);
  if (n !== 0 || timeoutMs === 0) return n;
  if (ep.nonBlocking && timeoutMs < 0) return 0;
  const state = (ctx.thread.syscallState ??= {});
  if (timeoutMs > 0) {
    if (state.deadline === undefined) state.deadline = Date.now() + timeoutMs;
    const left = (state.deadline as number) - Date.now();
    if (left <= 0) return 0;
    return new Blocked(anyOf((wake) => ep.watchAll(wake), afterMs(left)), 'epoll_wait');
  }
  return new Blocked((wake) => ep.watchAll(wake), 'epoll_wait');
}

function pwait(ctx: SyscallContext, epfd: number, events: number, max: number, timeoutMs: number, mask: number, size: number): SyscallResult {
  withSigmask(ctx, mask, size);
  const r = wait(ctx, epfd, events, max, timeoutMs);
  if (!(r instanceof Blocked)) restoreSigmask(ctx);
  return r;
}

function pwait2(ctx: SyscallContext, epfd: number, events: number, max: number, ts: number, mask: number, size: number): SyscallResult {
  const ms = ts === 0 ? -1 : Number(ctx.mem.i64(ts)) * 1000 + Math.ceil(Number(ctx.mem.i64(ts + 8)) / 1e6);
  return pwait(ctx, epfd, events, max, ms, mask, size);
}

export const epollRows: SyscallRow[] = [
  row(254, 'epoll_create', ['int'], (ctx, size) => ((size | 0) <= 0 ? -EINVAL : create(ctx, 0))),
  row(329, 'epoll_create1', ['hex'], (ctx, flags) => create(ctx, flags)),
  row(255, 'epoll_ctl', ['fd', 'int', 'fd', 'ptr'], (ctx, a, b, c, d) => ctl(ctx, a, b, c, d)),
  row(256, 'epoll_wait', ['fd', 'ptr', 'int', 'int'], (ctx, a, b, c, d) => wait(ctx, a, b, c, d | 0)),
  row(319, 'epoll_pwait', ['fd', 'ptr', 'int', 'int', 'ptr', 'size'], (ctx, a, b, c, d, e, f) => pwait(ctx, a, b, c, d | 0, e, f)),
  row(441, 'epoll_pwait2', ['fd', 'ptr', 'int', 'ptr', 'ptr', 'size'], (ctx, a, b, c, d, e, f) => pwait2(ctx, a, b, c, d, e, f)),
];


