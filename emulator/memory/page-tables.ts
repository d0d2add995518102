// x86 PAE page tables that give the guest Linux-like page protection with
// precise faults: a missing page or a write to a read-only page raises #PF at
// the faulting instruction, with CR2 = address. Virtual address = physical
// address (identity map) so the host view of guest memory is the same bytes.
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

export class PageTables {
  readonly hostAddress: number;
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

  /** Make [start, end) present, writable or not. Page-aligned arguments. */
  map(start: number, end: number, writable: boolean): void {
    const flags = PRESENT | USER | ACCESSED | DIRTY | (writable ? WRITABLE : 0);
    for (let page = start; page < end; page += 4096) {
      const table = this.tableFor(page);
      const slot = table + ((page >>> 12) & 511) * 8;
      this.view.setUint32(slot, (page & 0xfffff000) + flags, true);
      this.view.setUint32(slot + 4, 0, true);
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
