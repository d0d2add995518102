// The threads of one process on its one engine: which thread's registers
// are on the engine, switching (save the outgoing thread's CPU context,
// restore the incoming one's, write its TLS descriptors into the GDT, as
// the kernel's switch_to does with load_TLS), a new thread's state made
// from its creator's, and the registers of any thread read for a stack
// walk. The run loop decides when; this does it.
import type { Machine } from './machine.js';
import type { Thread } from './thread.js';
import type { Cpu } from './engine/cpu.js';
import { SavedCpu } from './engine/saved-cpu.js';
import { TLS_FIRST } from './engine/descriptors.js';
import { Reg } from './engine/unicorn-consts.js';

/** A thread's general registers (what a stack walk starts from). */
export interface ThreadRegisters {
  eip: number; esp: number; ebp: number; ebx: number; esi: number; edi: number; eax: number; ecx: number; edx: number;
}

export class ThreadCpu {
  private current: Thread;
  /** Thread switches so far. */
  switches = 0;

  constructor(private readonly machine: Machine, first: Thread) {
    this.current = first;
  }

  /** The thread whose registers are on the engine. */
  get loaded(): Thread {
    return this.current;
  }

  private installTls(thread: Thread): void {
    thread.tls.forEach((words, i) => this.machine.gdt.write(TLS_FIRST + i, words));
  }

  /** Put `thread` on the engine (nothing to do if it is there). */
  switchTo(thread: Thread): void {
    if (this.current === thread) return;
    const cpu = this.machine.cpu;
    const out = this.current;
    if (out.state !== 'exited') (out.cpu ??= new SavedCpu(cpu)).save(cpu);
    if (!thread.cpu) throw new Error(`thread ${thread.tid} has no saved CPU state`);
    thread.cpu.restore(cpu);
    this.installTls(thread);
    this.current = thread;
    this.switches++;
  }

  /**
   * Give `child` the state of the thread on the engine as `prepare` changes
   * it (run with the child's TLS descriptors in the GDT); the thread on the
   * engine is left as it was.
   */
  fork(child: Thread, prepare: (cpu: Cpu) => void): void {
    const cpu = this.machine.cpu;
    const parent = this.current;
    const parentState = (parent.cpu ??= new SavedCpu(cpu));
    parentState.save(cpu);
    this.installTls(child);
    try {
      prepare(cpu);
      child.cpu = new SavedCpu(cpu);
      child.cpu.save(cpu);
      child.eip = cpu.reg(Reg.EIP);
    } finally {
      parentState.restore(cpu);
      this.installTls(parent);
    }
  }

  /** The general registers of any thread: from the engine for the one on it, else from its saved context. */
  registersOf(thread: Thread): ThreadRegisters {
    const source = this.current === thread || !thread.cpu ? this.machine.cpu : thread.cpu;
    const r = (id: number): number => source.reg(id);
    return {
      eip: thread.eip, esp: r(Reg.ESP), ebp: r(Reg.EBP), ebx: r(Reg.EBX), esi: r(Reg.ESI), edi: r(Reg.EDI),
      eax: r(Reg.EAX), ecx: r(Reg.ECX), edx: r(Reg.EDX),
    };
  }

  /** Free a thread's saved state (it exited, or the engine is about to go). */
  release(thread: Thread): void {
    thread.cpu?.free();
    thread.cpu = null;
  }
}
