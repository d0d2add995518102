// Guest pipes with the kernel's accounting: data sits in page-sized slots
// (16 by default: 64 KiB); a write of up to PIPE_BUF bytes is atomic (it goes
// into the last slot if it fits there, else into a fresh one); readers get
// EOF once every write end is closed, writers EPIPE and SIGPIPE once every
// read end is.
import crypto from 'node:crypto';
import { EAGAIN, EBUSY, EINVAL, ENOTTY, EPERM, EPIPE } from '../abi/errno.js';
import { FIONREAD } from '../abi/ioctl.js';
import { S_IFIFO } from '../abi/fcntl.js';
import { Blocked, Readiness, Subscribers, whenChanged } from '../kernel/wait.js';
import { postSignal, SI_USER } from '../signals/post.js';
import { signalAwareState, SignalAwareState } from '../signals/interrupt.js';
import { FileDescription, IoResult, O_RDONLY, O_WRONLY, StatInfo } from './description.js';
import { syntheticStat } from './stat-info.js';
import type { SyscallContext } from '../syscalls/types.js';

const PAGE = 4096;
const DEFAULT_SLOTS = 16;
/** /proc/sys/fs/pipe-max-size: the most an unprivileged process may ask for. */
const PIPE_MAX_SIZE = 1024 * 1024;
const SIGPIPE = 13;

interface Slot {
  data: Uint8Array;
  offset: number;
  len: number;
}

class PipeBuffer {
  readonly slots: Slot[] = [];
  maxSlots = DEFAULT_SLOTS;
  readers = 0;
  writers = 0;
  readonly ino = crypto.randomInt(1 << 16, 2 ** 31);
  readonly subscribers = new Subscribers();

  get bytes(): number {
    return this.slots.reduce((s, b) => s + b.len, 0);
  }

  get full(): boolean {
    return this.slots.length >= this.maxSlots;
  }

  take(dest: Uint8Array): number {
    let done = 0;
    while (done < dest.length && this.slots.length > 0) {
      const s = this.slots[0];
      const n = Math.min(s.len, dest.length - done);
      dest.set(s.data.subarray(s.offset, s.offset + n), done);
      s.offset += n;
      s.len -= n;
      done += n;
      if (s.len === 0) this.slots.shift();
    }
    return done;
  }

  /** Copy as much of `src` as the kernel would before it has to wait. */
  put(src: Uint8Array): number {
    let done = 0;
    const tail = src.length % PAGE;
    const last = this.slots[this.slots.length - 1];
    if (tail > 0 && last && last.offset + last.len + tail <= PAGE) {
      last.data.set(src.subarray(0, tail), last.offset + last.len);
      last.len += tail;
      done = tail;
    }
    while (done < src.length && !this.full) {
      const n = Math.min(PAGE, src.length - done);
      const data = new Uint8Array(PAGE);
      data.set(src.subarray(done, done + n));
      this.slots.push({ data, offset: 0, len: n });
      done += n;
    }
    return done;
  }

  changed(): void {
    this.subscribers.notify();
  }
}

/** Progress of a blocking write across its waits. */
interface PipeWriteState extends SignalAwareState {
  pipeWrite?: { pipe: PipeBuffer; done: number };
}

export class PipeEnd extends FileDescription {
  private readonly reads: boolean;
  private readonly writes: boolean;

  private constructor(private readonly pipe: PipeBuffer, statusFlags: number) {
    super(statusFlags, `pipe:[${pipe.ino}]`);
    this.reads = this.readableMode;
    this.writes = this.writableMode;
    if (this.reads) pipe.readers++;
    if (this.writes) pipe.writers++;
  }

  /** A new pipe: [read end, write end]. */
  static create(nonBlocking: number): [PipeEnd, PipeEnd] {
    const pipe = new PipeBuffer();
    return [new PipeEnd(pipe, O_RDONLY | nonBlocking), new PipeEnd(pipe, O_WRONLY | nonBlocking)];
  }

  /** Another description of the same pipe (opening /proc/self/fd/N). */
  reopen(statusFlags: number): PipeEnd {
    return new PipeEnd(this.pipe, statusFlags);
  }

  override read(_ctx: SyscallContext, buf: Uint8Array): IoResult {
    const pipe = this.pipe;
    if (buf.length === 0) return 0;
    if (pipe.slots.length > 0) {
      const n = pipe.take(buf);
      pipe.changed();
      return n;
    }
    if (pipe.writers === 0) return 0;
    if (this.nonBlocking) return -EAGAIN;
    return new Blocked(whenChanged(this), 'read pipe');
  }

