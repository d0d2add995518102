// Runs the threads of a guest process on its one engine, in slices. Each
// slice is one uc_emu_start for one thread: it ends when the process exits,
// the thread faults, blocks in a syscall, yields, or has run for the
// preemption quantum. Between slices Node's event loop runs (sockets,
// timers, the control channel), so the host stays responsive and idle while
// every thread waits. The unit switched is a thread's saved CPU context:
// before a thread runs, or has its registers read or written (a syscall
// re-run, a signal delivered), it is put on the engine.
import { Reg } from './engine/unicorn-consts.js';
import { Watchdog } from './engine/watchdog.js';
import { SavedCpu } from './engine/saved-cpu.js';
import { ThreadCpu, ThreadRegisters } from './thread-cpu.js';
import { clearExceptionInFlight } from './engine/exception-latch.js';
import { Process, ExitStatus } from './process.js';
import { Thread } from './thread.js';
import { SyscallDispatcher } from './syscalls/dispatch.js';
import { SyscallContext, ThreadStarter } from './syscalls/types.js';
import type { Cpu } from './engine/cpu.js';
import { CpuFault, faultFromInterrupt, faultFromEngineError } from './faults/fault.js';
import type { Machine } from './machine.js';

export interface RunnerHooks {
  /** A CPU exception or engine error: decide what happens (signal delivery or death). */
  onFault(fault: CpuFault, thread: Thread): void;
  /** Before a thread resumes, with it on the engine: deliver pending signals (may change registers). */
  beforeResume(thread: Thread): void;
  /** Whether a signal is pending that the thread would take now (or that ends its wait). */
  signalFor(thread: Thread): boolean;
  /** The process is gone; release resources. */
  onExit(status: ExitStatus): void;
  /** The process left `machine` (execve gave it a new one); its engine is stopped and may be reused. */
  machineLeft?(machine: Machine): void;
}

/** A thread lent to the host to run a function of the guest (see guest-call.ts). */
interface Lent {
  thread: Thread;
  cpu: SavedCpu;
  eip: number;
  state: Thread['state'];
  pending: Thread['pending'];
  woken: boolean;
  mask: bigint;
  syscallState: Thread['syscallState'];
}

const TLB_RESIZE_MS = 100;

export class Runner implements ThreadStarter {
  /** Which thread is on the engine, and switching. */
  private engine: ThreadCpu;
  private loadedCtx: SyscallContext;
  private contexts = new WeakMap<Thread, SyscallContext>();
  /** Round-robin position in proc.threads. */
  private cursor = 0;
  private scheduled = false;
  /** A signal was posted since the last slice began. */
  signalPending = false;
  private fault: CpuFault | null = null;
  private readonly watchdog: Watchdog | null;
  /** The engine's handle as an integer, for the watchdog. */
  private engineAddress = 0n;
  /** The machine whose engine this runner has hooked (execve replaces the process's). */
  private machine: Machine;
  private finished: ((s: ExitStatus) => void) | null = null;
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
  /** While held, the program does not run (a patch is being applied); a lent thread still does. */
  private holds = 0;
  /** Threads kept where they are while the others run (at an update point, waiting for the rest). */
  private readonly parked = new Set<Thread>();
  private lent: Lent | null = null;
  slices = 0;
  /** Threads started after the main one (clone), and the most that were alive at once. */
  threadsStarted = 0;
  peakThreads = 1;
  /** The engine sizes its translation cache at each flush from recent use: flush now and then so it can grow. */
  private lastTlbResize = 0;
  /** Milliseconds inside the engine (guest code and the syscall handlers it calls). */
  emulateMs = 0;
  /** When non-zero, slices stop before this address (a debugger's single step: the next instruction). */
  stopAddress = 0;

  constructor(
    readonly proc: Process,
    readonly syscalls: SyscallDispatcher,
    private readonly hooks: RunnerHooks,
    /** The session's preemption watchdog (null: no preemption). */
    opts: { watchdog: Watchdog | null },
  ) {
    this.engine = new ThreadCpu(proc.machine, proc.mainThread);
    this.loadedCtx = this.contextOf(proc.mainThread);
    this.watchdog = opts.watchdog;
    this.machine = proc.machine;
    this.attachEngine();
  }

  /** Take the interrupts of the process's engine (at start, and after execve gave it a new machine). */
  private attachEngine(): void {
    this.machine = this.proc.machine;
    const machine = this.machine;
    const cpu = machine.cpu;
    this.engineAddress = cpu.handleAddress;
    cpu.onInterrupt((intno) => {
      if (intno === 0x80) {
        this.syscalls.enter(this.loadedCtx);
        return;
      }
      this.fault = faultFromInterrupt(intno, cpu, machine.cpuFields);
      cpu.stop();
    });
    cpu.onInvalidInstruction(() => false);
  }

