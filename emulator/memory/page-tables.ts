// x86 PAE page tables that give the guest Linux-like page protection with
// precise faults: a missing page, a write to a read-only page or an
// instruction fetch from a page without PROT_EXEC (the NX bit, with
// EFER.NXE set by the machine) raises #PF at the faulting instruction, with
// CR2 = address. Virtual address = physical address (identity map) so the
// host view of guest memory is the same bytes. Pages of the machine's own
// (the descriptor tables) are supervisor-only: the guest runs at CPL 3.
//
// Physical layout: guest pages at 0..4 GiB (HostMemory); the PDPT in physical
// page 0, which Linux never lets a process map; the four page directories and
// up to 2048 page tables in a separate host block mapped at physical 4 GiB, out
// of the guest's reach.
import { mapAnonymous, NativeArea } from '../host/native.js';


export const TABLES_PHYS = 2 ** 32;
const DIRS = 4;
const TABLES = 2048; // one per 2 MiB of guest space
export const TABLES_SIZE = (DIRS + TABLES) * 4096;

const PRESENT = 1;
const WRITABLE = 2;
const USER = 4;
const ACCESSED = 0x20;
const DIRTY = 0x40;
/** Bit 63 of a PAE entry (bit 31 of its high word): no instruction fetch. */
const NO_EXECUTE_HIGH = 0x80000000;

/** How a page may be used. */
export interface PageAccess {
  writable: boolean;
  executable: boolean;
  /** False for the machine's own pages, which only CPL 0 reaches. */
  user?: boolean;
}

export class PageTables {
  readonly hostAddress: number;
  /**
   * Whether the CPU has EFER.NXE on. Without it bit 63 is reserved and
   * would make every access to the page fault, so pages are then left
   * executable.
   */
  noExecute = false;
  private readonly view: DataView;
  private readonly words: Uint32Array;
  private readonly area: NativeArea;

  constructor(private readonly guest: DataView) {
    const area = mapAnonymous(TABLES_SIZE);
    if (area === null) throw new Error('cannot allocate guest page tables');
    this.area = area;
    this.hostAddress = area.address;
    const buffer = area.buffer;
    this.view = new DataView(buffer);
    this.words = new Uint32Array(buffer);
    for (let d = 0; d < DIRS; d++) {
      this.guest.setUint32(d * 8, (TABLES_PHYS % 2 ** 32) + d * 4096 + PRESENT, true);
      this.guest.setUint32(d * 8 + 4, Math.floor((TABLES_PHYS + d * 4096) / 2 ** 32), true);
    }
  }

  /** Value for CR3: the PDPT lives in physical page 0. */
  get root(): number {
    return 0;
  }

  /** Make [start, end) present with the given access. Page-aligned arguments. */
  map(start: number, end: number, access: PageAccess): void {
    const flags = PRESENT | ACCESSED | DIRTY | (access.user === false ? 0 : USER) | (access.writable ? WRITABLE : 0);
    const high = access.executable || !this.noExecute ? 0 : NO_EXECUTE_HIGH;
    for (let page = start; page < end; page += 4096) {
      const table = this.tableFor(page);
      const slot = table + ((page >>> 12) & 511) * 8;
      this.view.setUint32(slot, (page & 0xfffff000) + flags, true);
      this.view.setUint32(slot + 4, high, true);
    }
  }

  /**
   * Allow or forbid writes to the present pages of [start, end), keeping
   * every other bit (absent pages stay absent, NX stays). Page-aligned.
   */
  setWritable(start: number, end: number, writable: boolean): void {
    for (let page = start; page < end; page += 4096) {
      const dir = Math.floor(page / 0x200000);
      if (!this.hasTable(dir)) {
        page = (dir + 1) * 0x200000 - 4096;
        continue;
      }
      const index = ((DIRS + dir) * 4096 + ((page >>> 12) & 511) * 8) >>> 2;
      const low = this.words[index];
      if ((low & PRESENT) === 0) continue;
      this.words[index] = writable ? low | WRITABLE : low & ~WRITABLE;
    }
  }

  unmap(start: number, end: number): void {
    for (let page = start; page < end; page += 4096) {
      const dir = Math.floor(page / 0x200000);
      if (!this.hasTable(dir)) {
        page = (dir + 1) * 0x200000 - 4096;
        continue;
      }
      const slot = (DIRS + dir) * 4096 + ((page >>> 12) & 511) * 8;
      this.words[slot >>> 2] = 0;
      this.words[(slot >>> 2) + 1] = 0;
    }
  }

  isPresent(page: number): boolean {
    const dir = Math.floor(page / 0x200000);
    if (!this.hasTable(dir)) return false;
    return (this.words[((DIRS + dir) * 4096 + ((page >>> 12) & 511) * 8) >>> 2] & PRESENT) !== 0;
  }

  /**
   * Whether an instruction fetch from `page` succeeds: present, executable
   * (no NX bit while NX is on) and, for code running at CPL 3 (`user`),
   * a user page.
   */
  canFetch(page: number, user: boolean): boolean {
    const dir = Math.floor(page / 0x200000);
    if (!this.hasTable(dir)) return false;
    const index = ((DIRS + dir) * 4096 + ((page >>> 12) & 511) * 8) >>> 2;
    const low = this.words[index];
    if ((low & PRESENT) === 0 || (user && (low & USER) === 0)) return false;
    return !this.noExecute || (this.words[index + 1] & NO_EXECUTE_HIGH) === 0;
  }

  release(): void {
    this.area.release();
  }

  private hasTable(dir: number): boolean {
    return (this.words[(dir * 8) >>> 2] & PRESENT) !== 0;
  }

  /** Offset of the page table covering `page`, creating its directory entry if needed. */
  private tableFor(page: number): number {
    const dir = Math.floor(page / 0x200000); // 0..2047, directory d = dir >> 9, entry dir & 511
    if (!this.hasTable(dir)) {
      const phys = TABLES_PHYS + (DIRS + dir) * 4096;
      this.view.setUint32(dir * 8, (phys % 2 ** 32) + PRESENT + WRITABLE + USER + ACCESSED, true);
      this.view.setUint32(dir * 8 + 4, Math.floor(phys / 2 ** 32), true);
    }
    return (DIRS + dir) * 4096;
  }
}
