// GNU symbol versioning, as ld.so uses it to bind names: DT_VERSYM gives each
// dynamic symbol a version index; DT_VERDEF names the versions a library
// defines (libc's fopen@GLIBC_2.0 and fopen@@GLIBC_2.1, the default), and
// DT_VERNEED the versions an object requires (puts@GLIBC_2.0).
import { ElfError } from '../elf/errors.js';
import { ElfFile, fileRangeOf } from '../elf/elf-file.js';
import { DynamicInfo } from '../elf/dynamic.js';
import { StringTable } from '../elf/strings.js';
import { DT_STRSZ, DT_STRTAB, DT_VERSYM } from '../elf/constants.js';

const DT_VERDEF = 0x6ffffffc;
const DT_VERDEFNUM = 0x6ffffffd;
const DT_VERNEED = 0x6ffffffe;
const DT_VERNEEDNUM = 0x6fffffff;
/** versym bit: this definition is not the default one for its name. */
const VERSYM_HIDDEN = 0x8000;
const VERDEF_SIZE = 20;
const VERDAUX_SIZE = 8;
const VERNEED_SIZE = 16;
const VERNAUX_SIZE = 16;

export interface SymbolVersion {
  /** Version name (GLIBC_2.1), or null for an unversioned symbol. */
  name: string | null;
  /** A non-default definition (name@VERSION, not name@@VERSION): only a reference asking for it binds to it. */
  hidden: boolean;
}

const UNVERSIONED: SymbolVersion = { name: null, hidden: false };

export interface SymbolVersions {
  of(index: number): SymbolVersion;
}

/** The object's dynamic string table (DT_STRTAB, DT_STRSZ). */
export function dynamicStringTable(elf: ElfFile, dyn: DynamicInfo): StringTable {
  const addr = dyn.get(DT_STRTAB);
  const size = dyn.get(DT_STRSZ);
  if (addr === undefined || size === undefined) throw new ElfError(elf.path, 'DT_STRTAB', 'dynamic section without a string table');
  const offset = fileRangeOf(elf, addr, size);
  if (offset === null) throw new ElfError(elf.path, 'DT_STRTAB', `string table (${size} bytes at 0x${addr.toString(16)}) outside the loaded file bytes`);
  return new StringTable(elf.reader, offset, size, 'DT_STRTAB');
}

/** File offset of a structure at `addr` (a virtual address the dynamic section gave). */
function offsetOf(elf: ElfFile, addr: number, size: number, field: string): number {
  const off = fileRangeOf(elf, addr, size);
  if (off === null) throw new ElfError(elf.path, field, `${size} bytes at 0x${addr.toString(16)} outside the loaded file bytes`);
  return off;
}

/** Entries of a version chain are at least `min` bytes: more than the file holds is corrupt. */
function checkCount(elf: ElfFile, count: number, min: number, field: string): void {
  if (count * min > elf.reader.length) throw new ElfError(elf.path, field, `${count} entries cannot fit in a ${elf.reader.length}-byte file`);
}

function definedVersions(elf: ElfFile, dyn: DynamicInfo, strings: StringTable, names: Map<number, string>): void {
  const addr = dyn.get(DT_VERDEF);
  if (addr === undefined) return;
  const count = dyn.get(DT_VERDEFNUM) ?? 0;
  checkCount(elf, count, VERDEF_SIZE, 'DT_VERDEFNUM');
  const r = elf.reader;
  let at = offsetOf(elf, addr, VERDEF_SIZE, 'DT_VERDEF');
  for (let i = 0; i < count; i++) {
    r.check(at, VERDEF_SIZE, 'Elf32_Verdef');
    const ndx = r.u16(at + 4, 'vd_ndx');
    const auxCount = r.u16(at + 6, 'vd_cnt');
    const aux = r.u32(at + 12, 'vd_aux');
    const next = r.u32(at + 16, 'vd_next');
    // the first auxiliary entry names the version, the others its parents;
    // index 1 is the file's base version, which unversioned symbols carry
    if (auxCount > 0 && (ndx & 0x7fff) >= 2) names.set(ndx & 0x7fff, strings.get(r.u32(at + aux, 'vda_name'), 'vda_name'));
    if (next === 0) break;
    at += next;
  }
}

function neededVersions(elf: ElfFile, dyn: DynamicInfo, strings: StringTable, names: Map<number, string>): void {
  const addr = dyn.get(DT_VERNEED);
  if (addr === undefined) return;
  const count = dyn.get(DT_VERNEEDNUM) ?? 0;
  checkCount(elf, count, VERNEED_SIZE, 'DT_VERNEEDNUM');
  const r = elf.reader;
  let at = offsetOf(elf, addr, VERNEED_SIZE, 'DT_VERNEED');
  let budget = Math.floor(r.length / VERNAUX_SIZE);
  for (let i = 0; i < count; i++) {
    r.check(at, VERNEED_SIZE, 'Elf32_Verneed');
    const auxCount = r.u16(at + 2, 'vn_cnt');
    let aux = at + r.u32(at + 8, 'vn_aux');
    for (let k = 0; k < auxCount; k++) {
      if (--budget < 0) throw new ElfError(elf.path, 'DT_VERNEED', 'more version requirements than the file can hold');
      r.check(aux, VERNAUX_SIZE, 'Elf32_Vernaux');
      names.set(r.u16(aux + 6, 'vna_other') & 0x7fff, strings.get(r.u32(aux + 8, 'vna_name'), 'vna_name'));
      const next = r.u32(aux + 12, 'vna_next');
      if (next === 0) break;
      aux += next;
    }
    const next = r.u32(at + 12, 'vn_next');
    if (next === 0) break;
    at += next;
  }
}

/** Versions of the `count` dynamic symbols; every symbol is unversioned when the object has no DT_VERSYM. */
export function readVersions(elf: ElfFile, dyn: DynamicInfo, count: number, strings: StringTable): SymbolVersions {
  const versym = dyn.get(DT_VERSYM);
  if (versym === undefined) return { of: () => UNVERSIONED };
  const table = offsetOf(elf, versym, count * 2, 'DT_VERSYM');
  const names = new Map<number, string>();
  definedVersions(elf, dyn, strings, names);
  neededVersions(elf, dyn, strings, names);
  const r = elf.reader;
  return {
    of(index: number): SymbolVersion {
      if (index < 0 || index >= count) return UNVERSIONED;
      const raw = r.u16(table + index * 2, 'versym');
      const name = names.get(raw & 0x7fff);
      // indexes 0 (local) and 1 (global) and unknown ones carry no version name
      return name === undefined ? UNVERSIONED : { name, hidden: (raw & VERSYM_HIDDEN) !== 0 };
    },
  };
}
