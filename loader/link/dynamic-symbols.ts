// The dynamic symbol table as ld.so reads it: DT_SYMTAB with names from
// DT_STRTAB. Its length is the .dynsym section's when there are section
// headers, else DT_HASH's chain count.
import { ElfError } from '../elf/errors.js';
import { ElfFile, fileRangeOf } from '../elf/elf-file.js';
import { DynamicInfo } from '../elf/dynamic.js';
import { StringTable } from '../elf/strings.js';
import { DT_HASH, DT_SYMENT, DT_SYMTAB, SHT_DYNSYM } from '../elf/constants.js';

import { ElfSymbol, readSymbolAt, SYM_SIZE } from '../elf/symbols.js';

function symbolCount(elf: ElfFile, dyn: DynamicInfo, addr: number): number {
  const section = elf.sections.find((s) => s.type === SHT_DYNSYM);
  if (section) {
    if (section.addr !== addr) throw new ElfError(elf.path, 'DT_SYMTAB', `0x${addr.toString(16)} is not the .dynsym section (0x${section.addr.toString(16)})`);
    return Math.floor(section.size / SYM_SIZE);
  }
  const hash = dyn.get(DT_HASH);
  const at = hash === undefined ? null : fileRangeOf(elf, hash, 8);
  if (at === null) throw new ElfError(elf.path, 'DT_SYMTAB', 'no .dynsym section and no DT_HASH table: the symbol count is unknown');
  return elf.reader.u32(at + 4, 'nchain');
}

export function readDynamicSymbols(elf: ElfFile, dyn: DynamicInfo, strings: StringTable): ElfSymbol[] {
  const addr = dyn.get(DT_SYMTAB);
  if (addr === undefined) return [];
  const entsize = dyn.get(DT_SYMENT);
  if (entsize !== undefined && entsize !== SYM_SIZE) throw new ElfError(elf.path, 'DT_SYMENT', `symbol entry size ${entsize}, expected ${SYM_SIZE}`);
  const count = symbolCount(elf, dyn, addr);
  const at = fileRangeOf(elf, addr, count * SYM_SIZE);
  if (at === null) throw new ElfError(elf.path, 'DT_SYMTAB', `${count} symbols at 0x${addr.toString(16)} run outside the loaded file bytes`);
  const r = elf.reader;
  const out: ElfSymbol[] = [];
  for (let i = 0; i < count; i++) out.push(readSymbolAt(r, at + i * SYM_SIZE, i, strings, 'the dynamic symbol table'));
  return out;
}
