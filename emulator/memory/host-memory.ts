// The guest's 4 GiB address space in host memory. Guest address A lives at
// byte A of `bytes`: the host reads and writes guest memory without any
// call into the engine, and the engine maps the same pages with
// uc_mem_map_ptr. Pages cost host RAM only once touched (MAP_NORESERVE).
//
// Without a host RLIMIT_AS the whole 4 GiB is one host mapping made at
// start. Under one (ulimit -v) every host mapping counts against it, so the
// reservation follows what the guest maps instead of being a fixed size:
// a 4 GiB window is chosen where nothing is mapped (far from where the
// host's own mappings grow), and host pages are mapped there only as the
// guest's mappings come and go (commit, decommit), for as much as the limit
// leaves once dsu keeps room to grow (host-budget.ts). The limit is also the
// guest's own RLIMIT_AS, enforced on its mappings (syscalls/mm-limits.ts).
// In that mode a host access to a guest page the guest has not mapped is a
// host crash: every access goes through a check of the guest's mappings.
import fs from 'node:fs';
import { lastErrno } from '../host/ffi.js';
import { ENOMEM } from '../abi/errno.js';
import { MAP_ANONYMOUS, MAP_FIXED, MAP_FIXED_NOREPLACE, MAP_NORESERVE, MAP_PRIVATE, MAP_SHARED } from '../abi/mman.js';
import {
  hostMadvise as madvise, hostMmapAt as mmapAt, hostMunmapAt as munmapAt, mapAnonymous, NativeArea, viewAt,
} from '../host/native.js';
import { giveBackGuestMemory, refreshGuestBudget, takeGuestMemory } from './host-budget.js';

const PROT_READ = 1;
const PROT_WRITE = 2;
const MADV_DONTNEED = 4;
const PAGE = 4096;
const GiB = 2 ** 30;
/** Where a sparse window is looked for: from here up, in steps, with a gap either side. */
const WINDOW_SEARCH_FROM = 0x2000_0000_0000;
const WINDOW_SEARCH_TO = 0x6000_0000_0000;
const WINDOW_STEP = 64 * GiB;
const WINDOW_GAP = GiB;
/**
 * The machine's own pages, which the host writes before the guest maps
 * anything: the page-table root in page 0 and the descriptor tables (GDT
 * and LDT) in the two pages above TASK_SIZE (engine/descriptors.ts).
 */
const MACHINE_PAGES: [number, number][] = [[0, PAGE], [0xffffe000, 2 ** 32]];

export const GUEST_SPACE = 2 ** 32;

/** Host ranges mapped now, from /proc/self/maps. */
function hostMappings(): [number, number][] {
  try {
    return fs.readFileSync('/proc/self/maps', 'utf8').split('\n').filter((l) => l.length > 0).map((l) => {
      const [from, to] = l.split(' ')[0].split('-');
      return [parseInt(from, 16), parseInt(to, 16)] as [number, number];
    });
  } catch {
    return [];
  }
}

/** A host address where 4 GiB (and a gap either side) is unmapped, or null. */
function freeWindow(): number | null {
  const taken = hostMappings();
  for (let base = WINDOW_SEARCH_FROM; base < WINDOW_SEARCH_TO; base += WINDOW_STEP) {
    const lo = base - WINDOW_GAP;
    const hi = base + GUEST_SPACE + WINDOW_GAP;
    if (taken.every(([from, to]) => to <= lo || from >= hi)) return base;
  }
  return null;
}

export class HostMemory {
  /** Emptied by release(): a late access then fails in JavaScript, not with a host crash. */
  bytes: Uint8Array;
  view: DataView;
  /** Host address of guest address 0, as a number (exact below 2^53). */
  readonly hostBase: number;
  /** The whole space as one mapping, or null in sparse mode. */
  private area: NativeArea | null = null;
  /** Sparse mode: one byte per guest page, 1 when its host page is mapped. */
  private readonly committed: Uint8Array | null = null;
  /** Sparse mode: whether commits count against the guests' share (host-budget.ts); the machine's own pages do not. */
  private charged = false;

  constructor() {
    if (!refreshGuestBudget()) {
      const area = mapAnonymous(GUEST_SPACE);
      if (area === null) throw new Error('cannot reserve 4 GiB of host address space for the guest');
      this.area = area;
      this.hostBase = area.address;
      this.bytes = new Uint8Array(area.buffer);
      this.view = new DataView(area.buffer);
      return;
    }
    const base = freeWindow();
    if (base === null) throw new Error('no 4 GiB window of free host address space for the guest');
    this.hostBase = base;
    this.committed = new Uint8Array(GUEST_SPACE / PAGE);
    const buffer = viewAt(base, GUEST_SPACE);
    this.bytes = new Uint8Array(buffer);
    this.view = new DataView(buffer);
    for (const [from, to] of MACHINE_PAGES) {
      if (this.commit(from, to - from) !== 0) throw new Error('cannot map the machine\'s page tables and descriptor tables under the host\'s RLIMIT_AS');
    }
    // the machine's pages are dsu's, not the guest's: what is committed from here on is
    this.charged = true;
  }

