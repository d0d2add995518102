// The relocations ld.so applies to a shared object, found through its
// dynamic section (not its section headers, which a loader never reads):
// DT_RELR (packed relative relocations), then DT_REL and DT_RELA, then
// DT_JMPREL (the PLT's), in the order glibc applies them.
import { ElfError } from '../elf/errors.js';
import { ElfFile, fileRangeOf } from '../elf/elf-file.js';
import { DynamicInfo } from '../elf/dynamic.js';
import { DT_JMPREL, DT_PLTREL, DT_PLTRELSZ, DT_REL, DT_RELA, DT_RELENT, DT_RELSZ } from '../elf/constants.js';

const DT_RELASZ = 8;
const DT_RELAENT = 9;
const DT_RELRSZ = 35;
const DT_RELR = 36;
const DT_RELRENT = 37;
const REL_SIZE = 8;
const RELA_SIZE = 12;
const RELR_SIZE = 4;

export interface DynamicRelocation {
  /** Link-time address of the word to relocate. */
  offset: number;
  type: number;
  /** Index in the dynamic symbol table (0: none). */
  symbol: number;
  /** RELA's explicit addend; null for REL, whose addend is the word in place. */
  addend: number | null;
  /** From DT_JMPREL (the PLT's table). */
  plt: boolean;
}

export interface RelocationTables {
  entries: DynamicRelocation[];
  /** Link-time addresses DT_RELR marks for a relative relocation (word += bias). */
  relative: number[];
}

interface Range {
  tag: string;
  addr: number;
  size: number;
  rela: boolean;
  plt?: boolean;
}

function range(elf: ElfFile, dyn: DynamicInfo, tag: string, addrTag: number, sizeTag: number, rela: boolean): Range | null {
  const addr = dyn.get(addrTag);
  if (addr === undefined) return null;
  const size = dyn.get(sizeTag);
  if (size === undefined) throw new ElfError(elf.path, tag, 'relocation table without a size');
  return { tag, addr, size, rela };
}

function checkEntrySize(elf: ElfFile, dyn: DynamicInfo, tag: number, name: string, expected: number): void {
  const value = dyn.get(tag);
  if (value !== undefined && value !== expected) throw new ElfError(elf.path, name, `relocation entry size ${value}, expected ${expected}`);
}

function readTable(elf: ElfFile, t: Range, out: DynamicRelocation[]): void {
  const size = t.rela ? RELA_SIZE : REL_SIZE;
  if (t.size % size !== 0) throw new ElfError(elf.path, t.tag, `table size ${t.size} is not a multiple of ${size}`);
  const at = fileRangeOf(elf, t.addr, t.size);
  if (at === null) throw new ElfError(elf.path, t.tag, `table (${t.size} bytes at 0x${t.addr.toString(16)}) outside the loaded file bytes`);
  const r = elf.reader;
  for (let p = at; p < at + t.size; p += size) {
    const info = r.u32(p + 4, 'r_info');
    out.push({ offset: r.u32(p, 'r_offset'), type: info & 0xff, symbol: info >>> 8, addend: t.rela ? r.i32(p + 8, 'r_addend') : null, plt: t.plt === true });
  }
}

/** DT_RELR: an even word is an address to relocate; an odd word is a bitmap of the 31 words after the last one. */
function readRelr(elf: ElfFile, dyn: DynamicInfo): number[] {
  const t = range(elf, dyn, 'DT_RELR', DT_RELR, DT_RELRSZ, false);
  if (!t) return [];
  checkEntrySize(elf, dyn, DT_RELRENT, 'DT_RELRENT', RELR_SIZE);
  if (t.size % RELR_SIZE !== 0) throw new ElfError(elf.path, 'DT_RELRSZ', `table size ${t.size} is not a multiple of ${RELR_SIZE}`);
  const at = fileRangeOf(elf, t.addr, t.size);
  if (at === null) throw new ElfError(elf.path, 'DT_RELR', `table (${t.size} bytes at 0x${t.addr.toString(16)}) outside the loaded file bytes`);
  const r = elf.reader;
  const out: number[] = [];
  let next = 0;
  for (let p = at; p < at + t.size; p += RELR_SIZE) {
    const word = r.u32(p, 'DT_RELR entry');
    if ((word & 1) === 0) {
      out.push(word);
      next = word + 4;
      continue;
    }
    for (let bits = word >>> 1, i = 0; bits !== 0; bits >>>= 1, i++) if (bits & 1) out.push(next + i * 4);
    next += 31 * 4;
  }
  return out;
}

export function readRelocationTables(elf: ElfFile, dyn: DynamicInfo): RelocationTables {
  checkEntrySize(elf, dyn, DT_RELENT, 'DT_RELENT', REL_SIZE);
  checkEntrySize(elf, dyn, DT_RELAENT, 'DT_RELAENT', RELA_SIZE);
  const rel = range(elf, dyn, 'DT_REL', DT_REL, DT_RELSZ, false);
  const rela = range(elf, dyn, 'DT_RELA', DT_RELA, DT_RELASZ, true);
  const pltKind = dyn.get(DT_PLTREL);
  if (pltKind !== undefined && pltKind !== DT_REL && pltKind !== DT_RELA) throw new ElfError(elf.path, 'DT_PLTREL', `PLT relocation kind ${pltKind}, neither DT_REL nor DT_RELA`);
  const pltRange = range(elf, dyn, 'DT_JMPREL', DT_JMPREL, DT_PLTRELSZ, pltKind === DT_RELA);
  const plt = pltRange && { ...pltRange, plt: true };
  // Some linkers count the PLT's relocations in DT_RELSZ too when they follow
  // .rel.dyn; glibc then applies them once, as part of DT_JMPREL.
  for (const t of [rel, rela]) {
    if (t && plt && t.rela === plt.rela && plt.addr >= t.addr && t.addr + t.size === plt.addr + plt.size) t.size = plt.addr - t.addr;
  }
  const entries: DynamicRelocation[] = [];
  for (const t of [rel, rela, plt]) if (t) readTable(elf, t, entries);
  return { entries, relative: readRelr(elf, dyn) };
}