  /**
   * A blocking write waits until all of `data` is in. Its progress is kept
   * in the call's state across waits; a signal handler that interrupts it
   * after some bytes went in makes it return that count (never restarted,
   * which would write them twice), before any byte the usual EINTR or restart.
   */
  override write(ctx: SyscallContext, data: Uint8Array): IoResult {
    const pipe = this.pipe;
    const state = signalAwareState(ctx) as PipeWriteState;
    let done = state.pipeWrite?.pipe === pipe ? state.pipeWrite.done : 0;
    const finish = (r: number): number => {
      state.pipeWrite = undefined;
      state.onSignal = undefined;
      return r;
    };
    if (data.length === 0) return 0;
    for (;;) {
      if (pipe.readers === 0) {
        postSignal(ctx.proc, { signo: SIGPIPE, code: SI_USER, pid: ctx.proc.pid, uid: ctx.proc.ids.uid });
        return finish(done > 0 ? done : -EPIPE);
      }
      const n = pipe.put(data.subarray(done));
      if (n > 0) pipe.changed();
      done += n;
      if (done === data.length) return finish(done);
      if (this.nonBlocking) return finish(done > 0 ? done : -EAGAIN);
      if (n === 0) break;
    }
    state.pipeWrite = { pipe, done };
    if (done > 0) {
      const partial = done;
      state.onSignal = () => partial;
    }
    return new Blocked(whenChanged(this), 'write pipe');
  }

  /**
   * sendfile into this pipe (the kernel's splice_file_to_pipe): wait for a
   * free slot, then fill the free slots from the file, one slot per file
   * page, and return at once. `readAt` reads the file at an offset.
   */
  spliceFrom(ctx: SyscallContext, readAt: (buf: Uint8Array, offset: number) => number, offset: number, count: number): IoResult {
    const pipe = this.pipe;
    if (pipe.readers === 0) {
      postSignal(ctx.proc, { signo: SIGPIPE, code: SI_USER, pid: ctx.proc.pid, uid: ctx.proc.ids.uid });
      return -EPIPE;
    }
    if (pipe.full) return this.nonBlocking ? -EAGAIN : new Blocked(whenChanged(this), 'sendfile pipe');
    let done = 0;
    while (done < count && !pipe.full) {
      const at = offset + done;
      const data = new Uint8Array(PAGE);
      const n = readAt(data.subarray(at % PAGE, Math.min(PAGE, at % PAGE + count - done)), at);
      if (n < 0 && done === 0) return n;
      if (n <= 0) break;
      pipe.slots.push({ data, offset: at % PAGE, len: n });
      done += n;
    }
    if (done > 0) pipe.changed();
    return done;
  }

  override stat(): StatInfo {
    return syntheticStat(S_IFIFO | 0o600, this.pipe.ino);
  }

  override ioctl(ctx: SyscallContext, request: number, arg: number): number {
    if (request !== FIONREAD) return -ENOTTY;
    ctx.mem.setI32(arg, this.pipe.bytes);
    return 0;
  }

  /** F_GETPIPE_SZ */
  get capacity(): number {
    return this.pipe.maxSlots * PAGE;
  }

  /** F_SETPIPE_SZ: round up to a power of two pages, never below what is buffered. */
  resize(size: number, privileged: boolean): number {
    if (size <= 0 || size > 2 ** 31) return -EINVAL;
    if (size > PIPE_MAX_SIZE && !privileged) return -EPERM;
    let slots = 1;
    while (slots * PAGE < size) slots *= 2;
    if (slots < this.pipe.slots.length) return -EBUSY;
    this.pipe.maxSlots = slots;
    this.pipe.changed();
    return slots * PAGE;
  }

  override readiness(): Readiness {
    const p = this.pipe;
    return {
      readable: this.reads && p.slots.length > 0,
      writable: this.writes && !p.full,
      hangup: this.reads && p.writers === 0,
      error: this.writes && p.readers === 0,
    };
  }

  override subscribe(changed: () => void): () => void {
    return this.pipe.subscribers.add(changed);
  }

  override truncate(): number {
    return -EINVAL;
  }

  override release(): void {
    if (this.reads) this.pipe.readers--;
    if (this.writes) this.pipe.writers--;
    this.pipe.changed();
  }
}
