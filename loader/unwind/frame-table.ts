// One ELF file's call frame information: finds .eh_frame (by section, or
// through PT_GNU_EH_FRAME when section headers are gone), looks FDEs up by
// address through .eh_frame_hdr's sorted table when there is one, and caches
// the unwind rows it computes.
import { ElfFile, fileOffsetOf } from '../elf/elf-file.js';
import { PT_GNU_EH_FRAME, PT_LOAD } from '../elf/constants.js';
import { EhFrame, EhFrameHdr, Fde, parseEhFrameHdr } from './eh-frame.js';
import { UnwindRow, unwindRowAt } from './cfa-program.js';

interface Located {
  bytes: Uint8Array;
  address: number;
}

/** File bytes from link-time `address` to the end of its segment's file image (or `size` bytes). */
function bytesAt(elf: ElfFile, address: number, size?: number): Located | null {
  const offset = fileOffsetOf(elf, address);
  if (offset === null) return null;
  const seg = elf.segments.find((s) => s.type === PT_LOAD && address >= s.vaddr && address < s.vaddr + s.filesz)!;
  const available = seg.offset + seg.filesz - offset;
  const length = size === undefined ? available : Math.min(size, available);
  return { bytes: elf.reader.slice(offset, length, 'call frame information'), address };
}

function sectionBytes(elf: ElfFile, name: string): Located | null {
  const s = elf.sections.find((sec) => sec.name === name && sec.size > 0 && sec.type !== 8);
  return s ? { bytes: elf.reader.slice(s.offset, s.size, name), address: s.addr } : null;
}

export class FrameTable {
  private sorted: Fde[] | null = null;
  private readonly byOffset = new Map<number, Fde | null>();
  private readonly rows = new Map<number, UnwindRow>();

  constructor(
    readonly file: string,
    private readonly ehFrame: EhFrame | null,
    private readonly header: EhFrameHdr | null,
  ) {}

  /** A file without call frame information gives an empty table. */
  static fromElf(elf: ElfFile): FrameTable {
    let hdrBytes = sectionBytes(elf, '.eh_frame_hdr');
    if (!hdrBytes) {
      const seg = elf.segments.find((s) => s.type === PT_GNU_EH_FRAME);
      if (seg) hdrBytes = bytesAt(elf, seg.vaddr, seg.filesz);
    }
    const header = hdrBytes ? parseEhFrameHdr(hdrBytes.bytes, hdrBytes.address, elf.path) : null;
    const frame = sectionBytes(elf, '.eh_frame') ?? (header ? bytesAt(elf, header.ehFrameAddress) : null);
    if (!frame) return new FrameTable(elf.path, null, null);
    const got = elf.sections.find((s) => s.name === '.got.plt') ?? elf.sections.find((s) => s.name === '.got');
    const ehFrame = new EhFrame({ bytes: frame.bytes, address: frame.address, file: elf.path }, { data: got?.addr });
    // a header that indexes another section than the one found cannot be used
    const usable = header && header.ehFrameAddress === frame.address ? header : null;
    return new FrameTable(elf.path, ehFrame, usable);
  }

  get isEmpty(): boolean {
    return this.ehFrame === null;
  }

  /** True when lookups use .eh_frame_hdr's table rather than a scan of .eh_frame. */
  get indexed(): boolean {
    return this.header?.table != null;
  }

  /** The header's table as (start, FDE offset in .eh_frame) pairs, for checks. */
  headerTable(): { start: number; offset: number }[] | null {
    const table = this.header?.table;
    if (!table || !this.ehFrame) return null;
    const base = this.ehFrame.section.address;
    return table.map((e) => ({ start: e.start, offset: (e.fde - base) >>> 0 }));
  }

  /** Every FDE describing code, sorted by start address. */
  all(): readonly Fde[] {
    if (this.sorted === null) {
      this.sorted = (this.ehFrame?.allFdes() ?? []).filter((f) => f.end > f.start).sort((a, b) => a.start - b.start);
    }
    return this.sorted;
  }

  /** The FDE covering link-time address `pc`, or null. */
  find(pc: number): Fde | null {
    const table = this.header?.table;
    if (table && this.ehFrame) {
      const i = lastAtOrBelow(table, pc, (e) => e.start);
      if (i < 0) return null;
      const fde = this.fdeAt((table[i].fde - this.ehFrame.section.address) >>> 0);
      return fde && pc >= fde.start && pc < fde.end ? fde : null;
    }
    const all = this.all();
    const i = lastAtOrBelow(all, pc, (f) => f.start);
    return i >= 0 && pc < all[i].end ? all[i] : null;
  }

  /** The unwind row at link-time `pc` inside `fde`. */
  rowAt(fde: Fde, pc: number): UnwindRow {
    let row = this.rows.get(pc);
    if (!row) {
      row = unwindRowAt(fde, pc, this.file);
      this.rows.set(pc, row);
    }
    return row;
  }

  private fdeAt(offset: number): Fde | null {
    if (!this.byOffset.has(offset)) this.byOffset.set(offset, this.ehFrame!.fdeAt(offset));
    return this.byOffset.get(offset)!;
  }
}

function lastAtOrBelow<T>(list: readonly T[], value: number, key: (t: T) => number): number {
  let lo = 0;
  let hi = list.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (key(list[mid]) <= value) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}
