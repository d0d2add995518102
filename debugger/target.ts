// What the debugger reads and changes in the guest: its threads, their
// registers (in gdb's numbering, register-layout.ts) and its memory. Reads
// hide the int3 bytes of every breakpoint owner (the debugger's own and the
// patcher's), as gdbserver shows the program's own code; code written here
// is dropped from the engine's translation cache so the next run sees it.
import type { Runner } from '../emulator/runner.js';
import type { Thread } from '../emulator/thread.js';
import { PROT_READ } from '../emulator/memory/address-space.js';
import { breakpointsOf } from '../emulator/breakpoints.js';
import { REGISTERS, RegisterDef } from './register-layout.js';

export class DebugTarget {
  constructor(readonly runner: Runner) {}

  private get proc() {
    return this.runner.proc;
  }

  get pid(): number {
    return this.proc.pid;
  }

  /** The threads that have not exited, in creation order. */
  threads(): Thread[] {
    return this.proc.threads.filter((t) => t.state !== 'exited');
  }

  thread(tid: number): Thread | undefined {
    return this.threads().find((t) => t.tid === tid);
  }

  /** One register as little-endian bytes, or null when dsu does not track it. */
  readRegister(thread: Thread, regnum: number): Uint8Array | null {
    const def = REGISTERS[regnum];
    if (!def) throw new RangeError(`no register ${regnum}`);
    return this.read(thread, def);
  }

  private read(thread: Thread, def: RegisterDef): Uint8Array | null {
    const src = def.source;
    if (src.kind === 'unavailable') return null;
    if (src.kind === 'eip') {
      const out = new Uint8Array(4);
      new DataView(out.buffer).setUint32(0, thread.eip >>> 0, true);
      return out;
    }
    this.runner.switchTo(thread);
    return this.proc.machine.cpu.readRegBytes(src.id, def.bytes);
  }

  /** Every register in order (null where unavailable), for the `g` packet. */
  readAll(thread: Thread): (Uint8Array | null)[] {
    return REGISTERS.map((def) => this.read(thread, def));
  }

  /** Set one register; false when dsu cannot (one it does not track). */
  writeRegister(thread: Thread, regnum: number, bytes: Uint8Array): boolean {
    const def = REGISTERS[regnum];
    if (!def || bytes.length < def.bytes) return false;
    const src = def.source;
    if (src.kind === 'unavailable') return false;
    if (src.kind === 'eip') {
      thread.eip = new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, true);
      return true;
    }
    this.runner.switchTo(thread);
    const cpu = this.proc.machine.cpu;
    // the engine reads up to 8 bytes for a 4-byte register: keep the rest zero
    const padded = new Uint8Array(Math.max(def.bytes, 8));
    padded.set(bytes.subarray(0, def.bytes));
    cpu.writeRegBytes(src.id, padded);
    return true;
  }

  /** Up to `length` bytes from `address`: fewer where the readable memory ends (none: unmapped). */
  readMemory(address: number, length: number): Uint8Array {
    const mem = this.proc.mem;
    let n = 0;
    while (n < length && mem.space.isAccessible(address + n, 1, PROT_READ)) {
      // whole pages at a time
      const step = Math.min(length - n, 0x1000 - ((address + n) & 0xfff));
      n += step;
    }
    const out = Uint8Array.from(mem.bytes.subarray(address, address + n));
    const breakpoints = breakpointsOf(this.runner);
    for (let i = 0; i < n; i++) {
      const original = breakpoints.originalByte(address + i);
      if (original !== undefined) out[i] = original;
    }
    return out;
  }

  /** Write `data` at `address` (read-only mappings too, as ptrace may); false if any of it is unmapped. */
  writeMemory(address: number, data: Uint8Array): boolean {
    const mem = this.proc.mem;
    if (!mem.space.isAccessible(address, data.length, 0)) return false;
    const breakpoints = breakpointsOf(this.runner);
    // a byte under a breakpoint is restored from the breakpoint's saved copy later: refuse to change it
    for (let i = 0; i < data.length; i++) {
      const original = breakpoints.originalByte(address + i);
      if (original !== undefined && original !== data[i]) return false;
    }
    for (let i = 0; i < data.length; i++) {
      if (breakpoints.originalByte(address + i) === undefined) mem.bytes[address + i] = data[i];
    }
    this.proc.machine.invalidateCode(address, address + data.length);
    return true;
  }
}
