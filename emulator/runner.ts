// Runs a guest process in slices. Each slice is one uc_emu_start: it ends
// when the guest exits, faults, blocks in a syscall, or has run for the
// preemption quantum. Between slices Node's event loop runs (sockets, timers,
// the control channel), so the host stays responsive and idle while the
// guest waits.
import { Reg } from './engine/unicorn-consts.js';
import { Watchdog } from './engine/watchdog.js';
import { Process, ExitStatus } from './process.js';
import { Thread } from './thread.js';
import { SyscallDispatcher } from './syscalls/dispatch.js';
import { SyscallContext } from './syscalls/types.js';
import { CpuFault, faultFromInterrupt, faultFromEngineError } from './faults/fault.js';
import { clearExceptionInFlight } from './signals/exception-latch.js';

export interface RunnerHooks {
  /** A CPU exception or engine error: decide what happens (signal delivery or death). */
  onFault(fault: CpuFault, thread: Thread): void;
  /** Before a thread resumes: deliver pending signals (may change registers). */
  beforeResume(thread: Thread): void;
  /** The process is gone; release resources. */
  onExit(status: ExitStatus): void;
}

const TLB_RESIZE_MS = 100;

export class Runner {
  private eip = 0;
  private scheduled = false;
  /** A signal was posted since the last slice began. */
  signalPending = false;
  private fault: CpuFault | null = null;
  private watchdog: Watchdog | null = null;
  private finished: ((s: ExitStatus) => void) | null = null;
  private readonly ctx: SyscallContext;
  /** Callbacks run with the guest stopped at an instruction boundary (the patcher's entry point). */
  private readonly stoppedWork: (() => void)[] = [];
  /**
   * Claim CPU exceptions before they become signals (breakpoints, the write
   * journal of a state transfer). Return true when handled; a handler may set
   * instructionPointer to choose where the guest resumes.
   */
  readonly interceptors: ((fault: CpuFault, thread: Thread) => boolean)[] = [];
  /** Told after every slice, with the guest stopped at an instruction boundary (the patcher re-checks safety). */
  readonly stopListeners = new Set<() => void>();
  /** While held, the program does not run (a patch is being applied); guest calls still do. */
  private holds = 0;
  /** A guest call (the patcher running a function inside the guest) is in progress. */
  inGuestCall = false;
  slices = 0;
  /** The engine sizes its translation cache at each flush from recent use: flush now and then so it can grow. */
  private lastTlbResize = 0;
  /** Milliseconds inside the engine (guest code and the syscall handlers it calls). */
  emulateMs = 0;

  constructor(
    readonly proc: Process,
    readonly syscalls: SyscallDispatcher,
    private readonly hooks: RunnerHooks,
    opts: { quantumMs: number; koffiPath: string },
  ) {
    const cpu = proc.machine.cpu;
    this.ctx = {
      proc,
      thread: proc.mainThread,
      mem: proc.mem,
      stopCpu: () => cpu.stop(),
    };
    cpu.onInterrupt((intno) => {
      if (intno === 0x80) {
        this.syscalls.enter(this.ctx);
        return;
      }
      this.fault = faultFromInterrupt(intno, cpu);
      cpu.stop();
    });
    cpu.onInvalidInstruction(() => false);
    if (proc.machine.preemptible && opts.quantumMs > 0) {
      this.watchdog = new Watchdog(cpu.handleAddress, opts.quantumMs, opts.koffiPath);
    }
  }

  get context(): SyscallContext {
    return this.ctx;
  }

  /** Current instruction pointer of the stopped guest. */
  get instructionPointer(): number {
    return this.eip;
  }

  set instructionPointer(value: number) {
    this.eip = value >>> 0;
  }

  start(entry: number): Promise<ExitStatus> {
    this.eip = entry;
    return new Promise((resolve) => {
      this.finished = resolve;
      this.schedule();
    });
  }

  /** Run `work` at the next instruction boundary, with the guest stopped. */
  whenStopped(work: () => void): void {
    this.stoppedWork.push(work);
    this.schedule();
  }

  /** Make a blocked thread runnable again (signal delivery, patch). */
  wake(): void {
    this.schedule();
  }

  /**
   * A signal became pending: if the thread is blocked in a syscall, let the
   * next slice decide (beforeResume delivers it and may end the syscall with
   * EINTR); if the guest is running, stop it so delivery is prompt.
   */
  interrupt(): void {
    this.proc.machine.cpu.stop();
    this.signalPending = true;
    this.schedule();
  }

