// The guest's 4 GiB address space in host memory. Guest address A lives at
// byte A of `bytes`: the host reads and writes guest memory without any
// call into the engine, and the engine maps the same pages with
// uc_mem_map_ptr. Pages cost host RAM only once touched (MAP_NORESERVE).
//
// Normally the whole 4 GiB is one host mapping made at start. Under a host
// RLIMIT_AS (ulimit -v) that leaves no room for it, every host mapping
// counts, so dsu maps only what the guest maps: the 4 GiB window is chosen
// where nothing is mapped (far from where the host's own mappings grow),
// and pages are mapped there as the guest's mappings come and go (commit,
// decommit). The guest can then have as much as the host's limit leaves,
// and the limit is also the guest's own RLIMIT_AS.
import fs from 'node:fs';
import { lastErrno } from '../host/ffi.js';
import { hostRlimit } from '../host/clock.js';
import { ENOMEM } from '../abi/errno.js';
import { MAP_ANONYMOUS, MAP_FIXED, MAP_FIXED_NOREPLACE, MAP_NORESERVE, MAP_PRIVATE, MAP_SHARED } from '../abi/mman.js';
import {
  hostMadvise as madvise, hostMmapAt as mmapAt, hostMunmapAt as munmapAt, mapAnonymous, NativeArea, viewAt,
} from '../host/native.js';

const PROT_READ = 1;
const PROT_WRITE = 2;
const MADV_DONTNEED = 4;
const PAGE = 4096;
const RLIMIT_AS = 9;
const GiB = 2 ** 30;
/** What dsu keeps free under RLIMIT_AS for its own growth before it takes the whole 4 GiB at once. */
const HEADROOM = GiB;
/** Where a sparse window is looked for: from here up, in steps, with a gap either side. */
const WINDOW_SEARCH_FROM = 0x2000_0000_0000;
const WINDOW_SEARCH_TO = 0x6000_0000_0000;
const WINDOW_STEP = 64 * GiB;
const WINDOW_GAP = GiB;

export const GUEST_SPACE = 2 ** 32;

/** Bytes the host's RLIMIT_AS still allows this process to map; null when there is no limit. */
function addressSpaceRoom(): number | null {
  const lim = hostRlimit(RLIMIT_AS);
  if (typeof lim === 'number' || lim[0] >= 1n << 62n) return null;
  let used = 0;
  try {
    used = Number(fs.readFileSync('/proc/self/statm', 'utf8').split(' ')[0]) * PAGE;
  } catch {
    // no /proc: assume nothing is used, the mapping itself will tell
  }
  return Number(lim[0]) - used;
}

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

  constructor() {
    const room = addressSpaceRoom();
    if (room === null || room >= GUEST_SPACE + HEADROOM) {
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
    // the engine's own pages: the page-table root in page 0 and the descriptor table in the last page
    for (const page of [0, GUEST_SPACE - PAGE]) {
      if (this.commit(page, PAGE) !== 0) throw new Error('cannot map the guest\'s first and last pages (RLIMIT_AS too low)');
    }
  }

  /** Whether only the guest's mappings are host mappings (a host RLIMIT_AS is in force). */
  get sparse(): boolean {
    return this.committed !== null;
  }

  /**
   * Make [address, address+length) (page-aligned) host memory the guest may
   * use: zeroed private pages. 0, or ENOMEM when the host refuses (its
   * RLIMIT_AS), as the kernel's mmap under the guest's own limit.
   */
  commit(address: number, length: number): number {
    const c = this.committed;
    if (!c || length <= 0) return 0;
    for (const [from, to] of this.runs(address, length, 0)) {
      const at = this.hostBase + from;
      const r = mmapAt(at, to - from, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED_NOREPLACE, -1, 0);
      // ENOMEM under the host's limit, or EEXIST if something of the host's landed in the window
      if (BigInt(r) !== BigInt(at)) return ENOMEM;
      c.fill(1, from / PAGE, to / PAGE);
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
    this.committed?.fill(1, address / PAGE, (address + length) / PAGE);
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
    else if (this.committed) this.decommit(0, GUEST_SPACE);
    this.area = null;
  }
}
