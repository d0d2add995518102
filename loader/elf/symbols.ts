// Symbol tables (.symtab and .dynsym), and the one symbol type every reader
// returns (the linker reads .dynsym through DT_SYMTAB, link/dynamic-symbols.ts).
// Each local symbol remembers the source file named by the STT_FILE symbol
// before it, so file-local statics with the same name can be told apart.
import { ElfError } from './errors.js';
import { ElfFile, Section } from './elf-file.js';
import type { ByteReader } from './reader.js';
import { StringTable } from './strings.js';
import { SHT_DYNSYM, SHT_SYMTAB, SHT_STRTAB, STT_FILE, STB_LOCAL } from './constants.js';

export interface ElfSymbol {
  index: number;
  name: string;
  value: number;
  size: number;
  type: number;
  bind: number;
  visibility: number;
  shndx: number;
  /** Source file for local symbols (from the preceding STT_FILE), else null. */
  file: string | null;
}

export const SYM_SIZE = 16;

/** The Elf32_Sym at `at` (its source file left null); `what` names the table in errors. */
export function readSymbolAt(r: ByteReader, at: number, index: number, names: StringTable, what: string): ElfSymbol {
  const nameOff = r.u32(at, 'st_name');
  const info = r.u8(at + 12, 'st_info');
  return {
    index,
    name: nameOff === 0 ? '' : names.get(nameOff, `st_name of symbol ${index} in ${what}`),
    value: r.u32(at + 4, 'st_value'),
    size: r.u32(at + 8, 'st_size'),
    type: info & 0xf,
    bind: info >> 4,
    visibility: r.u8(at + 13, 'st_other') & 3,
    shndx: r.u16(at + 14, 'st_shndx'),
    file: null,
  };
}

export function readSymbolTable(elf: ElfFile, table: Section): ElfSymbol[] {
  const r = elf.reader;
  const what = table.name || `section ${table.index}`;
  if (table.entsize !== SYM_SIZE && table.entsize !== 0) throw new ElfError(elf.path, what, `symbol entry size ${table.entsize}, expected ${SYM_SIZE}`);
  if (table.size % SYM_SIZE !== 0) throw new ElfError(elf.path, what, `symbol table size ${table.size} is not a multiple of ${SYM_SIZE}`);
  const strtab = elf.sections[table.link];
  if (!strtab || strtab.type !== SHT_STRTAB) {
    throw new ElfError(elf.path, `sh_link of ${what}`, `section ${table.link} is not a string table`);
  }
  const names = new StringTable(r, strtab.offset, strtab.size, strtab.name || `section ${strtab.index}`);
  const count = table.size / SYM_SIZE;
  r.check(table.offset, table.size, what);
  const out: ElfSymbol[] = [];
  let file: string | null = null;
  for (let i = 0; i < count; i++) {
    const sym = readSymbolAt(r, table.offset + i * SYM_SIZE, i, names, what);
    if (sym.type === STT_FILE) file = sym.name;
    else if (sym.bind === STB_LOCAL) sym.file = file;
    out.push(sym);
  }
  return out;
}

/** The full symbol table when present (not stripped), else an empty list. */
export function staticSymbols(elf: ElfFile): ElfSymbol[] {
  const table = elf.sections.find((s) => s.type === SHT_SYMTAB);
  return table ? readSymbolTable(elf, table) : [];
}

export function dynamicSymbols(elf: ElfFile): ElfSymbol[] {
  const table = elf.sections.find((s) => s.type === SHT_DYNSYM);
  return table ? readSymbolTable(elf, table) : [];
}
