// A process's place in the guest's process tree, as the kernel keeps it in
// task_struct and signal_struct: its parent and children, process group and
// session, what its parent is told when it ends, whether it reaps orphans,
// its job-control stop, and what it has not yet reported to a waiting
// parent. The rules that change these (exit, reparenting, wait, setpgid)
// are in process-exit.ts, the wait syscalls and the group syscalls.
import type { Process } from '../process.js';
import { Subscribers } from './wait.js';
import { SIGCHLD } from '../abi/signal.js';

/** A change of a child that wait() reports once (WUNTRACED, WCONTINUED). */
export type JobReport = { kind: 'stopped'; signal: number } | { kind: 'continued' };

export class Family {
  /** Null for the first process (its parent is outside the guest) and for orphans once it has gone. */
  parent: Process | null = null;
  /** Children, live or zombies not yet reaped. */
  readonly children = new Set<Process>();
  pgid: number;
  sid: number;
  /** What the parent gets when this process ends: clone's CSIGNAL bits, SIGCHLD for fork. */
  exitSignal = SIGCHLD;
  /** prctl(PR_SET_PDEATHSIG): sent to this process when its parent ends. */
  deathSignal = 0;
  /** prctl(PR_SET_CHILD_SUBREAPER): orphaned descendants come here. */
  childSubreaper = false;
  /** A stop signal while stopped by job control, else 0. */
  stopSignal = 0;
  /** The stop or continue the parent has not collected with wait yet. */
  report: JobReport | null = null;
  /** Reaped: gone from the table, its pid free. */
  reaped = false;
  /** It has called execve (its parent can no longer move it to another group). */
  execed = false;
  /** A parent blocked in wait listens here for its children's changes. */
  readonly childEvents = new Subscribers();
  /** A vfork parent waits for this child to exec or exit. */
  vforkDone: Subscribers | null = null;
  /** CPU milliseconds of the process, and of its reaped children (times, RUSAGE_CHILDREN). */
  cpuMs = 0;
  childrenCpuMs = 0;

  constructor(pid: number) {
    this.pgid = pid;
    this.sid = pid;
  }
}