  /**
   * Make [address, address+length) (page-aligned) host memory the guest may
   * use: zeroed private pages. 0, or ENOMEM when they would pass the guest's
   * share of the host's RLIMIT_AS (or the host refuses them), as the kernel's
   * mmap under the limit. All or nothing: on failure nothing new stays mapped.
   */
  commit(address: number, length: number): number {
    const c = this.committed;
    if (!c || length <= 0) return 0;
    const runs = [...this.runs(address, length, 0)];
    const wanted = runs.reduce((n, [from, to]) => n + to - from, 0);
    if (wanted === 0) return 0;
    if (this.charged && !takeGuestMemory(wanted)) return ENOMEM;
    const done: [number, number][] = [];
    for (const [from, to] of runs) {
      const at = this.hostBase + from;
      const r = mmapAt(at, to - from, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED_NOREPLACE, -1, 0);
      // ENOMEM under the host's limit, or EEXIST if something of the host's landed in the window
      if (BigInt(r) !== BigInt(at)) {
        // a mapping the kernel placed elsewhere (a kernel without MAP_FIXED_NOREPLACE) is not ours to keep
        if (BigInt(r) !== 0xffffffffffffffffn) munmapAt(Number(r), to - from);
        for (const [f, t] of done) {
          munmapAt(this.hostBase + f, t - f);
          c.fill(0, f / PAGE, t / PAGE);
        }
        if (this.charged) giveBackGuestMemory(wanted);
        return ENOMEM;
      }
      c.fill(1, from / PAGE, to / PAGE);
      done.push([from, to]);
    }
    return 0;
  }

  /** Let the host have [address, address+length) back: unmapped in sparse mode, zeroed otherwise. */
  decommit(address: number, length: number): void {
    const c = this.committed;
    if (!c) {
      this.discard(address, length);
      return;
    }
    for (const [from, to] of this.runs(address, length, 1)) {
      munmapAt(this.hostBase + from, to - from);
      c.fill(0, from / PAGE, to / PAGE);
      if (this.charged) giveBackGuestMemory(to - from);
    }
  }

  /** Runs of pages in [address, address+length) whose committed state is `state`. */
  private *runs(address: number, length: number, state: number): Generator<[number, number]> {
    const c = this.committed!;
    const first = Math.floor(address / PAGE);
    const end = Math.ceil((address + length) / PAGE);
    let start = -1;
    for (let p = first; p <= end; p++) {
      const match = p < end && c[p] === state;
      if (match && start < 0) start = p;
      if (!match && start >= 0) {
        yield [start * PAGE, p * PAGE];
        start = -1;
      }
    }
  }

  /** Give pages back to the host: they read as zeros afterwards. */
  discard(address: number, length: number): void {
    if (length > 0) madvise(this.hostBase + address, length, MADV_DONTNEED);
  }

  /**
   * Put the host file's pages at [address, address+length): the guest then
   * shares the host kernel's page cache with every other user of the file.
   * Returns 0 or the host's errno.
   */
  mapFile(address: number, length: number, hostFd: number, offset: number, writable: boolean): number {
    if (length <= 0) return 0;
    const prot = PROT_READ | (writable ? PROT_WRITE : 0);
    const r = mmapAt(this.hostBase + address, length, prot, MAP_SHARED | MAP_FIXED, hostFd, offset);
    if (BigInt(r) !== BigInt(this.hostBase + address)) return lastErrno();
    if (this.committed) {
      // pages of the file past what commit() gave (none today: the range is committed first)
      for (const [from, to] of this.runs(address, length, 0)) if (this.charged) takeGuestMemory(to - from);
      this.committed.fill(1, address / PAGE, (address + length) / PAGE);
    }
    return 0;
  }

  /** Turn pages that mapFile() placed back into zeroed private memory. */
  unmapFile(address: number, length: number): void {
    if (length <= 0) return;
    mmapAt(this.hostBase + address, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0);
  }

  release(): void {
    this.bytes = new Uint8Array(0);
    this.view = new DataView(new ArrayBuffer(0));
    if (this.area) this.area.release();
    else if (this.committed) {
      this.charged = false;
      for (const [from, to] of MACHINE_PAGES) this.decommit(from, to - from);
      this.charged = true;
      this.decommit(0, GUEST_SPACE);
    }
    this.area = null;
  }
}
