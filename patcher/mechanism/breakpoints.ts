// Software breakpoints (int3) in guest code, owned by the host. A hit stops
// the guest; the owner decides what happens next. Used to re-check a pending
// patch when a blocking function returns, to stop at dsu_update_point, and
// as the return address of guest calls.
import type { Session } from '../../emulator/launch.js';
import type { CpuFault } from '../../emulator/faults/fault.js';

const INT3 = 0xcc;

export type BreakpointHandler = (address: number) => void;

interface Breakpoint {
  original: number;
  handler: BreakpointHandler;
}

export class Breakpoints {
  private readonly active = new Map<number, Breakpoint>();

  constructor(private readonly session: Session) {
    session.runner.interceptors.push((fault) => this.claim(fault));
  }

  has(address: number): boolean {
    return this.active.has(address);
  }

  insert(address: number, handler: BreakpointHandler): void {
    const bytes = this.session.proc.space.memory.bytes;
    const known = this.active.get(address);
    if (known) {
      known.handler = handler;
      return;
    }
    this.active.set(address, { original: bytes[address], handler });
    bytes[address] = INT3;
    this.session.proc.machine.invalidateCode(address, address + 1);
  }

  remove(address: number): void {
    const bp = this.active.get(address);
    if (!bp) return;
    this.active.delete(address);
    this.session.proc.space.memory.bytes[address] = bp.original;
    this.session.proc.machine.invalidateCode(address, address + 1);
  }

  removeAll(): void {
    for (const a of [...this.active.keys()]) this.remove(a);
  }

  /** The original byte at `address` if a breakpoint hides it (for code readers). */
  originalByte(address: number): number | undefined {
    return this.active.get(address)?.original;
  }

  private claim(fault: CpuFault): boolean {
    if (fault.vector !== 3) return false;
    const address = (fault.eip - 1) >>> 0;
    const bp = this.active.get(address);
    if (!bp) return false;
    // resume at the breakpoint's own address unless the handler moves EIP
    this.session.runner.instructionPointer = address;
    bp.handler(address);
    return true;
  }
}