  /**
   * execve gave the process a new machine (proc.machine changed): `thread`
   * is the process's only thread and its registers are on the new engine.
   * Contexts made for the old machine go, and so does the old machine, now
   * that its engine is stopped.
   */
  private adoptMachine(thread: Thread): void {
    const old = this.machine;
    thread.cpu?.free();
    thread.cpu = null;
    this.contexts = new WeakMap();
    this.engine = new ThreadCpu(this.proc.machine, thread);
    this.loadedCtx = this.contextOf(thread);
    this.attachEngine();
    this.hooks.machineLeft?.(old);
  }

  /** The syscall context of a thread (the process, the thread, memory, the stop switch). */
  contextOf(thread: Thread): SyscallContext {
    let ctx = this.contexts.get(thread);
    if (!ctx) {
      const cpu = this.proc.machine.cpu;
      ctx = { proc: this.proc, thread, mem: this.proc.mem, stopCpu: () => cpu.stop(), threads: this };
      this.contexts.set(thread, ctx);
    }
    return ctx;
  }

  /** Thread switches on the engine so far. */
  get switches(): number {
    return this.engine.switches;
  }

  /** The syscall context of the thread on the engine. */
  get context(): SyscallContext {
    return this.loadedCtx;
  }

  /** The thread whose registers are on the engine (the one running, during a slice). */
  get current(): Thread {
    return this.engine.loaded;
  }

  /** Where the thread on the engine resumes. */
  get instructionPointer(): number {
    return this.engine.loaded.eip;
  }

  set instructionPointer(value: number) {
    this.engine.loaded.eip = value >>> 0;
  }

