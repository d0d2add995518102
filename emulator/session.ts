// The processes of one run of dsu: each has its own machine and run loop
// (Runner), and all share one syscall table, one preemption watchdog, a
// pool of machines and the kernel's process table. The runners take turns
// through Node's event loop, slice by slice. The session lasts until every
// guest process has ended (a daemon outlives the process that started it,
// as it would natively); its status is the first process's.
import { Process, ExitStatus } from './process.js';
import { Runner } from './runner.js';
import { SyscallDispatcher } from './syscalls/dispatch.js';
import { Watchdog } from './engine/watchdog.js';
import { MachinePool } from './machine-pool.js';
import { handleFault, deliverSignals } from './signals/delivery.js';
import { hasDeliverable, pendingSet, waitedSignals } from './signals/pending.js';
import { attachHostSignals } from './signals/host.js';
import { stopTimers } from './signals/timers.js';
import { processEnded } from './kernel/process-exit.js';
import { signalSent } from './kernel/job-control.js';
import { SIGINT, SIGQUIT, SIGWINCH } from './abi/signal.js';
import type { Kernel } from './kernel/kernel.js';

export interface ProcessRun {
  runner: Runner;
  /** Resolves when the process has ended. */
  ended: Promise<ExitStatus>;
}

/** Signals a terminal sends its foreground process group. */
const KEYBOARD = new Set([SIGINT, SIGQUIT, SIGWINCH]);

export class GuestSession {
  readonly runs = new Map<Process, ProcessRun>();
  private readonly watchdog: Watchdog | null;
  private detachSignals: (() => void) | null = null;
  private finished: ((status: ExitStatus) => void) | null = null;
  /** Resolves with the first process's status once every process has ended. */
  readonly done: Promise<ExitStatus>;

  constructor(
    readonly kernel: Kernel,
    readonly dispatcher: SyscallDispatcher,
    readonly machines: MachinePool,
    opts: { quantumMs: number; koffiPath: string },
  ) {
    this.watchdog = opts.quantumMs > 0 ? new Watchdog(opts.quantumMs, opts.koffiPath) : null;
    this.done = new Promise((resolve) => (this.finished = resolve));
    kernel.starter = { machines, start: (child) => void this.run(child) };
    this.detachSignals = attachHostSignals((signo) => this.hostSignalTargets(signo));
  }

  /** Start running `proc` at its main thread's EIP. */
  run(proc: Process): ProcessRun {
    let runner: Runner | null = null;
    runner = new Runner(proc, this.dispatcher, {
      onFault: (fault, thread) => handleFault(proc, runner!, fault, thread),
      beforeResume: (thread) => deliverSignals(proc, runner!, thread),
      signalFor: (thread) => hasDeliverable(thread) || (pendingSet(thread) & waitedSignals(thread)) !== 0n,
      onExit: () => this.ended(proc),
      machineLeft: (old) => this.machines.recycle(old),
    }, { watchdog: this.watchdog });
    const r = runner;
    proc.notifySignal = () => r.interrupt();
    proc.run = { hold: () => r.hold(), release: () => r.release(), wake: () => r.wake(), sent: (sig) => signalSent(proc, sig) };
    const ended = r.start(proc.mainThread.eip);
    const run = { runner: r, ended };
    this.runs.set(proc, run);
    return run;
  }

  /** The runner of a live process. */
  runnerOf(proc: Process): Runner | undefined {
    return this.runs.get(proc)?.runner;
  }

  /** Every thread of `proc` is gone: release what it held and tell the tree. */
  private ended(proc: Process): void {
    const run = this.runs.get(proc);
    if (run) proc.family.cpuMs = run.runner.emulateMs;
    stopTimers(proc);
    proc.fds.closeAll();
    // its memory goes now (a zombie has none); the machine goes back when it is reaped
    // (kernel/process-exit.ts), and the first process's only at the end: the
    // control channel may still read it
    if (proc !== this.kernel.processes.init && proc.machine.group.members.length === 1) proc.machine.space.clear();
    processEnded(proc);
    this.runs.delete(proc);
    if (this.runs.size === 0) void this.end();
  }

  private async end(): Promise<void> {
    this.detachSignals?.();
    this.detachSignals = null;
    await this.watchdog?.close();
    const init = this.kernel.processes.init!;
    const status = init.exit ?? { code: 0 };
    this.finished?.(status);
    this.finished = null;
  }

  /** Free every machine (after the statistics have been taken). */
  release(): void {
    this.machines.closeAll();
  }

  /**
   * Where a signal sent to dsu goes: the keyboard's to the foreground group
   * the guest chose for its terminal, everything else (and the keyboard's
   * when no group was chosen) to the first process while it lives, else to
   * every process left.
   */
  private hostSignalTargets(signo: number): Process[] {
    const table = this.kernel.processes;
    const live = table.live();
    const foreground = this.kernel.terminalForeground;
    if (KEYBOARD.has(signo) && foreground !== 0) {
      const group = live.filter((p) => p.family.pgid === foreground);
      if (group.length > 0) return group;
    }
    const init = table.init;
    if (init && !init.exited) return [init];
    return live;
  }
}
