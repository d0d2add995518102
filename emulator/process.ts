// A guest process: one address space, one file table, one set of signal
// actions, and its threads. Everything a syscall handler may change that is
// shared by the threads of a process lives here.
import { Machine } from './machine.js';
import { GuestMemory } from './memory/guest-memory.js';
import { FdTable } from './files/fd-table.js';
import { Vfs } from './files/vfs.js';
import { Thread } from './thread.js';
import type { LoadedImage } from '../loader/image.js';
import type { Logger } from './log.js';
import { LOOPBACK_ONLY, NetPolicy } from './net/policy.js';
import type { SignalInfo } from './signals/post.js';
import { Kernel } from './kernel/kernel.js';
import { Family } from './kernel/family.js';
import type { SigreturnStubs } from './signals/sigreturn-page.js';

export interface SignalAction {
  handler: number;
  flags: number;
  restorer: number;
  mask: bigint;
}

export type ExitStatus = { code: number; signal?: undefined } | { signal: number; core: boolean; code?: undefined };

export interface ProcessIdentity {
  pid: number;
  ppid: number;
  uid: number;
  gid: number;
  euid: number;
  egid: number;
  /** Saved set-user/group-ID and file-system IDs (setresuid, setfsuid). */
  suid: number;
  sgid: number;
  fsuid: number;
  fsgid: number;
  /** Supplementary groups. */
  groups: number[];
}

/** What a process's run loop offers the rest of the kernel (set by whoever runs it). */
export interface RunControl {
  /** Keep every thread off the CPU until release() (job-control stop; holds nest). */
  hold(): void;
  release(): void;
  /** Make the run loop look at the process again (a stop or continue changed what may run). */
  wake(): void;
  /** A signal is being sent to the process, before it is queued (job control acts on some). */
  sent(sig: number): void;
}

export class Process {
  /** Its machine: replaced when execve starts a new program. */
  machine: Machine;
  mem: GuestMemory;
  readonly fds = new FdTable();
  /** Live threads, and the main thread after it exited while others run (a zombie leader, as in Linux). */
  readonly threads: Thread[] = [];
  /** Process-directed pending signals (the kernel's shared_pending): any thread not blocking one may take it. */
  readonly sharedPending = new Map<number, SignalInfo>();
  readonly signalActions: SignalAction[] = Array.from({ length: 65 }, () => ({ handler: 0, flags: 0, restorer: 0, mask: 0n }));
  readonly rlimits = new Map<number, [bigint, bigint]>();
  umask = 0o022;
  /** personality(2) persona (PER_LINUX = 0). */
  personality = 0;
  /** Scheduling policy, its static priority, SCHED_RESET_ON_FORK, the nice value and the I/O priority. */
  sched = { policy: 0, priority: 0, resetOnFork: false, nice: 0, ioprio: 0 };
  /** What the guest may bind and connect to. */
  policy: NetPolicy = LOOPBACK_ONLY;
  exit: ExitStatus | null = null;
  exe: LoadedImage | null = null;
  interp: LoadedImage | null = null;
  /** Guest path of the executable (/proc/self/exe). */
  exePath = '';
  argv: string[] = [];
  /** The vDSO's sigreturn code, where handlers installed without SA_RESTORER return. */
  sigreturnStubs: SigreturnStubs | null = null;
  /** The auxiliary vector given at start-up (/proc/self/auxv), without AT_NULL. */
  auxv: [number, number][] = [];
  /** Thread name (prctl PR_SET_NAME, /proc/self/comm). */
  comm = '';
  /** Syscall numbers already reported as unsupported. */
  readonly reportedUnsupported = new Set<number>();
  /** Which version its code is once a patch changed it (its DSU_VERSION); null: as loaded. Kept across fork, dropped by execve. */
  codeVersion: string | null = null;
  /** Its place in the process tree. */
  readonly family: Family;
  /** Set by the run loop that runs it. */
  run: RunControl = { hold() {}, release() {}, wake() {}, sent() {} };

  constructor(
    machine: Machine,
    readonly vfs: Vfs,
    readonly ids: ProcessIdentity,
    readonly log: Logger,
    /** What the session's processes share (task ids, futex queues, the process table). */
    readonly kernel: Kernel = new Kernel(ids.pid),
  ) {
    this.machine = machine;
    this.mem = new GuestMemory(machine.space);
    this.threads.push(new Thread(ids.pid, this.sharedPending));
    this.family = new Family(ids.pid);
    kernel.processes.add(this);
  }

  /** Run on `machine` from now on (execve); the caller gives the old one back. */
  replaceMachine(machine: Machine): void {
    this.machine = machine;
    this.mem = new GuestMemory(machine.space);
  }

  /** Set by the runner: called when a signal becomes pending, to interrupt waits. */
  notifySignal: () => void = () => {};

  get pid(): number {
    return this.ids.pid;
  }

  get space() {
    return this.machine.space;
  }

  get mainThread(): Thread {
    return this.threads[0];
  }

  /** Threads that have not exited. */
  get liveThreads(): Thread[] {
    return this.threads.filter((t) => t.state !== 'exited');
  }

  get exited(): boolean {
    return this.exit !== null;
  }
}
