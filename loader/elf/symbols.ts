// Symbol tables (.symtab and .dynsym). Each local symbol remembers the source
// file named by the STT_FILE symbol before it, so file-local statics with the
// same name can be told apart.
import { ElfError } from './errors.js';
import { ElfFile, Section } from './elf-file.js';
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

const MAX_SYMBOLS = 4_000_000;

export function readSymbolTable(elf: ElfFile, table: Section): ElfSymbol[] {
  const r = elf.reader;
  if (table.entsize !== 16 && table.entsize !== 0) throw new ElfError(elf.path, table.name, `symbol entry size ${table.entsize}`);
  const strtab = elf.sections[table.link];
  if (!strtab || strtab.type !== SHT_STRTAB) throw new ElfError(elf.path, table.name, 'symbol table without a string table');
  const count = Math.floor(table.size / 16);
  if (count > MAX_SYMBOLS) throw new ElfError(elf.path, table.name, 'too many symbols');
  r.check(table.offset, count * 16, table.name);
  const out: ElfSymbol[] = [];
  let file: string | null = null;
  for (let i = 0; i < count; i++) {
    const at = table.offset + i * 16;
    const nameOff = r.u32(at, 'st_name');
    const info = r.u8(at + 12, 'st_info');
    const sym: ElfSymbol = {
      index: i,
      name: nameOff === 0 ? '' : r.cstring(strtab.offset + nameOff, 'st_name', strtab.offset, strtab.offset + strtab.size),
      value: r.u32(at + 4, 'st_value'),
      size: r.u32(at + 8, 'st_size'),
      type: info & 0xf,
      bind: info >> 4,
      visibility: r.u8(at + 13, 'st_other') & 3,
      shndx: r.u16(at + 14, 'st_shndx'),
      file: null,
    };
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
