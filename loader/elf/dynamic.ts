// The dynamic section: tag/value pairs, and the names DT_NEEDED refers to.
import { ElfError } from './errors.js';
import { ElfFile, fileOffsetOf } from './elf-file.js';
import { DT_NEEDED, DT_NULL, DT_SONAME, DT_STRSZ, DT_STRTAB, PT_DYNAMIC } from './constants.js';

export interface DynamicEntry {
  tag: number;
  value: number;
}

export interface DynamicInfo {
  entries: DynamicEntry[];
  /** File offset where each entry's value is stored (for DT_DEBUG lookups at run time). */
  vaddr: number;
  needed: string[];
  soname: string | null;
  get(tag: number): number | undefined;
}

export function readDynamic(elf: ElfFile): DynamicInfo | null {
  const seg = elf.segments.find((s) => s.type === PT_DYNAMIC);
  if (!seg) return null;
  const r = elf.reader;
  const count = Math.floor(seg.filesz / 8);
  r.check(seg.offset, count * 8, 'PT_DYNAMIC');
  const entries: DynamicEntry[] = [];
  for (let i = 0; i < count; i++) {
    const tag = r.i32(seg.offset + i * 8, 'd_tag');
    if (tag === DT_NULL) break;
    entries.push({ tag, value: r.u32(seg.offset + i * 8 + 4, 'd_val') });
  }
  const get = (tag: number): number | undefined => entries.find((e) => e.tag === tag)?.value;
  const strtabAddr = get(DT_STRTAB);
  const strsz = get(DT_STRSZ) ?? 0;
  const strOff = strtabAddr === undefined ? null : fileOffsetOf(elf, strtabAddr);
  const name = (value: number): string => {
    if (strOff === null) throw new ElfError(elf.path, 'DT_STRTAB', 'dynamic string table not in the file');
    if (value >= strsz) throw new ElfError(elf.path, 'DT_STRSZ', 'dynamic name outside the string table');
    return r.cstring(strOff + value, 'dynamic name', strOff, strOff + strsz);
  };
  const needed = entries.filter((e) => e.tag === DT_NEEDED).map((e) => name(e.value));
  const sonameEntry = entries.find((e) => e.tag === DT_SONAME);
  return { entries, vaddr: seg.vaddr, needed, soname: sonameEntry ? name(sonameEntry.value) : null, get };
}
