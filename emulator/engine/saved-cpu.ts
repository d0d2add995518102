// A thread's CPU state while another thread has the engine: the whole
// emulated CPU (general, segment with their cached descriptors, x87/SSE,
// flags) kept in a Unicorn context. Switching threads is save the outgoing
// one, restore the incoming one; each is a copy of the engine's CPU state.
// Registers of a thread that is not on the engine are read from its context.
import koffi from 'koffi';
import type { Cpu } from './cpu.js';
import { uc } from './unicorn-lib.js';
import { EngineError } from './cpu.js';

export class SavedCpu {
  private handle: unknown;
  private readonly scratchPtr: unknown;
  private readonly scratch: DataView;

  /** Allocate room for one CPU state on this engine (nothing is saved yet). */
  constructor(cpu: Cpu) {
    const out: unknown[] = [null];
    const err = uc.contextAlloc(cpu.engineHandle, out) as number;
    if (err !== 0) throw new EngineError('uc_context_alloc', err);
    this.handle = out[0];
    this.scratchPtr = koffi.alloc('uint8_t', 16);
    this.scratch = new DataView(koffi.view(this.scratchPtr, 16));
  }

  private get context(): unknown {
    if (this.handle === null) throw new Error('a freed CPU context was used');
    return this.handle;
  }

  /** Copy the engine's CPU state here. */
  save(cpu: Cpu): void {
    const err = uc.contextSave(cpu.engineHandle, this.context) as number;
    if (err !== 0) throw new EngineError('uc_context_save', err);
  }

  /** Put this state on the engine. */
  restore(cpu: Cpu): void {
    const err = uc.contextRestore(cpu.engineHandle, this.context) as number;
    if (err !== 0) throw new EngineError('uc_context_restore', err);
  }

  /** A 32-bit register of the saved state. */
  reg(id: number): number {
    const err = uc.contextRegRead(this.context, id, this.scratchPtr) as number;
    if (err !== 0) throw new EngineError('uc_context_reg_read', err);
    return this.scratch.getUint32(0, true);
  }

  free(): void {
    if (this.handle === null) return;
    uc.contextFree(this.handle);
    this.handle = null;
    koffi.free(this.scratchPtr);
  }
}
