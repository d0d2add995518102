// What the emulated kernel keeps across the processes of a session: the
// task ids (the guest's pid/tid numbering; a new thread or process takes
// the next free one, as Linux does), the futex wait queues, the process
// table, and how a new process is set running. One per session, shared by
// every process in it, with the session's tracer.
import type { Process } from '../process.js';
import { FutexQueues } from './futex-queues.js';
import { ProcessTable } from './process-table.js';
import type { MachinePool } from '../machine-pool.js';
import type { Tracer } from '../strace/tracer.js';

/** How the session runs a process that fork made (set by the session). */
export interface ProcessStarter {
  /** Machines for new processes and new programs. */
  readonly machines: MachinePool;
  /** Start running `child`, whose main thread's CPU state is set. */
  start(child: Process): void;
}

export class Kernel {
  readonly futexes = new FutexQueues();
  /** The session's tracer (dsu run --strace), told of every call, signal and exit. */
  tracer: Tracer | null = null;
  private lastId: number;
  private readonly inUse = new Set<number>();
  /** Every guest process, live or not yet reaped. */
  readonly processes = new ProcessTable();
  /** Set by the session; null where processes cannot be created (a bare test process). */
  starter: ProcessStarter | null = null;
  /** The terminal's foreground process group as the guest set it (tcsetpgrp), 0 until then. */
  terminalForeground = 0;

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
