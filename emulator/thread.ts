// Per-thread state (blink's "Machine" to the process's "System"): the
// thread's registers live in the engine while it runs and in its saved CPU
// context while another thread has the engine; the resume address, the TLS
// descriptors, the pending (blocked) syscall, the signal mask and queue and
// the alternate stack belong to the thread and not the process.
import type { SyscallRow } from './syscalls/types.js';
import type { Blocked } from './kernel/wait.js';
import { TLS_COUNT } from './engine/descriptors.js';
import type { SignalInfo } from './signals/post.js';
import type { SavedCpu } from './engine/saved-cpu.js';

export type ThreadState = 'runnable' | 'blocked' | 'exited';

export interface PendingSyscall {
  row: SyscallRow;
  args: [number, number, number, number, number, number];
  blocked: Blocked;
  cancel: (() => void) | null;
  /** Free-form state a handler keeps across retries (deadline of a sleep...). */
  state: Record<string, unknown>;
}

export class Thread {
  state: ThreadState = 'runnable';
  /** Where the thread resumes (the runner's, not the engine's: at a breakpoint the engine's is one past the int3). */
  eip = 0;
  /** Its CPU state while another thread has the engine (null until it is first switched out). */
  cpu: SavedCpu | null = null;
  pending: PendingSyscall | null = null;
  /** The blocked syscall's wait fired: re-run it when the thread is next on the engine. */
  woken = false;
  /** Descriptor words of GDT entries 6..8 (set_thread_area). */
  readonly tls: [number, number][] = Array.from({ length: TLS_COUNT }, () => [0, 0] as [number, number]);
  clearChildTid = 0;
  robustList = 0;
  signalMask = 0n;
  /** Thread-directed pending signals (standard signals do not queue: one entry per number). */
  readonly pendingSignals = new Map<number, SignalInfo>();
  /**
   * Chosen to take the process's pending signals (the kernel's
   * TIF_SIGPENDING for the shared queue): set when a process-directed signal
   * picks this thread or its mask lets one through, cleared once it has
   * nothing left to take.
   */
  takesShared = false;
  /** System calls it has made (a thread that makes none while an update waits is computing). */
  syscalls = 0;
  /** Its exit code (exit(2)); the process's status is the main thread's unless the whole group exits. */
  exitCode = 0;
  /** sas_ss_sp/size/flags; sigaltstack reports SS_DISABLE while size is 0. */
  altStack = { sp: 0, size: 0, flags: 0 };
  /** State of the current syscall invocation, kept while it blocks and retries. */
  syscallState: Record<string, unknown> | null = null;

  constructor(
    readonly tid: number,
    /** The process's queue of process-directed pending signals (Process.sharedPending). */
    readonly sharedPending: Map<number, SignalInfo> = new Map(),
  ) {}
}
