// Stopping and resuming the guest for a debugger, in all-stop mode: the
// whole program is held (Runner.hold) while gdb has it stopped, so no
// thread runs, yet Node's event loop (the control socket, `dsu status`, a
// live patch) goes on. A single step runs one instruction of one thread
// (the others parked, the engine limited to one instruction); a breakpoint
// is the emulator's (one owner per address, shared with the patcher); a CPU
// fault that would become a signal stops the program first, as under
// ptrace, and is delivered when gdb continues with that signal.
import type { Runner } from '../emulator/runner.js';
import type { Thread } from '../emulator/thread.js';
import type { CpuFault } from '../emulator/faults/fault.js';
import { disassemble } from '../emulator/faults/disasm.js';
import type { DebugTarget } from './target.js';
import { breakpointsOf, BreakpointBusyError, BreakpointSet } from '../emulator/breakpoints.js';

const SIGINT = 2;
export const SIGTRAP = 5;


export interface StopEvent {
  thread: Thread;
  signal: number;
  /** Extra stop-reply fields, e.g. `swbreak:;`. */
  reason: string;
}

export class RunControl {
  private holding = false;
  private stepping: { thread: Thread; parked: Thread[]; start: number; end: number; watching: boolean; unhook?: () => void } | null = null;
  /** The last stop was a fault whose signal the guest should get if gdb passes it on. */
  private faulted: { signal: number } | null = null;
  private passFault = false;
  private attached = true;
  running = false;
  private readonly breakpoints: BreakpointSet;
  /** Write watchpoints: address → the bytes watched, as last seen. */
  private readonly watchpoints = new Map<number, Uint8Array>();
  private readonly afterSlice = (): void => {
    const s = this.stepping;
    if (!this.running || !s) return;
    if (!s.watching) return this.stop(s.thread, SIGTRAP, '');
    const changed = this.changedWatchpoint();
    if (changed !== null) return this.stop(s.thread, SIGTRAP, `watch:${changed.toString(16)};`);
    // nothing watched changed: the next instruction, of the next thread that can run
    this.endStep();
    this.beginStep(this.nextThread(s.thread), true);
  };

  constructor(private readonly runner: Runner, private readonly target: DebugTarget, private readonly onStop: (e: StopEvent) => void) {
    this.breakpoints = breakpointsOf(runner).owner('debugger');
    runner.stopListeners.add(this.afterSlice);
    runner.interceptors.push((fault, thread) => this.claimFault(fault, thread));
  }

  /** Keep the program from running its first instruction until gdb resumes it. */
  holdAtStart(): void {
    this.hold();
  }

  /** Resume every thread; `signal` (non-zero) passes the fault the guest stopped on to it. */
  resume(signal = 0): void {
    this.passFault = signal !== 0 && this.faulted?.signal === signal;
    this.faulted = null;
    this.running = true;
    // with watchpoints, the program runs an instruction at a time and each is checked
    if (this.watchpoints.size > 0) this.beginStep(this.runner.current.state === 'exited' ? this.nextThread(this.runner.current) : this.runner.current, true);
    this.release();
  }

  /** Run one instruction of `thread` (the others stay where they are), then stop. */
  step(thread: Thread, signal = 0): void {
    this.beginStep(thread, false);
    this.resume(signal);
  }

  /**
   * Watch writes to [address, address + length): the program then runs one
   * instruction at a time and stops after one that changed those bytes (as
   * gdb's `watch`: a write of the same value is not reported). False when
   * the memory is not readable.
   */
  insertWatchpoint(address: number, length: number): boolean {
    const bytes = this.target.readMemory(address, length);
    if (bytes.length !== length) return false;
    this.watchpoints.set(address, bytes);
    return true;
  }

  removeWatchpoint(address: number): void {
    this.watchpoints.delete(address);
  }

  /** The first watched address whose bytes changed (remembering the new ones), or null. */
  private changedWatchpoint(): number | null {
    let changed: number | null = null;
    for (const [address, old] of this.watchpoints) {
      const now = this.target.readMemory(address, old.length);
      if (now.length === old.length && now.every((b, i) => b === old[i])) continue;
      this.watchpoints.set(address, now);
      changed ??= address;
    }
    return changed;
  }

