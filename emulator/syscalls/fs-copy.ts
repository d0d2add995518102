// Copying between fds inside the kernel: sendfile and copy_file_range. Both
// read a regular file (at an explicit offset or its own position) and write
// the bytes through the destination's ordinary write path.
import { EBADF, EINVAL, EISDIR, EXDEV } from '../abi/errno.js';
import { SEEK_CUR, SEEK_SET } from '../abi/fcntl.js';
import { FileDescription, O_APPEND } from '../files/description.js';
import { DirectoryStream } from '../files/directory.js';
import { HostFile } from '../files/host-file.js';
import { Blocked } from '../kernel/wait.js';
import { fdOf } from './fs-io.js';
import { signalAwareState, SignalAwareState } from '../signals/interrupt.js';
import { PipeEnd } from '../files/pipe.js';
import { row, SyscallContext, SyscallResult, SyscallRow } from './types.js';

const CHUNK = 1024 * 1024;
const MAX_RW = 0x7ffff000;

type OffsetWidth = 32 | 64;

function readOffset(ctx: SyscallContext, ptr: number, width: OffsetWidth): number {
  return width === 64 ? Number(ctx.mem.i64(ptr)) : ctx.mem.i32(ptr);
}

function writeOffset(ctx: SyscallContext, ptr: number, width: OffsetWidth, value: number): void {
  if (width === 64) ctx.mem.setU64(ptr, BigInt(value));
  else ctx.mem.setI32(ptr, value);
}

/** Progress of a sendfile that waits for a blocking destination, between its retries. */
interface SendfileState extends SignalAwareState {
  /** `inner`: the destination write's own onSignal, which a retry gives back to it. */
  sendfile?: { origin: number; done: number; inner?: () => number };
}

/**
 * sendfile. Into a pipe it moves what fits and returns (waiting only while
 * the pipe is full). Into a blocking socket it returns only when all is sent
 * (or a signal cuts it short, with the count so far): each retry after a
 * wait resumes at the chunk it stopped in, and the destination's write keeps
 * how much of that chunk went out.
 */
function sendfile(ctx: SyscallContext, outFd: number, inFd: number, offsetPtr: number, count: number, width: OffsetWidth): SyscallResult {
  const out = fdOf(ctx, outFd);
  const input = fdOf(ctx, inFd);
  if (!out || !input || !out.writableMode || !input.readableMode) return -EBADF;
  if (!(input instanceof HostFile)) return -EINVAL;
  if (out.statusFlags & O_APPEND) return -EINVAL;
  const state = signalAwareState(ctx) as SendfileState;
  const saved = state.sendfile;
  if (saved) state.onSignal = saved.inner;
  const origin = saved?.origin ?? (offsetPtr !== 0 ? readOffset(ctx, offsetPtr, width) : input.seek(0, SEEK_CUR));
  if (origin < 0) return offsetPtr !== 0 ? -EINVAL : origin;
  const total = Math.min(count >>> 0, MAX_RW);
  const finish = (done: number): number => {
    if (offsetPtr !== 0) writeOffset(ctx, offsetPtr, width, origin + done);
    else input.seek(origin + done, SEEK_SET);
    return done;
  };
  if (total === 0) return 0;
  if (out instanceof PipeEnd) {
    const r = out.spliceFrom(ctx, (buf, at) => input.pread(buf, at), origin, total);
    return r instanceof Blocked || r < 0 ? r : finish(r);
  }
  let done = saved?.done ?? 0;
  while (done < total) {
    const buf = new Uint8Array(Math.min(CHUNK, total - done));
    const n = input.pread(buf, origin + done);
    if (n <= 0) {
      if (n < 0 && done === 0) return n;
      break;
    }
    const w = out.write(ctx, buf.subarray(0, n));
    if (w instanceof Blocked) {
      // the write leaves onSignal set when it must not be restarted: its
      // partial count, or EINTR for a socket timeout
      const inner = state.onSignal;
      state.sendfile = { origin, done, inner };
      const before = done;
      if (before > 0 || inner) {
        state.onSignal = () => {
          const r = inner ? inner() : 0;
          const sent = before + Math.max(r, 0);
          return sent > 0 ? finish(sent) : r;
        };
      }
      return w;
    }
    if (w < 0) {
      if (done > 0) break;
      return w;
    }
    done += w;
    if (w < n) break;
  }
  return finish(done);
}

function positionOf(ctx: SyscallContext, d: FileDescription, ptr: number): number {
  return ptr !== 0 ? Number(ctx.mem.i64(ptr)) : d.seek(0, SEEK_CUR);
}

function copyFileRange(ctx: SyscallContext, inFd: number, inPtr: number, outFd: number, outPtr: number, len: number, flags: number): number {
  if (flags !== 0) return -EINVAL;
  const input = fdOf(ctx, inFd);
  const out = fdOf(ctx, outFd);
  if (!input || !out || !input.readableMode || !out.writableMode) return -EBADF;
  if (input instanceof DirectoryStream || out instanceof DirectoryStream) return -EISDIR;
  if (!(input instanceof HostFile) || !(out instanceof HostFile)) return out instanceof HostFile ? -EINVAL : -EXDEV;
  if (out.statusFlags & O_APPEND) return -EBADF;
  let from = positionOf(ctx, input, inPtr);
  let to = positionOf(ctx, out, outPtr);
  if (from < 0 || to < 0) return -EINVAL;
  const a = input.stat();
  const b = out.stat();
  if (a.dev === b.dev && a.ino === b.ino && from < to + len && to < from + len) return -EINVAL;
  let left = Math.min(len >>> 0, MAX_RW);
  let done = 0;
  while (left > 0) {
    const buf = new Uint8Array(Math.min(CHUNK, left));
    const n = input.pread(buf, from);
    if (n <= 0) break;
    const w = out.pwrite(buf.subarray(0, n), to);
    if (w < 0) {
      if (done === 0) return w;
      break;
    }
    from += w;
    to += w;
    done += w;
    left -= w;
    if (w < n) break;
  }
  if (inPtr !== 0) ctx.mem.setU64(inPtr, BigInt(from));
  else input.seek(from, SEEK_SET);
  if (outPtr !== 0) ctx.mem.setU64(outPtr, BigInt(to));
  else out.seek(to, SEEK_SET);
  return done;
}

export const fsCopyRows: SyscallRow[] = [
  row(187, 'sendfile', ['fd', 'fd', 'ptr', 'size'], (ctx, a, b, c, d) => sendfile(ctx, a, b, c, d, 32)),
  row(239, 'sendfile64', ['fd', 'fd', 'ptr', 'size'], (ctx, a, b, c, d) => sendfile(ctx, a, b, c, d, 64)),
  row(377, 'copy_file_range', ['fd', 'ptr', 'fd', 'ptr', 'size', 'hex'], (ctx, a, b, c, d, e, f) => copyFileRange(ctx, a, b, c, d, e, f)),
];
