// Software breakpoints (int3) in guest code: an emulator mechanism with one
// owner per address. Several users set them (the patcher on the return of a
// blocking function and at dsu_update_point, a debugger at a user's
// request); each takes a named handle from the process's one table, and an
// address another owner holds is refused rather than silently taken over,
// so neither ever loses a breakpoint to the other or restores the other's
// int3 as "original" code. A hit stops the thread at the breakpoint's own
// address; the owner's handler decides what happens next.
import type { Runner } from './runner.js';
import type { Thread } from './thread.js';
import type { CpuFault } from './faults/fault.js';

const INT3 = 0xcc;
const BREAKPOINT_VECTOR = 3;

export type BreakpointHandler = (address: number, thread: Thread) => void;

/** An address already holds another owner's breakpoint. */
export class BreakpointBusyError extends Error {
  override readonly name = 'BreakpointBusyError';
  constructor(readonly address: number, readonly owner: string) {
    super(`0x${address.toString(16)} already holds a breakpoint of the ${owner}`);
  }
}

interface Breakpoint {
  owner: BreakpointSet;
  original: number;
  handler: BreakpointHandler;
}

/** Every breakpoint of one running program. */
export class BreakpointTable {
  private readonly active = new Map<number, Breakpoint>();

  constructor(private readonly runner: Runner) {
    runner.interceptors.push((fault, thread) => this.claim(fault, thread));
  }

  /** A handle through which `owner` (a name used in messages) sets and removes its own breakpoints. */
  owner(name: string): BreakpointSet {
    return new BreakpointSet(this, name);
  }

  /** Who holds the breakpoint at `address`, if any. */
  ownerAt(address: number): string | null {
    return this.holder(address)?.name ?? null;
  }

  /** @internal through BreakpointSet */
  holder(address: number): BreakpointSet | null {
    return this.active.get(address)?.owner ?? null;
  }

  /** The guest's own byte at `address`, where a breakpoint hides it (for code readers). */
  originalByte(address: number): number | undefined {
    return this.active.get(address)?.original;
  }

  /** @internal through BreakpointSet */
  insert(owner: BreakpointSet, address: number, handler: BreakpointHandler): void {
    const known = this.active.get(address);
    if (known) {
      if (known.owner !== owner) throw new BreakpointBusyError(address, known.owner.name);
      known.handler = handler;
      return;
    }
    const bytes = this.runner.proc.space.memory.bytes;
    this.active.set(address, { owner, original: bytes[address], handler });
    bytes[address] = INT3;
    this.runner.proc.machine.invalidateCode(address, address + 1);
  }

  /** @internal through BreakpointSet */
  remove(owner: BreakpointSet, address: number): void {
    const bp = this.active.get(address);
    if (!bp || bp.owner !== owner) return;
    this.active.delete(address);
    this.runner.proc.space.memory.bytes[address] = bp.original;
    this.runner.proc.machine.invalidateCode(address, address + 1);
  }

  /** @internal through BreakpointSet */
  addressesOf(owner: BreakpointSet): number[] {
    return [...this.active].filter(([, bp]) => bp.owner === owner).map(([a]) => a);
  }

  private claim(fault: CpuFault, thread: Thread): boolean {
    if (fault.vector !== BREAKPOINT_VECTOR) return false;
    const address = (fault.eip - 1) >>> 0;
    const bp = this.active.get(address);
    if (!bp) return false;
    // resume at the breakpoint's own address unless the handler moves EIP
    this.runner.instructionPointer = address;
    bp.handler(address, thread);
    return true;
  }
}

/** One owner's breakpoints. */
export class BreakpointSet {
  constructor(private readonly table: BreakpointTable, readonly name: string) {}

  /** Set a breakpoint (or replace this owner's handler at `address`); throws BreakpointBusyError if another owner holds it. */
  insert(address: number, handler: BreakpointHandler): void {
    this.table.insert(this, address >>> 0, handler);
  }

  /** Remove this owner's breakpoint at `address` (another owner's is left alone). */
  remove(address: number): void {
    this.table.remove(this, address >>> 0);
  }

  removeAll(): void {
    for (const a of this.table.addressesOf(this)) this.table.remove(this, a);
  }

  has(address: number): boolean {
    return this.table.holder(address >>> 0) === this;
  }
}

const tables = new WeakMap<Runner, BreakpointTable>();

/** The one breakpoint table of the program `runner` runs. */
export function breakpointsOf(runner: Runner): BreakpointTable {
  let table = tables.get(runner);
  if (!table) tables.set(runner, (table = new BreakpointTable(runner)));
  return table;
}
