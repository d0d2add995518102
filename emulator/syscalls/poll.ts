// poll, ppoll, select, pselect6: readiness of many fds at once. Host objects
// are asked in one host poll() call; emulator objects report their own
// readiness. When nothing is ready the guest waits on all of them.
import { EBADF, EINVAL, LinuxError } from '../abi/errno.js';
import { afterMs, anyOf, Arm, Blocked } from '../kernel/wait.js';
import { FileDescription } from '../files/description.js';
import { pollMany } from '../host/libc.js';
import { POLLERR, POLLHUP, POLLIN, POLLNVAL, POLLOUT, POLLPRI, POLLRDHUP, POLLRDNORM, POLLWRNORM } from '../abi/poll.js';
import { waitForAny, PollInterest } from '../host/poll-set.js';
import { hostPollFd } from '../net/pollable-fd.js';
import { row, SyscallContext, SyscallResult, SyscallRow } from './types.js';
import { installTemporaryMask, restoreTemporaryMask } from '../signals/interrupt.js';

const ALWAYS = POLLERR | POLLHUP | POLLNVAL;

interface Entry {
  fd: number;
  events: number;
}

function localEvents(desc: FileDescription, events: number): number {
  const r = desc.readiness();
  let ev = 0;
  if (r.readable) ev |= POLLIN | POLLRDNORM;
  if (r.writable) ev |= POLLOUT | POLLWRNORM;
  if (r.hangup) ev |= POLLHUP;
  if (r.error) ev |= POLLERR;
  return ev & (events | ALWAYS);
}

/** revents for each entry, now. */
function pollNowAll(ctx: SyscallContext, entries: Entry[]): number[] {
  const out = new Array<number>(entries.length).fill(0);
  const batch: { fd: number; events: number }[] = [];
  const batchIndex: number[] = [];
  entries.forEach((e, i) => {
    if (e.fd < 0) return;
    const desc = ctx.proc.fds.get(e.fd);
    if (!desc) {
      out[i] = POLLNVAL;
      return;
    }
    const hostFd = hostPollFd(desc);
    if (hostFd === null) out[i] = localEvents(desc, e.events);
    else {
      batch.push({ fd: hostFd, events: e.events });
      batchIndex.push(i);
    }
  });
  pollMany(batch).forEach((rev, k) => {
    out[batchIndex[k]] = rev & (entries[batchIndex[k]].events | ALWAYS | POLLRDHUP);
  });
  return out;
}

/** Wake when any entry may have become ready. */
function armAll(ctx: SyscallContext, entries: Entry[]): Arm {
  const arms: Arm[] = [];
  const hostFds: PollInterest[] = [];
  for (const e of entries) {
    if (e.fd < 0) continue;
    const desc = ctx.proc.fds.get(e.fd);
    if (!desc) continue;
    const hostFd = hostPollFd(desc);
    const readable = (e.events & (POLLIN | POLLRDNORM | POLLRDHUP)) !== 0;
    const writable = (e.events & (POLLOUT | POLLWRNORM)) !== 0;
    const priority = (e.events & POLLPRI) !== 0;
    if (hostFd !== null) hostFds.push({ fd: hostFd, readable, writable, priority });
    else arms.push((wake) => desc.subscribe(wake));
  }
  if (hostFds.length > 0) arms.push((wake) => waitForAny(hostFds, wake));
  return anyOf(...arms);
}

/**
 * The common core: check now, else block until ready or the timeout (ms,
 * negative = forever). `finish` writes results and returns the syscall result.
 */
function waitReady(ctx: SyscallContext, entries: Entry[], timeoutMs: number, finish: (revents: number[]) => number): SyscallResult {
  const state = (ctx.thread.syscallState ??= {});
  const revents = pollNowAll(ctx, entries);
  if (revents.some((r) => r !== 0)) return finish(revents);
  if (timeoutMs === 0) return finish(revents);
  if (timeoutMs > 0) {
    if (state.deadline === undefined) state.deadline = Date.now() + timeoutMs;
    const left = (state.deadline as number) - Date.now();
    if (left <= 0) return finish(revents);
    return new Blocked(anyOf(armAll(ctx, entries), afterMs(left)), 'poll');
  }
  return new Blocked(armAll(ctx, entries), 'poll');
}

function poll(ctx: SyscallContext, fds: number, nfds: number, timeoutMs: number): SyscallResult {
  if (nfds > ctx.proc.fds.limit) return -EINVAL;
  const entries: Entry[] = [];
  for (let i = 0; i < nfds; i++) entries.push({ fd: ctx.mem.i32(fds + 8 * i), events: ctx.mem.u16(fds + 8 * i + 4) });
  ctx.mem.check(fds, 8 * nfds, 2);
  return waitReady(ctx, entries, timeoutMs, (revents) => {
    let n = 0;
    revents.forEach((r, i) => {
      ctx.mem.setU16(fds + 8 * i + 6, r);
      if (r) n++;
    });
    return n;
  });
}

function timespecMs(ctx: SyscallContext, ts: number, wide: boolean): number {
  if (ts === 0) return -1;
  const sec = wide ? Number(ctx.mem.i64(ts)) : ctx.mem.i32(ts);
  const nsec = wide ? Number(ctx.mem.i64(ts + 8)) : ctx.mem.i32(ts + 4);
  if (sec < 0 || nsec < 0 || nsec >= 1e9) throw new LinuxError(EINVAL, 'bad timespec');
  return sec * 1000 + Math.ceil(nsec / 1e6);
}

/** Apply a temporary signal mask for the duration of the call (ppoll, pselect, epoll_pwait). */
export function withSigmask(ctx: SyscallContext, maskPtr: number, size: number): void {
  if (maskPtr === 0) return;
  if (size !== 8) throw new LinuxError(EINVAL, 'bad sigset size');
  installTemporaryMask(ctx, ctx.mem.u64(maskPtr));
}

