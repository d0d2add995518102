// The dynamic section: tag/value pairs, and the names DT_NEEDED refers to.
import { ElfError } from './errors.js';
import { ElfFile, fileRangeOf } from './elf-file.js';
import { StringTable } from './strings.js';
import { DT_NEEDED, DT_NULL, DT_SONAME, DT_STRSZ, DT_STRTAB, PT_DYNAMIC } from './constants.js';

interface DynamicEntry {
  tag: number;
  value: number;
}

export interface DynamicInfo {
  entries: DynamicEntry[];
  /** Address of the dynamic array (p_vaddr of PT_DYNAMIC). */
  vaddr: number;
  needed: string[];
  soname: string | null;
  /** Value of the first entry with this tag. */
  get(tag: number): number | undefined;
}

const DYN_SIZE = 8;

function dynamicStrings(elf: ElfFile, first: Map<number, number>): StringTable {
  const addr = first.get(DT_STRTAB);
  const size = first.get(DT_STRSZ);
  if (addr === undefined) throw new ElfError(elf.path, 'DT_STRTAB', 'dynamic names without a string table');
  if (size === undefined) throw new ElfError(elf.path, 'DT_STRSZ', 'dynamic string table without a size');
  const offset = fileRangeOf(elf, addr, size);
  if (offset === null) {
    throw new ElfError(elf.path, 'DT_STRTAB', `dynamic string table (${size} bytes at 0x${addr.toString(16)}) outside the loaded file bytes`);
  }
  return new StringTable(elf.reader, offset, size, 'DT_STRTAB');
}

export function readDynamic(elf: ElfFile): DynamicInfo | null {
  const seg = elf.segments.find((s) => s.type === PT_DYNAMIC);
  if (!seg) return null;
  const r = elf.reader;
  // Without DT_NULL the array ends with the segment: the file vouches for nothing beyond it.
  const count = Math.floor(seg.filesz / DYN_SIZE);
  r.check(seg.offset, count * DYN_SIZE, 'PT_DYNAMIC');
  const entries: DynamicEntry[] = [];
  const first = new Map<number, number>();
  for (let i = 0; i < count; i++) {
    const tag = r.i32(seg.offset + i * DYN_SIZE, 'd_tag');
    if (tag === DT_NULL) break;
    const value = r.u32(seg.offset + i * DYN_SIZE + 4, 'd_val');
    entries.push({ tag, value });
    if (!first.has(tag)) first.set(tag, value);
  }
  let strings: StringTable | null = null;
  const name = (value: number, what: string): string => {
    strings ??= dynamicStrings(elf, first);
    return strings.get(value, what);
  };
  const needed = entries.filter((e) => e.tag === DT_NEEDED).map((e) => name(e.value, 'DT_NEEDED'));
  const soname = first.has(DT_SONAME) ? name(first.get(DT_SONAME)!, 'DT_SONAME') : null;
  return { entries, vaddr: seg.vaddr, needed, soname, get: (tag) => first.get(tag) };
}
