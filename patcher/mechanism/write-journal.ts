// A journal of every guest page written while it is open, so that a failed
// state transfer can be undone exactly. Writable pages are made read-only in
// the page tables; the first write to each page faults, the page's old
// contents are saved, and the page becomes writable again. Host writes on
// the guest's behalf (syscalls filling buffers) are journaled through the
// address space's write watch. Mappings created meanwhile are removed on undo;
// mappings removed or replaced meanwhile (free() trimming the heap or
// unmapping a large block) are mapped again with their saved contents, and
// protections changed meanwhile are put back.
import type { Session } from '../../emulator/launch.js';
import type { CpuFault } from '../../emulator/faults/fault.js';
import { AddressSpace, PROT_WRITE, Region } from '../../emulator/memory/address-space.js';

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
    for (const r of space.regions) if (r.prot & PROT_WRITE && r.kind !== 'reserved') session.proc.machine.tables.setWritable(r.start, r.end, false);
    session.proc.machine.flushTlb();
    this.interceptor = (fault) => this.claim(fault);
    session.runner.interceptors.unshift(this.interceptor);
    space.writeWatch = (start, end) => this.record(start, end);
    // the address space has no hook for pages about to go: watch this
    // instance's map (which replaces what was there) and unmap while open
    const { map, unmap } = space;
    space.map = (start, length, ...rest) => {
      this.recordMapped(start, start + length);
      return map.call(space, start, length, ...rest);
    };
    space.unmap = (start, end) => {
      this.recordMapped(start, end);
      unmap.call(space, start, end);
    };
    this.unwatch = () => {
      delete (space as Partial<Pick<AddressSpace, 'map' | 'unmap'>>).map;
      delete (space as Partial<Pick<AddressSpace, 'map' | 'unmap'>>).unmap;
    };
  }

  private readonly unwatch: () => void;

  /** Saves the pages of [start, end) that were mapped when the journal opened. */
  private recordMapped(start: number, end: number): void {
    for (const b of this.regionsBefore) {
      const from = Math.max(start, b.start);
      const to = Math.min(end, b.end);
      if (from < to && !b.backing && this.session.proc.space.isCovered(from, to)) this.record(from, to);
    }
  }

  /** Pages saved so far. */
  get pages(): number {
    return this.saved.size;
  }

  /** Their addresses. */
  pageAddresses(): number[] {
    return [...this.saved.keys()];
  }

  /** Stop journaling; writable pages are writable again. */
  close(): void {
    if (!this.open) return;
    this.open = false;
    const { proc, runner } = this.session;
    const i = runner.interceptors.indexOf(this.interceptor);
    if (i >= 0) runner.interceptors.splice(i, 1);
    proc.space.writeWatch = null;
    this.unwatch();
    for (const r of proc.space.regions) if (r.prot & PROT_WRITE && r.kind !== 'reserved') proc.machine.tables.setWritable(r.start, r.end, true);
    proc.machine.flushTlb();
  }

  /** Put back every saved page and remove mappings made since the journal opened. */
  undo(): void {
    this.close();
    const space = this.session.proc.space;
    const bytes = space.memory.bytes;
    // a new mapping may have merged with an old one (brk growth extends the
    // heap region): remove only what no old region covered
    for (const [start, end] of uncovered(space.regions, this.regionsBefore)) space.unmap(start, end);
    for (const b of this.regionsBefore) {
      if (b.backing || b.kind === 'reserved') continue;
      for (const [start, end] of uncovered([b], space.regions)) {
        space.map(start, end - start, b.prot, b.kind, b.name, { offset: b.offset + (start - b.start), shared: b.shared });
      }
      if (space.regions.some((r) => r.start < b.end && b.start < r.end && r.prot !== b.prot)) space.protect(b.start, b.end, b.prot);
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
    // an absent page (past the end of a shared file mapping) is not the journal's
    if (!proc.machine.tables.isPresent(page)) return false;
    this.record(page, page + 1);
    proc.machine.tables.setWritable(page, page + PAGE, true);
    proc.machine.flushTlb();
    runner.instructionPointer = fault.eip;
    return true;
  }
}

/** The parts of `now` that no region of `before` covers, as [start, end) pairs. */
export function uncovered(now: readonly Region[], before: readonly Region[]): [number, number][] {
  const old = [...before].sort((x, y) => x.start - y.start);
  const out: [number, number][] = [];
  for (const r of now) {
    let at = r.start;
    for (const b of old) {
      if (b.end <= at || b.start >= r.end) continue;
      if (b.start > at) out.push([at, b.start]);
      at = Math.max(at, b.end);
      if (at >= r.end) break;
    }
    if (at < r.end) out.push([at, r.end]);
  }
  return out;
}
