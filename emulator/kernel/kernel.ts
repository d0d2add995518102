// What the emulated kernel keeps across the processes of a session: the
// task ids (the guest's pid/tid numbering; a new thread or process takes
// the next free one, as Linux does) and the futex wait queues. One per
// session, shared by every process in it, with the session's tracer.
import { FutexQueues } from './futex-queues.js';
import type { Tracer } from '../strace/tracer.js';

export class Kernel {
  readonly futexes = new FutexQueues();
  /** The session's tracer (dsu run --strace), told of every call, signal and exit. */
  tracer: Tracer | null = null;
  private lastId: number;
  private readonly inUse = new Set<number>();

  constructor(firstPid: number) {
    this.lastId = firstPid;
    this.inUse.add(firstPid);
  }

  /** A new task id (tid, or pid for a new process). */
  allocateId(): number {
    do {
      this.lastId = this.lastId >= PID_MAX ? FIRST_RECYCLED : this.lastId + 1;
    } while (this.inUse.has(this.lastId));
    this.inUse.add(this.lastId);
    return this.lastId;
  }

  /** The task is gone and its id may be used again. */
  releaseId(id: number): void {
    this.inUse.delete(id);
  }
}

/** /proc/sys/kernel/pid_max's usual value on 64-bit hosts. */
const PID_MAX = 4194304;
/** Linux starts over above the ids of early boot tasks (RESERVED_PIDS). */
const FIRST_RECYCLED = 300;