export function restoreSigmask(ctx: SyscallContext): void {
  restoreTemporaryMask(ctx);
}

function ppoll(ctx: SyscallContext, fds: number, nfds: number, ts: number, mask: number, size: number, wide: boolean): SyscallResult {
  withSigmask(ctx, mask, size);
  const r = poll(ctx, fds, nfds, timespecMs(ctx, ts, wide));
  if (!(r instanceof Blocked)) restoreSigmask(ctx);
  return r;
}

/** select's fd_sets: arrays of 32-bit words, bit n of word n/32. */
function select(ctx: SyscallContext, nfds: number, readfds: number, writefds: number, exceptfds: number, timeoutMs: number, writeBack: ((leftMs: number) => void) | null): SyscallResult {
  if ((nfds | 0) < 0 || nfds > ctx.proc.fds.limit) return -EINVAL;
  const words = Math.ceil(nfds / 32);
  const sets = [readfds, writefds, exceptfds];
  const bits = sets.map((p) => (p === 0 ? null : Array.from({ length: words }, (_, w) => ctx.mem.u32(p + 4 * w))));
  const entries: Entry[] = [];
  for (let fd = 0; fd < nfds; fd++) {
    const on = (k: number) => bits[k] !== null && (bits[k]![fd >> 5] >>> (fd & 31)) & 1;
    const events = (on(0) ? POLLIN : 0) | (on(1) ? POLLOUT : 0) | (on(2) ? POLLPRI : 0);
    if (events === 0) continue;
    if (!ctx.proc.fds.has(fd)) return -EBADF;
    entries.push({ fd, events });
  }
  const started = Date.now();
  return waitReady(ctx, entries, timeoutMs, (revents) => {
    const out = sets.map(() => new Array<number>(words).fill(0));
    let count = 0;
    revents.forEach((r, i) => {
      const fd = entries[i].fd;
      const mark = (k: number, cond: boolean) => {
        if (cond && bits[k] !== null) {
          out[k][fd >> 5] |= 1 << (fd & 31);
          count++;
        }
      };
      mark(0, (entries[i].events & POLLIN) !== 0 && (r & (POLLIN | POLLHUP | POLLERR)) !== 0);
      mark(1, (entries[i].events & POLLOUT) !== 0 && (r & (POLLOUT | POLLERR)) !== 0);
      mark(2, (entries[i].events & POLLPRI) !== 0 && (r & POLLPRI) !== 0);
    });
    sets.forEach((p, k) => {
      if (p !== 0) out[k].forEach((w, j) => ctx.mem.setU32(p + 4 * j, w >>> 0));
    });
    if (writeBack && timeoutMs > 0) writeBack(Math.max(0, timeoutMs - (Date.now() - started)));
    return count;
  });
}

function timevalMs(ctx: SyscallContext, tv: number): number {
  if (tv === 0) return -1;
  const sec = ctx.mem.i32(tv);
  const usec = ctx.mem.i32(tv + 4);
  if (sec < 0 || usec < 0 || usec >= 1e6) return Number.NaN;
  return sec * 1000 + Math.ceil(usec / 1000);
}

function newselect(ctx: SyscallContext, n: number, r: number, w: number, e: number, tv: number): SyscallResult {
  const ms = timevalMs(ctx, tv);
  if (Number.isNaN(ms)) return -EINVAL;
  return select(ctx, n, r, w, e, ms, tv === 0 ? null : (left) => {
    ctx.mem.setI32(tv, Math.floor(left / 1000));
    ctx.mem.setI32(tv + 4, (left % 1000) * 1000);
  });
}

function pselect6(ctx: SyscallContext, n: number, r: number, w: number, e: number, ts: number, sig: number, wide: boolean): SyscallResult {
  if (sig !== 0) withSigmask(ctx, ctx.mem.u32(sig), ctx.mem.u32(sig + 4));
  const res = select(ctx, n, r, w, e, timespecMs(ctx, ts, wide), null);
  if (!(res instanceof Blocked)) restoreSigmask(ctx);
  return res;
}

export const pollRows: SyscallRow[] = [
  row(168, 'poll', ['ptr', 'uint', 'int'], (ctx, a, b, c) => poll(ctx, a, b, c | 0)),
  row(309, 'ppoll', ['ptr', 'uint', 'ptr', 'ptr', 'size'], (ctx, a, b, c, d, e) => ppoll(ctx, a, b, c, d, e, false)),
  row(414, 'ppoll_time64', ['ptr', 'uint', 'ptr', 'ptr', 'size'], (ctx, a, b, c, d, e) => ppoll(ctx, a, b, c, d, e, true)),
  row(142, '_newselect', ['int', 'ptr', 'ptr', 'ptr', 'ptr'], (ctx, a, b, c, d, e) => newselect(ctx, a, b, c, d, e)),
  row(82, 'select', ['ptr'], (ctx, a) => newselect(ctx, ctx.mem.u32(a), ctx.mem.u32(a + 4), ctx.mem.u32(a + 8), ctx.mem.u32(a + 12), ctx.mem.u32(a + 16))),
  row(308, 'pselect6', ['int', 'ptr', 'ptr', 'ptr', 'ptr', 'ptr'], (ctx, a, b, c, d, e, f) => pselect6(ctx, a, b, c, d, e, f, false)),
  row(413, 'pselect6_time64', ['int', 'ptr', 'ptr', 'ptr', 'ptr', 'ptr'], (ctx, a, b, c, d, e, f) => pselect6(ctx, a, b, c, d, e, f, true)),
];

