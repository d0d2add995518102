// Per-thread state: registers live in the engine while the thread runs;
// here are the TLS descriptors, the pending (blocked) syscall and the signal
// mask, which belong to the thread and not the process.
import type { SyscallRow } from './syscalls/types.js';
import type { Blocked } from './kernel/wait.js';
import { TLS_COUNT } from './engine/descriptors.js';
import type { SignalInfo } from './signals/post.js';

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
  pending: PendingSyscall | null = null;
  /** Descriptor words of GDT entries 6..8 (set_thread_area). */
  readonly tls: [number, number][] = Array.from({ length: TLS_COUNT }, () => [0, 0] as [number, number]);
  clearChildTid = 0;
  robustList = 0;
  signalMask = 0n;
  /** Pending signals (standard signals do not queue: one entry per number). */
  readonly pendingSignals = new Map<number, SignalInfo>();
  /** sas_ss_sp/size/flags; sigaltstack reports SS_DISABLE while size is 0. */
  altStack = { sp: 0, size: 0, flags: 0 };
  /** State of the current syscall invocation, kept while it blocks and retries. */
  syscallState: Record<string, unknown> | null = null;

  constructor(readonly tid: number) {}
}