  /** The thread after `thread` that can run now, in creation order (`thread` itself if none). */
  private nextThread(thread: Thread): Thread {
    const threads = this.runner.proc.threads;
    const at = threads.indexOf(thread);
    for (let i = 1; i <= threads.length; i++) {
      const t = threads[(at + i) % threads.length];
      if (t.state === 'runnable' || (t.state === 'blocked' && t.woken)) return t;
    }
    return thread;
  }

  private beginStep(thread: Thread, watching: boolean): void {
    const parked: Thread[] = [];
    for (const t of this.runner.proc.threads) {
      if (t === thread || t.state === 'exited' || this.runner.isParked(t)) continue;
      this.runner.park(t);
      parked.push(t);
    }
    this.stepping = { thread, parked, start: thread.eip, end: 0, watching };
    // A stop requested at the stepped instruction takes effect where its
    // block ends: a branch ends one, so the step stops at the start of the
    // block it goes to; otherwise the engine's `until` stops it before the
    // next instruction. Both are compiled into code translated from now on,
    // so the code here is translated afresh (and again after the step).
    const next = this.nextInstruction(thread.eip);
    this.stepping.end = next ?? thread.eip;
    if (next !== null) this.runner.stopAddress = next;
    this.runner.proc.machine.invalidateCode(thread.eip, this.stepping.end + 1);
    this.stepping.unhook = this.runner.proc.machine.cpu.stopRequestAt(thread.eip);
  }

  /** Ctrl-C: stop wherever the program is (it runs between slices, so it is at an instruction boundary now). */
  interrupt(): void {
    if (!this.running) return;
    this.stop(this.runner.current, SIGINT, '');
  }

  /** A breakpoint of the debugger at `address`; an error message when the address is another owner's. */
  insertBreakpoint(address: number): string | null {
    try {
      this.breakpoints.insert(address, (_at, thread) => this.stop(thread, SIGTRAP, 'swbreak:;'));
      return null;
    } catch (e) {
      if (e instanceof BreakpointBusyError) return e.message;
      throw e;
    }
  }

  removeBreakpoint(address: number): void {
    this.breakpoints.remove(address);
  }

  /** gdb left: its breakpoints go and the program runs on by itself. */
  detach(): void {
    if (!this.attached) return;
    this.attached = false;
    this.breakpoints.removeAll();
    this.watchpoints.clear();
    this.endStep();
    this.runner.stopListeners.delete(this.afterSlice);
    this.running = true;
    this.release();
  }

  private claimFault(fault: CpuFault, thread: Thread): boolean {
    if (!this.attached || fault.vector === 3) return false;
    if (this.passFault) {
      this.passFault = false;
      return false;
    }
    // a page of a shared file mapping the file has grown to is no fault at all
    if (fault.vector === 14 && this.runner.proc.space.resolveFault(fault.address >>> 0) === 'resolved') return true;
    // the faulting instruction runs again when gdb continues (and faults again, then delivered)
    this.runner.instructionPointer = fault.eip;
    this.faulted = { signal: fault.signal };
    this.stop(thread, fault.signal, '');
    return true;
  }

  private stop(thread: Thread, signal: number, reason: string): void {
    this.endStep();
    this.hold();
    this.running = false;
    this.onStop({ thread, signal, reason });
  }

  private endStep(): void {
    const s = this.stepping;
    if (!s) return;
    this.stepping = null;
    s.unhook?.();
    this.runner.stopAddress = 0;
    // the code translated for the step stops at its end: translate it again
    this.runner.proc.machine.invalidateCode(s.start, s.end + 1);
    for (const t of s.parked) this.runner.unpark(t);
  }

  /** The address after the instruction at `eip`, or null when it cannot be decoded. */
  private nextInstruction(eip: number): number | null {
    const code = this.target.readMemory(eip, 16);
    const insn = disassemble(code, eip);
    return insn ? (eip + insn.size) >>> 0 : null;
  }

  private hold(): void {
    if (this.holding) return;
    this.holding = true;
    this.runner.hold();
  }

  private release(): void {
    if (!this.holding) return;
    this.holding = false;
    this.runner.release();
  }
}
