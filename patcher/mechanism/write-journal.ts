// A journal of every guest page written while it is open, so that a failed
// state transfer can be undone exactly. Writable pages are made read-only in
// the page tables; the first write to each page faults, the page's old
// contents are saved, and the page becomes writable again. Host writes on
// the guest's behalf (syscalls filling buffers) are journaled through the
// address space's write watch. Mappings created meanwhile are removed on undo.
import type { Session } from '../../emulator/launch.js';
import type { CpuFault } from '../../emulator/faults/fault.js';
import { PROT_WRITE, Region } from '../../emulator/memory/address-space.js';

const PAGE = 4096;

export class WriteJournal {
  private readonly saved = new Map<number, Uint8Array>();
  private readonly regionsBefore: Region[];
  private readonly brkBefore: number;
  private open = true;
  private readonly interceptor: (fault: CpuFault) => boolean;

  constructor(private readonly session: Session) {
    const space = session.proc.space;
    this.regionsBefore = space.regions.map((r) => ({ ...r }));
    this.brkBefore = space.brkEnd;
    for (const r of space.regions) if (r.prot & PROT_WRITE && r.kind !== 'reserved') session.proc.machine.tables.map(r.start, r.end, false);
    session.proc.machine.flushTlb();
    this.interceptor = (fault) => this.claim(fault);
    session.runner.interceptors.unshift(this.interceptor);
    space.writeWatch = (start, end) => this.record(start, end);
  }

  /** Pages saved so far. */
  get pages(): number {
    return this.saved.size;
  }

  /** Stop journaling; writable pages are writable again. */
  close(): void {
    if (!this.open) return;
    this.open = false;
    const { proc, runner } = this.session;
    const i = runner.interceptors.indexOf(this.interceptor);
    if (i >= 0) runner.interceptors.splice(i, 1);
    proc.space.writeWatch = null;
    for (const r of proc.space.regions) if (r.prot & PROT_WRITE && r.kind !== 'reserved') proc.machine.tables.map(r.start, r.end, true);
    proc.machine.flushTlb();
  }

  /** Put back every saved page and remove mappings made since the journal opened. */
  undo(): void {
    this.close();
    const space = this.session.proc.space;
    const bytes = space.memory.bytes;
    for (const r of [...space.regions]) {
      const existed = this.regionsBefore.some((b) => b.start <= r.start && r.end <= b.end);
      if (!existed) space.unmap(r.start, r.end);
    }
    for (const [page, data] of this.saved) if (space.isCovered(page, page + PAGE)) bytes.set(data, page);
    space.brkEnd = this.brkBefore;
  }

  private record(start: number, end: number): void {
    const bytes = this.session.proc.space.memory.bytes;
    for (let page = start - (start % PAGE); page < end; page += PAGE) {
      if (!this.saved.has(page)) this.saved.set(page, bytes.slice(page, page + PAGE));
    }
  }

  private claim(fault: CpuFault): boolean {
    if (fault.vector !== 14 || !this.open) return false;
    const { proc, runner } = this.session;
    const region = proc.space.regionAt(fault.address);
    if (!region || !(region.prot & PROT_WRITE)) return false;
    const page = fault.address - (fault.address % PAGE);
    this.record(page, page + 1);
    proc.machine.tables.map(page, page + PAGE, true);
    proc.machine.flushTlb();
    runner.instructionPointer = fault.eip;
    return true;
  }
}
