// The object's memory image, built on the host before anything is written
// to the guest: its segments' file bytes at their link-time addresses, to
// which the relocations are applied. Mapping then copies it into the guest.
import { Segment } from '../elf/elf-file.js';
import { PF_W, PF_X } from '../elf/constants.js';
import { pageDown, pageUp } from './shared-object.js';

export class LinkImage {
  readonly bytes: Uint8Array;
  private readonly view: DataView;
  /** Pages holding file bytes: [start, end) link-time ranges. */
  private readonly fileRanges: { start: number; end: number }[];
  /** Zero-fill (bss) pages that relocations wrote to, by link-time address. */
  readonly dirtyZeroPages = new Set<number>();

  /** `low`, `high`: the page-aligned link-time span of `loads`. */
  constructor(readonly low: number, readonly high: number, private readonly loads: readonly Segment[], file: Uint8Array) {
    this.bytes = new Uint8Array(high - low);
    this.view = new DataView(this.bytes.buffer);
    this.fileRanges = [];
    for (const s of loads) {
      if (s.filesz === 0) continue;
      const start = pageDown(s.vaddr);
      const lead = s.vaddr - start;
      // like the kernel, the first page is file-backed from its start; the last one ends with zeros
      this.bytes.set(file.subarray(s.offset - lead, s.offset + s.filesz), start - low);
      this.fileRanges.push({ start, end: pageUp(s.vaddr + s.filesz) });
    }
  }

  /** True when [addr, addr+size) lies inside one segment's memory. */
  contains(addr: number, size: number): boolean {
    for (const s of this.loads) if (addr >= s.vaddr && addr + size <= s.vaddr + s.memsz) return true;
    return false;
  }

  /** True when [addr, addr+size) lies inside one writable segment's memory (where ld.so may write without DT_TEXTREL). */
  writable(addr: number, size: number): boolean {
    for (const s of this.loads) if ((s.flags & PF_W) !== 0 && addr >= s.vaddr && addr + size <= s.vaddr + s.memsz) return true;
    return false;
  }

  /** True when `addr` is inside one executable segment's memory. */
  executable(addr: number): boolean {
    for (const s of this.loads) if ((s.flags & PF_X) !== 0 && addr >= s.vaddr && addr < s.vaddr + s.memsz) return true;
    return false;
  }

  /** Does the page at `page` (link-time, aligned) hold file bytes? */
  fileBacked(page: number): boolean {
    return this.fileRanges.some((r) => page >= r.start && page < r.end);
  }

  read32(addr: number): number {
    return this.view.getUint32(addr - this.low, true);
  }

  write32(addr: number, value: number): void {
    this.view.setUint32(addr - this.low, value >>> 0, true);
    this.noteWrite(pageDown(addr));
    this.noteWrite(pageDown(addr + 3));
  }

  private noteWrite(page: number): void {
    if (!this.dirtyZeroPages.has(page) && !this.fileBacked(page)) this.dirtyZeroPages.add(page);
  }

  /** Bytes of the link-time range [start, start+length). */
  range(start: number, length: number): Uint8Array {
    return this.bytes.subarray(start - this.low, start - this.low + length);
  }
}