  /** Start the program's main thread at `entry`; resolves with the process's exit status. */
  start(entry: number): Promise<ExitStatus> {
    this.engine.loaded.eip = entry >>> 0;
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

  /** Keep `thread` where it is (it is not run, nor given signals) until unpark(); the others go on. */
  park(thread: Thread): void {
    this.parked.add(thread);
  }

  unpark(thread: Thread): void {
    if (this.parked.delete(thread)) this.schedule();
  }

  isParked(thread: Thread): boolean {
    return this.parked.has(thread);
  }

  /** Run the guest now even if held (a lent thread); `schedule` is otherwise private. */
  kick(): void {
    this.schedule();
  }

  /** The general registers of any thread, for stack walks (EIP is where it resumes). */
  registersOf(thread: Thread): ThreadRegisters {
    return this.engine.registersOf(thread);
  }

  /** Put `thread` on the engine. */
  switchTo(thread: Thread): void {
    this.engine.switchTo(thread);
    this.loadedCtx = this.contextOf(thread);
  }

  /** Add a thread whose state is the running thread's, changed by `prepare` (clone). */
  startThread(child: Thread, prepare: (cpu: Cpu) => void): void {
    this.engine.fork(child, prepare);
    child.state = 'runnable';
    this.proc.threads.push(child);
    this.threadsStarted++;
    this.peakThreads = Math.max(this.peakThreads, this.proc.liveThreads.length);
    this.schedule();
  }

  /**
   * Lend `thread` to the host (a guest call): it is put on the engine, its
   * registers, blocked syscall and signal mask are set aside, and only it
   * runs (even while the program is held) until giveBack().
   */
  lend(thread: Thread): void {
    if (this.lent) throw new Error('a thread is already lent');
    this.switchTo(thread);
    const cpu = this.proc.machine.cpu;
    const saved = new SavedCpu(cpu);
    saved.save(cpu);
    this.suspendWait(thread);
    this.lent = {
      thread, cpu: saved, eip: thread.eip, state: thread.state, pending: thread.pending, woken: thread.woken,
      mask: thread.signalMask, syscallState: thread.syscallState,
    };
    thread.pending = null;
    thread.woken = false;
    thread.syscallState = null;
    thread.state = 'runnable';
    thread.signalMask = ~0n;
  }

  /** The thread lent by lend(), if any. */
  get lentThread(): Thread | null {
    return this.lent?.thread ?? null;
  }

  /** Give the lent thread back exactly as it was. */
  giveBack(): void {
    const l = this.lent;
    if (!l) return;
    this.lent = null;
    const thread = l.thread;
    this.switchTo(thread);
    l.cpu.restore(this.proc.machine.cpu);
    l.cpu.free();
    thread.eip = l.eip;
    thread.state = l.state;
    thread.pending = l.pending;
    thread.woken = l.woken;
    thread.signalMask = l.mask;
    thread.syscallState = l.syscallState;
    this.resumeWait(thread);
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
    while (this.stoppedWork.length > 0 && !proc.exited) this.stoppedWork.shift()!();
    if (proc.exited) return this.finish();
    const thread = this.pick();
    if (proc.exited) return this.finish();
    if (thread === null) return;
    // execve finished in the syscall retried just now
    if (proc.machine !== this.machine) this.adoptMachine(thread);
    const lending = this.lent !== null;
    const cpu = proc.machine.cpu;
    const now = performance.now();
    if (now - this.lastTlbResize > TLB_RESIZE_MS) {
      this.lastTlbResize = now;
      proc.machine.flushTlb();
    }
    this.fault = null;
    const machine = proc.machine;
    const watchdog = machine.preemptible ? this.watchdog : null;
    watchdog?.armed(this.engineAddress);
    const began = performance.now();
    const err = cpu.start(thread.eip, 0, this.stopAddress);
    this.emulateMs += performance.now() - began;
    watchdog?.disarmed();
    this.slices++;
    if (proc.machine !== machine) {
      // execve: the thread starts the new program (its EIP is set already)
      this.adoptMachine(thread);
      if (proc.exited) return this.finish();
      this.schedule();
      return;
    }
    thread.eip = cpu.reg(Reg.EIP);
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
        thread.eip = cpu.reg(Reg.EIP);
      }
    }
    // exit(2) of one thread: its saved state goes with it
    if (thread.state === 'exited') this.engine.release(thread);
    if (proc.exited) return this.finish();
    if (!lending) for (const listener of [...this.stopListeners]) listener();
    if (proc.exited) return this.finish();
    if (thread.state === 'blocked' && !this.lent) {
      // a syscall that installed a temporary mask (sigsuspend, ppoll) may
      // have let a pending signal through: it interrupts the wait right away
      if (this.holds === 0) this.hooks.beforeResume(thread);
      if (proc.exited) return this.finish();
    }
    if (thread.state === 'blocked') this.armWait(thread);
    if (this.holds > 0 && !this.lent) {
      if (this.stoppedWork.length > 0) this.schedule();
      return;
    }
    if (this.stoppedWork.length > 0 || this.signalPending || this.anyReady()) this.schedule();
  }

  /**
   * The next thread to run, on the engine and with its signals delivered, or
   * null when none can run now (each blocked one has its wait armed). Threads
   * take turns in their order; a blocked thread whose wait fired re-runs its
   * syscall first, and one with a signal to take has it delivered (which may
   * end its syscall).
   */
  private pick(): Thread | null {
    if (this.lent) return this.prepare(this.lent.thread, true) ? this.lent.thread : null;
    if (this.holds > 0) return null;
    this.signalPending = false;
    const threads = this.proc.threads;
    const n = threads.length;
    for (let i = 0; i < n; i++) {
      const index = (this.cursor + i) % n;
      const t = threads[index];
      if (t.state === 'exited' || this.parked.has(t)) continue;
      if (this.prepare(t, false)) {
        this.cursor = (index + 1) % n;
        return t;
      }
      if (this.proc.exited) return null;
    }
    return null;
  }

  /** Make `thread` ready to run now; false when it stays blocked (its wait armed) or cannot run. */
  private prepare(thread: Thread, lending: boolean): boolean {
    if (thread.state === 'blocked') {
      const signal = !lending && this.hooks.signalFor(thread);
      if (!thread.woken && !signal) {
        this.armWait(thread);
        return false;
      }
      this.switchTo(thread);
      if (thread.woken) {
        thread.woken = false;
        this.syscalls.retry(this.loadedCtx);
      }
    } else {
      this.switchTo(thread);
    }
    if (!lending && !this.proc.exited) this.hooks.beforeResume(thread);
    if (this.proc.exited) return false;
    // a stop signal taken just now holds the process (job control)
    if (!lending && this.holds > 0) {
      if (thread.state === 'blocked') this.armWait(thread);
      return false;
    }
    if (thread.state === 'blocked') {
      this.armWait(thread);
      return false;
    }
    return thread.state === 'runnable';
  }

  /** Whether some thread can run without waiting for anything, or has a signal to take. */
  private anyReady(): boolean {
    for (const t of this.proc.threads) {
      if (this.parked.has(t)) continue;
      if (t.state === 'runnable' || t.woken) return true;
      if (t.state === 'blocked' && this.hooks.signalFor(t)) return true;
    }
    return false;
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
    if (!p || p.cancel || thread.woken) return;
    const wake = (): void => {
      if (thread.pending !== p) return;
      p.cancel?.();
      p.cancel = null;
      thread.woken = true;
      this.schedule();
    };
    p.cancel = p.blocked.arm(wake);
  }

  private finish(): void {
    if (!this.finished) return;
    const done = this.finished;
    this.finished = null;
    const status = this.proc.exit ?? { code: 0 };
    this.proc.kernel.tracer?.processEnded(this.proc, status);
    for (const t of this.proc.threads) {
      t.pending?.cancel?.();
      // contexts belong to the engine, which is freed after this
      this.engine.release(t);
    }
    this.lent?.cpu.free();
    this.lent = null;
    this.hooks.onExit(status);
    done(status);
  }
}
