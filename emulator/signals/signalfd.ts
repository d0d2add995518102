// signalfd: a file description from which a program reads its pending
// signals of a mask as struct signalfd_siginfo records, instead of having
// them delivered. It is an emulator object: readable while a signal of the
// mask is pending; postSignal wakes its readers and pollers (watchPending).
import { EAGAIN, EINVAL } from '../abi/errno.js';
import { SYNCHRONOUS, UNBLOCKABLE, lowestSignal } from '../abi/signal.js';
import { SIGNALFD_SIGINFO_SIZE, encodeSignalfdSiginfo } from '../abi/signalfd-siginfo.js';
import { Blocked, NOT_READY, Readiness, Subscribers, whenChanged } from '../kernel/wait.js';
import { FileDescription, IoResult, O_NONBLOCK, O_RDWR, StatInfo } from '../files/description.js';
import { syntheticStat } from '../files/stat-info.js';
import type { Process } from '../process.js';
import type { Thread } from '../thread.js';
import type { SyscallContext } from '../syscalls/types.js';
import { SignalInfo, watchPending } from './post.js';
import { queueSet, takeSignal } from './pending.js';

/** anon_inode files have no type bits, only owner read/write (as fstat shows natively). */
const ANON_INODE_MODE = 0o600;
/** Every anon_inode file shares one inode. */
const ANON_INODE_INO = 1;

export class SignalFd extends FileDescription {
  private sigmask: bigint;
  /** Mask updates: the kernel wakes waiters when the mask changes. */
  private readonly updates = new Subscribers();

  constructor(private readonly proc: Process, mask: bigint, flags: number) {
    super(O_RDWR | (flags & O_NONBLOCK), 'anon_inode:[signalfd]');
    this.sigmask = mask & ~UNBLOCKABLE;
  }

  get mask(): bigint {
    return this.sigmask;
  }

  /** signalfd() on an existing signalfd: SIGKILL and SIGSTOP are silently left out. */
  set mask(mask: bigint) {
    this.sigmask = mask & ~UNBLOCKABLE;
    this.updates.notify();
  }

  /**
   * Dequeue like the kernel's dequeue_signal(): the thread's own pending
   * signals first, then the process's; in each, synchronous signals first,
   * then the lowest number.
   */
  private dequeue(thread: Thread): SignalInfo | undefined {
    for (const queue of [thread.pendingSignals, thread.sharedPending]) {
      const ready = queueSet(queue) & this.sigmask;
      if (ready === 0n) continue;
      const sync = ready & SYNCHRONOUS;
      return takeSignal(thread, lowestSignal(sync !== 0n ? sync : ready));
    }
    return undefined;
  }

  override read(ctx: SyscallContext, buf: Uint8Array): IoResult {
    const count = Math.floor(buf.length / SIGNALFD_SIGINFO_SIZE);
    if (count === 0) return -EINVAL;
    let n = 0;
    for (; n < count; n++) {
      const info = this.dequeue(ctx.thread);
      if (!info) break;
      buf.set(encodeSignalfdSiginfo(info), n * SIGNALFD_SIGINFO_SIZE);
    }
    if (n > 0) return n * SIGNALFD_SIGINFO_SIZE;
    if (this.nonBlocking) return -EAGAIN;
    return new Blocked(whenChanged(this), 'read signalfd');
  }

  /** noop_llseek, as the kernel's signalfd has: the position stays 0. */
  override seek(): number {
    return 0;
  }

  override stat(): StatInfo {
    return syntheticStat(ANON_INODE_MODE, ANON_INODE_INO);
  }

  override readiness(): Readiness {
    // the process-wide queue, and the main thread's own (the poller is not known here)
    const pending = queueSet(this.proc.sharedPending) | queueSet(this.proc.mainThread.pendingSignals);
    return { ...NOT_READY, readable: (pending & this.sigmask) !== 0n };
  }

  override subscribe(changed: () => void): () => void {
    const stopPending = watchPending(this.proc, changed);
    const stopUpdates = this.updates.add(changed);
    return () => {
      stopPending();
      stopUpdates();
    };
  }
}
