// The guest's virtual memory areas (like the kernel's VMAs): where mappings
// are, with which protection and name. Changes are mirrored into the page
// tables; the caller is told when translated code or the TLB must be dropped.
import { LinuxError } from '../abi/errno.js';
import { HostMemory } from './host-memory.js';
import { PageAccess, PageTables } from './page-tables.js';
import { FileBacking } from './file-backing.js';
import { PROT_EXEC, PROT_READ, PROT_WRITE } from '../../loader/program/program-memory.js';

// mmap's protections, defined with the loader's model of program memory
export { PROT_EXEC, PROT_READ, PROT_WRITE };

export const PAGE_SIZE = 4096;

/**
 * Highest address the guest may map, as for a 32-bit process on a 64-bit
 * kernel: the two pages above hold the machine's descriptor tables.
 */
export const TASK_SIZE = 0xffffe000;
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
  /** A MAP_SHARED file mapping: the file whose pages these are. */
  backing?: FileBacking;
  /**
   * With a backing: pages below this address hold the file's pages (those
   * past the file's end when mapped are not present, and fault in when the
   * file has grown, else raise SIGBUS).
   */
  backedEnd?: number;
}

/** What a page fault inside a mapping turned out to be. */
export type FaultOutcome = 'resolved' | 'beyond-eof' | 'none';

export interface MemoryEvents {
  /** Mappings were removed or lost permissions: cached translations must go. */
  flushTlb(): void;
  /**
   * Executable pages of [start, end) are about to change (unmapped, lose or
   * gain rights): translated blocks of them must go while they are still mapped.
   */
  codeChanging(start: number, end: number): void;
}

/** Page-table access for a mapping's PROT_* bits (no PROT_EXEC: the NX bit). */
const accessOf = (prot: number): PageAccess => ({ writable: (prot & PROT_WRITE) !== 0, executable: (prot & PROT_EXEC) !== 0 });

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
      // the host must not touch pages of a file mapping that lie past the file's end
      if (r.backing && Math.min(end, r.end) > backedTop(r) && !this.growBacking(r, Math.min(end, r.end))) return false;
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
    opts: { offset?: number; shared?: boolean; fill?: (bytes: Uint8Array) => void; backing?: FileBacking } = {}): number {
    const end = start + length;
    this.remove(start, end);
    const region: Region = { start, end, prot, kind, name, offset: opts.offset ?? 0, shared: opts.shared ?? false };
    if (opts.backing) {
      region.backing = opts.backing;
      region.backedEnd = start;
    }
    this.insert(region);
    // host memory for it (only mapped now when a host RLIMIT_AS keeps the space sparse)
    const committed = this.memory.commit(start, length);
    if (committed !== 0) {
      this.remove(start, end);
      throw new LinuxError(committed, 'the host has no memory for the mapping');
    }
    if (opts.backing) {
      const err = this.backUpTo(region, end);
      if (err !== 0) {
        this.remove(start, end);
        return err;
      }
      return 0;
    }
    if (opts.fill) opts.fill(this.memory.bytes.subarray(start, end));
    if (prot !== 0 && kind !== 'reserved') this.tables.map(start, end, accessOf(prot));
    if (!opts.fill) this.mergeAround(start, end);
    return 0;
  }

  /**
   * A page fault at `address`: inside a file mapping, a page the file has
   * grown to since is brought in ('resolved', run the instruction again); one
   * still past the end of the file is 'beyond-eof' (SIGBUS).
   */
  resolveFault(address: number): FaultOutcome {
    const r = this.regionAt(address);
    if (!r?.backing || r.prot === 0 || address < backedTop(r)) return 'none';
    return this.growBacking(r, address + 1) ? 'resolved' : 'beyond-eof';
  }

  /**
   * The files behind shared mappings may have shrunk (a truncate by the
   * guest): pages now wholly past the end stop being the file's, so neither
   * the guest nor the host touches them (the host would get SIGBUS).
   */
  recheckFileSizes(): void {
    let lost = false;
    for (const r of this.regions) {
      if (!r.backing || backedTop(r) === r.start) continue;
      const top = Math.max(r.start, Math.min(backedTop(r), this.fileTop(r)));
      if (top < backedTop(r)) {
        this.tables.unmap(top, backedTop(r));
        this.memory.unmapFile(top, backedTop(r) - top);
        r.backedEnd = top;
        lost = true;
      }
    }
    if (lost) this.events.flushTlb();
  }

  /** End of the pages of region `r` that hold file bytes now (whole pages, as the kernel maps them). */
  private fileTop(r: Region): number {
    const bytes = r.backing!.size() - r.offset;
    return bytes <= 0 ? r.start : Math.min(r.end, r.start + pageUp(bytes));
  }

  /** Back region `r` with its file up to `want` if the file reaches that far. */
  private growBacking(r: Region, want: number): boolean {
    if (this.fileTop(r) < want) return false;
    return this.backUpTo(r, want) === 0 && backedTop(r) >= want;
  }

  /** Map the file's pages for [backedTop, min(limit, file end)) of region `r`; 0 or the host's errno. */
  private backUpTo(r: Region, limit: number): number {
    const from = backedTop(r);
    const to = Math.min(pageUp(limit), this.fileTop(r));
    if (to <= from) return 0;
    const err = this.memory.mapFile(from, to - from, r.backing!.hostFd, r.offset + (from - r.start), r.backing!.writable);
    if (err !== 0) return err;
    r.backedEnd = to;
    if (r.prot !== 0) this.tables.map(from, to, accessOf(r.prot));
    return 0;
  }

  /** Remove every mapping and forget the heap and mmap positions (the machine is given to a new program). */
  clear(): void {
    this.remove(0, TASK_SIZE);
    this.brkStart = this.brkEnd = 0;
    this.mmapTop = 0xf7800000;
    this.writeWatch = null;
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
      // pages of a file mapping past the file's end stay absent
      const top = r.backing ? backedTop(r) : r.end;
      if (prot === 0) this.tables.unmap(r.start, r.end);
      else if (top > r.start) this.tables.map(r.start, top, accessOf(prot));
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
      if (r.backing) this.memory.unmapFile(r.start, backedTop(r) - r.start);
      this.memory.decommit(r.start, r.end - r.start);
      this.regions.splice(i, 1);
      r.backing?.drop();
      removed = true;
    }
    if (removed) this.events.flushTlb();
  }

  private insert(region: Region): void {
    region.backing?.hold();
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
      if (a.backing || b.backing) continue;
      if (a.end === b.start && a.prot === b.prot && a.kind === b.kind && a.name === b.name &&
        a.shared === b.shared && (a.kind !== 'file' || a.offset + (a.end - a.start) === b.offset)) {
        a.end = b.end;
        this.regions.splice(i, 1);
      }
    }
  }
}

/** End of the file-backed pages of a piece of a shared file mapping (within the piece). */
function backedTop(r: Region): number {
  return Math.max(r.start, Math.min(r.end, r.backedEnd ?? r.end));
}