  /** End the program now (as if by SIGKILL), whatever it is doing. */
  terminate(): void {
    if (!this.finished) return;
    if (!this.proc.exit) this.proc.exit = { signal: 9, core: false };
    this.holds = 0;
    this.inGuestCall = false;
    this.proc.machine.cpu.stop();
    this.schedule();
  }

  /** Keep the program stopped until release() (nested holds count). */
  hold(): void {
    this.holds++;
  }

  release(): void {
    if (this.holds > 0 && --this.holds === 0) this.schedule();
  }

  get held(): boolean {
    return this.holds > 0;
  }

  /** Run the guest now even if held (guest calls); `schedule` is otherwise private. */
  kick(): void {
    this.schedule();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.slice();
    });
  }

  private slice(): void {
    const proc = this.proc;
    const thread = proc.mainThread;
    while (this.stoppedWork.length > 0 && !proc.exited) this.stoppedWork.shift()!();
    if (proc.exited) return this.finish();
    if (this.holds > 0 && !this.inGuestCall) return;
    this.signalPending = false;
    if (!this.inGuestCall) this.hooks.beforeResume(thread);
    if (proc.exited) return this.finish();
    if (thread.state === 'blocked') {
      this.armWait(thread);
      return;
    }
    if (proc.exited) return this.finish();
    const cpu = proc.machine.cpu;
    const now = performance.now();
    if (now - this.lastTlbResize > TLB_RESIZE_MS) {
      this.lastTlbResize = now;
      proc.machine.flushTlb();
    }
    this.fault = null;
    this.watchdog?.armed();
    const began = performance.now();
    const err = cpu.start(this.eip);
    this.emulateMs += performance.now() - began;
    this.watchdog?.disarmed();
    this.slices++;
    this.eip = cpu.reg(Reg.EIP);
    if (this.fault === null && err !== 0) this.fault = faultFromEngineError(err, cpu);
    if (this.fault !== null) {
      const f = this.fault;
      this.fault = null;
      if (this.interceptors.some((claim) => claim(f, thread))) {
        // the engine would otherwise turn the next exception into a double fault
        clearExceptionInFlight(cpu);
      } else {
        this.hooks.onFault(f, thread);
        // the fault handler may have redirected EIP (signal handler)
        this.eip = cpu.reg(Reg.EIP);
      }
    }
    if (proc.exited) return this.finish();
    if (!this.inGuestCall) for (const listener of [...this.stopListeners]) listener();
    if (proc.exited) return this.finish();
    if (this.holds > 0 && !this.inGuestCall) {
      if (isBlocked(thread)) this.armWait(thread);
      return;
    }
    if (isBlocked(thread)) {
      // a syscall that installed a temporary mask (sigsuspend, ppoll) may
      // have let a pending signal through: it interrupts the wait right away
      if (!this.inGuestCall) this.hooks.beforeResume(thread);
      if (proc.exited) return this.finish();
      if (isBlocked(thread)) {
        this.armWait(thread);
        if (this.stoppedWork.length === 0) return;
      }
    }
    this.schedule();
  }

  /** Stop waiting for a blocked syscall's wake-up (a guest call borrows the thread). */
  suspendWait(thread: Thread): void {
    const p = thread.pending;
    if (p?.cancel) {
      p.cancel();
      p.cancel = null;
    }
  }

  /** Wait again for a blocked syscall whose wait was suspended. */
  resumeWait(thread: Thread): void {
    if (thread.state === 'blocked') this.armWait(thread);
    this.schedule();
  }

  private armWait(thread: Thread): void {
    const p = thread.pending;
    if (!p || p.cancel) return;
    const wake = (): void => {
      if (thread.pending !== p) return;
      p.cancel?.();
      p.cancel = null;
      if (this.syscalls.retry(this.ctx)) {
        this.eip = this.proc.machine.cpu.reg(Reg.EIP);
        this.schedule();
      } else if (!this.proc.exited) {
        this.armWait(thread);
      } else {
        this.schedule();
      }
    };
    p.cancel = p.blocked.arm(wake);
  }

  private finish(): void {
    if (!this.finished) return;
    const done = this.finished;
    this.finished = null;
    const status = this.proc.exit ?? { code: 0 };
    const p = this.proc.mainThread.pending;
    p?.cancel?.();
    this.hooks.onExit(status);
    // the watchdog must be gone before the engine is freed
    void Promise.resolve(this.watchdog?.close()).then(() => done(status));
  }
}

/** Re-reads the state: handlers change it while the guest runs. */
function isBlocked(thread: Thread): boolean {
  return thread.state === 'blocked';
}
