// sendmmsg/recvmmsg: sendmsg/recvmsg over an array of struct mmsghdr (a
// msghdr, 28 bytes, then msg_len). Each message is a full blocking call of
// its own: recvmmsg waits for vlen datagrams unless MSG_WAITFORONE turns on
// MSG_DONTWAIT after the first, and checks its timeout only after each
// datagram (a wait for the next one can outlast it), writing back the time
// left. A signal or error after some messages ends the call with their count.
import { EINVAL, LinuxError } from '../abi/errno.js';
import { Blocked } from '../kernel/wait.js';
import { signalAwareState, SignalAwareState } from '../signals/interrupt.js';
import { MSG_DONTWAIT } from '../host/libc-net.js';
import { recvmsg, sendmsg, socketOf } from './net.js';
import { row, SyscallContext, SyscallResult, SyscallRow } from './types.js';

const MMSGHDR = 32;
const MSG_FLAGS = 24;
const MSG_LEN = 28;
const UIO_MAXIOV = 1024;
const MSG_OOB = 0x1;
const MSG_WAITFORONE = 0x10000;
const NS = 1_000_000_000n;

interface Progress {
  done: number;
  /** recvmmsg's deadline (host monotonic ns), and the time left after the last datagram. */
  end: bigint | null;
  left: bigint | null;
}

interface MultiState extends SignalAwareState {
  mmsg?: Progress;
}

type Timeout = bigint | null;

function readTimeout(ctx: SyscallContext, ptr: number, wide: boolean): Timeout | number {
  if (ptr === 0) return null;
  const sec = wide ? ctx.mem.i64(ptr) : BigInt(ctx.mem.i32(ptr));
  const nsec = wide ? ctx.mem.i64(ptr + 8) : BigInt(ctx.mem.i32(ptr + 4));
  if (sec < 0n || nsec < 0n || nsec >= NS) return -EINVAL;
  return sec * NS + nsec;
}

function writeTimeout(ctx: SyscallContext, ptr: number, wide: boolean, ns: bigint): void {
  const sec = ns / NS;
  const nsec = ns % NS;
  if (wide) {
    ctx.mem.setU64(ptr, sec);
    ctx.mem.setU64(ptr + 8, nsec);
  } else {
    ctx.mem.setI32(ptr, Number(sec));
    ctx.mem.setI32(ptr + 4, Number(nsec));
  }
}

/** One message's call, its errors (bad address, refused destination) as -errno, so earlier messages still count. */
function attempt(call: () => SyscallResult): SyscallResult {
  try {
    return call();
  } catch (e) {
    if (e instanceof LinuxError) return -e.errno;
    throw e;
  }
}

/** A message is done: drop what its sendmsg/recvmsg kept across waits, keeping the loop's progress. */
function nextMessage(state: MultiState): void {
  for (const key of Object.keys(state)) if (key !== 'mmsg') delete (state as Record<string, unknown>)[key];
}

/** The loop blocks in message `done`: after some messages a signal handler ends it with their count. */
function blockedAfter(state: MultiState, blocked: Blocked, finish: () => number): Blocked {
  if (state.mmsg!.done > 0) state.onSignal = finish;
  return blocked;
}

function recvmmsg(ctx: SyscallContext, fd: number, vec: number, vlen: number, flags: number, timeoutPtr: number, wide: boolean): SyscallResult {
  const state = signalAwareState(ctx) as MultiState;
  if (!state.mmsg) {
    const timeout = readTimeout(ctx, timeoutPtr, wide);
    if (typeof timeout === 'number') return timeout;
    // the socket is looked up even for no messages
    const s = socketOf(ctx, fd);
    if (typeof s === 'number') return s;
    state.mmsg = { done: 0, end: timeout === null ? null : process.hrtime.bigint() + timeout, left: null };
  }
  const p = state.mmsg;
  const finish = (): number => {
    if (timeoutPtr !== 0 && p.left !== null) writeTimeout(ctx, timeoutPtr, wide, p.left);
    return p.done;
  };
  const max = Math.min(vlen >>> 0, UIO_MAXIOV);
  while (p.done < max) {
    const entry = vec + MMSGHDR * p.done;
    const dontWait = flags & MSG_WAITFORONE && p.done > 0 ? MSG_DONTWAIT : 0;
    const r = attempt(() => recvmsg(ctx, fd, entry, (flags & ~MSG_WAITFORONE) | dontWait));
    if (r instanceof Blocked) return blockedAfter(state, r, finish);
    if (r < 0) return p.done > 0 ? finish() : r;
    ctx.mem.setU32(entry + MSG_LEN, r);
    p.done++;
    nextMessage(state);
    if (p.end !== null) {
      const left = p.end - process.hrtime.bigint();
      p.left = left > 0n ? left : 0n;
      if (p.left === 0n) break;
    }
    if (ctx.mem.u32(entry + MSG_FLAGS) & MSG_OOB) break;
  }
  return finish();
}

function sendmmsg(ctx: SyscallContext, fd: number, vec: number, vlen: number, flags: number): SyscallResult {
  // the socket is looked up even for no messages
  const s = socketOf(ctx, fd);
  if (typeof s === 'number') return s;
  const state = signalAwareState(ctx) as MultiState;
  state.mmsg ??= { done: 0, end: null, left: null };
  const p = state.mmsg;
  const max = Math.min(vlen >>> 0, UIO_MAXIOV);
  while (p.done < max) {
    const entry = vec + MMSGHDR * p.done;
    const r = attempt(() => sendmsg(ctx, fd, entry, flags));
    if (r instanceof Blocked) return blockedAfter(state, r, () => p.done);
    if (r < 0) return p.done > 0 ? p.done : r;
    ctx.mem.setU32(entry + MSG_LEN, r);
    p.done++;
    nextMessage(state);
  }
  return p.done;
}

export const mmsgRows: SyscallRow[] = [
  row(345, 'sendmmsg', ['fd', 'ptr', 'uint', 'hex'], (ctx, a, b, c, d) => sendmmsg(ctx, a, b, c, d)),
  row(337, 'recvmmsg', ['fd', 'ptr', 'uint', 'hex', 'ptr'], (ctx, a, b, c, d, e) => recvmmsg(ctx, a, b, c, d, e, false)),
  row(417, 'recvmmsg_time64', ['fd', 'ptr', 'uint', 'hex', 'ptr'], (ctx, a, b, c, d, e) => recvmmsg(ctx, a, b, c, d, e, true)),
];
