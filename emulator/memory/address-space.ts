// The guest's virtual memory areas (like the kernel's VMAs): where mappings
// are, with which protection and name. Changes are mirrored into the page
// tables; the caller is told when translated code or the TLB must be dropped.
import { HostMemory } from './host-memory.js';
import { PageTables } from './page-tables.js';

export const PAGE_SIZE = 4096;
export const PROT_READ = 1;
export const PROT_WRITE = 2;
export const PROT_EXEC = 4;

/** Highest address the guest may map: the top page holds the GDT. */
export const TASK_SIZE = 0xfffff000;
/** Lowest mappable address (Linux vm.mmap_min_addr). */
export const MMAP_MIN_ADDR = 0x10000;

export type RegionKind = 'anon' | 'file' | 'stack' | 'heap' | 'image' | 'reserved';

export interface Region {
  start: number;
  end: number;
  prot: number;
  kind: RegionKind;
  /** Path of a file mapping, or a label like [heap] / [stack]. */
  name: string;
  /** File offset of `start` for file mappings. */
  offset: number;
  shared: boolean;
}

export interface MemoryEvents {
  /** Mappings were removed or lost permissions: cached translations must go. */
  flushTlb(): void;
  /**
   * Executable pages of [start, end) are about to change (unmapped, lose or
   * gain rights): translated blocks of them must go while they are still mapped.
   */
  codeChanging(start: number, end: number): void;
}

export const pageDown = (a: number): number => a - (a % PAGE_SIZE);
export const pageUp = (a: number): number => Math.ceil(a / PAGE_SIZE) * PAGE_SIZE;

export class AddressSpace {
  readonly regions: Region[] = [];
  brkStart = 0;
  brkEnd = 0;
  /** mmap allocates top-down from here. */
  mmapTop = 0xf7800000;
  /** Told before the host writes guest memory on the guest's behalf (a state-transfer journal). */
  writeWatch: ((start: number, end: number) => void) | null = null;

  constructor(
    readonly memory: HostMemory,
    private readonly tables: PageTables,
    private readonly events: MemoryEvents,
  ) {}

  regionAt(address: number): Region | undefined {
    const rs = this.regions;
    let lo = 0;
    let hi = rs.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const r = rs[mid];
      if (address < r.start) hi = mid - 1;
      else if (address >= r.end) lo = mid + 1;
      else return r;
    }
    return undefined;
  }

  /** True when every byte of [address, address+length) is mapped with `prot`. */
  isAccessible(address: number, length: number, prot: number): boolean {
    if (length === 0) return true;
    const end = address + length;
    if (address < 0 || end > TASK_SIZE) return false;
    let at = address;
    while (at < end) {
      const r = this.regionAt(at);
      if (!r || (r.prot & prot) !== prot || r.kind === 'reserved') return false;
      at = r.end;
    }
    return true;
  }

  isFree(start: number, end: number): boolean {
    if (start < MMAP_MIN_ADDR || end > TASK_SIZE || start >= end) return false;
    for (const r of this.regions) if (r.start < end && start < r.end) return false;
    return true;
  }

  /** Highest free, page-aligned range of `length` bytes below `below`. */
  findFree(length: number, below = this.mmapTop): number | null {
    let top = pageDown(below);
    for (let i = this.regions.length - 1; i >= 0; i--) {
      const r = this.regions[i];
      if (r.start >= top) continue;
      if (r.end <= top - length) break;
      top = r.start;
    }
    return top - length >= MMAP_MIN_ADDR ? top - length : null;
  }

  /**
   * Map [start, start+length) (page-aligned), replacing whatever was there.
   * `fill` receives the zeroed guest bytes to initialise (file contents).
   */
  map(start: number, length: number, prot: number, kind: RegionKind, name: string,
    opts: { offset?: number; shared?: boolean; fill?: (bytes: Uint8Array) => void } = {}): void {
    const end = start + length;
    this.remove(start, end);
    const region: Region = { start, end, prot, kind, name, offset: opts.offset ?? 0, shared: opts.shared ?? false };
    this.insert(region);
    if (opts.fill) opts.fill(this.memory.bytes.subarray(start, end));
    if (prot !== 0 && kind !== 'reserved') this.tables.map(start, end, (prot & PROT_WRITE) !== 0);
    if (!opts.fill) this.mergeAround(start, end);
  }

  /** Remove mappings in [start, end): pages read as zero when mapped again. */
  unmap(start: number, end: number): void {
    this.remove(start, end);
  }

  protect(start: number, end: number, prot: number): boolean {
    if (!this.isCovered(start, end)) return false;
    this.splitAt(start);
    this.splitAt(end);
    let lostRights = false;
    for (const r of this.regions) {
      if (r.end <= start || r.start >= end) continue;
      if (r.prot & ~prot) lostRights = true;
      if (r.prot & PROT_EXEC && r.prot !== prot) this.events.codeChanging(r.start, r.end);
      r.prot = prot;
      if (prot === 0) this.tables.unmap(r.start, r.end);
      else this.tables.map(r.start, r.end, (prot & PROT_WRITE) !== 0);
    }
    this.mergeAround(start, end);
    if (lostRights) this.events.flushTlb();
    return true;
  }

  /** True when every page of [start, end) is mapped. */
  isCovered(start: number, end: number): boolean {
    let at = start;
    while (at < end) {
      const r = this.regionAt(at);
      if (!r) return false;
      at = r.end;
    }
    return true;
  }

  private remove(start: number, end: number): void {
    this.splitAt(start);
    this.splitAt(end);
    let removed = false;
    for (let i = this.regions.length - 1; i >= 0; i--) {
      const r = this.regions[i];
      if (r.end <= start || r.start >= end) continue;
      if (r.prot & PROT_EXEC && r.kind !== 'reserved') this.events.codeChanging(r.start, r.end);
      this.tables.unmap(r.start, r.end);
      this.memory.discard(r.start, r.end - r.start);
      this.regions.splice(i, 1);
      removed = true;
    }
    if (removed) this.events.flushTlb();
  }

  private insert(region: Region): void {
    let i = this.regions.length;
    while (i > 0 && this.regions[i - 1].start > region.start) i--;
    this.regions.splice(i, 0, region);
  }

  private splitAt(address: number): void {
    const r = this.regionAt(address);
    if (!r || r.start === address) return;
    const tail: Region = { ...r, start: address, offset: r.offset + (address - r.start) };
    r.end = address;
    this.insert(tail);
  }

  private mergeAround(start: number, end: number): void {
    for (let i = this.regions.length - 1; i > 0; i--) {
      const a = this.regions[i - 1];
      const b = this.regions[i];
      if (b.start > end || a.end < start) continue;
      if (a.end === b.start && a.prot === b.prot && a.kind === b.kind && a.name === b.name &&
        a.shared === b.shared && (a.kind !== 'file' || a.offset + (a.end - a.start) === b.offset)) {
        a.end = b.end;
        this.regions.splice(i, 1);
      }
    }
  }
}
