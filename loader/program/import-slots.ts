// The import slots of one ELF object, from its dynamic relocations: every
// word ld.so fills with the address of something found by symbol lookup
// (R_386_JUMP_SLOT for PLT calls, R_386_GLOB_DAT for GOT entries, R_386_32
// against a symbol), plus the slots filled without a symbol (R_386_IRELATIVE:
// the return value of an IFUNC resolver) and R_386_COPY (the executable
// holds the symbol's storage). R_386_RELATIVE and Debian's compact DT_RELR
// relocations only add the load bias: they import nothing.
import { ElfFile, Section, fileRangeOf } from '../elf/elf-file.js';
import { allRelocations } from '../elf/relocations.js';
import { ElfSymbol, readSymbolTable } from '../elf/symbols.js';
import { readDynamic } from '../elf/dynamic.js';
import {
  DF_1_NOW, DF_BIND_NOW, DT_BIND_NOW, DT_FLAGS, DT_FLAGS_1, PT_GNU_RELRO, R_386_32, R_386_COPY,
  R_386_GLOB_DAT, R_386_IRELATIVE, R_386_JUMP_SLOT, RELOC_NAMES, SHN_UNDEF, SHT_DYNSYM, SHT_SYMTAB,
} from '../elf/constants.js';

export interface ImportSlot {
  /** Link-time address of the slot (r_offset). */
  address: number;
  type: number;
  /** "R_386_JUMP_SLOT", ... */
  typeName: string;
  /** The symbol looked up, or null (R_386_IRELATIVE). */
  symbol: string | null;
  /** The symbol is defined in this object (its own export, or the storage of a COPY). */
  definedHere: boolean;
  /** The slot's bytes in the file (REL keeps the addend there), or null when they are not in the file. */
  fileValue: number | null;
  /** Inside PT_GNU_RELRO: read-only once ld.so has relocated the object. */
  relro: boolean;
  /** Relocation section it comes from. */
  section: string;
}

const SLOT_TYPES = new Set([R_386_JUMP_SLOT, R_386_GLOB_DAT, R_386_32, R_386_IRELATIVE, R_386_COPY]);
const SHF_ALLOC = 2;

function symbolsOf(elf: ElfFile, section: Section, tables: Map<number, ElfSymbol[]>): ElfSymbol[] {
  const link = elf.sections[section.link];
  if (!link || (link.type !== SHT_DYNSYM && link.type !== SHT_SYMTAB)) return [];
  let table = tables.get(link.index);
  if (!table) {
    table = readSymbolTable(elf, link);
    tables.set(link.index, table);
  }
  return table;
}

/** Every import slot of `elf`, in relocation order. */
export function importSlots(elf: ElfFile): ImportSlot[] {
  const relro = elf.segments.filter((s) => s.type === PT_GNU_RELRO);
  const tables = new Map<number, ElfSymbol[]>();
  const out: ImportSlot[] = [];
  for (const { section, relocations } of allRelocations(elf)) {
    if ((section.flags & SHF_ALLOC) === 0) continue;
    for (const r of relocations) {
      if (!SLOT_TYPES.has(r.type)) continue;
      // R_386_32 without a symbol is a relative relocation in disguise
      if (r.type === R_386_32 && r.symbol === 0) continue;
      let symbol: string | null = null;
      let definedHere = false;
      if (r.symbol !== 0) {
        const sym = symbolsOf(elf, section, tables)[r.symbol];
        symbol = sym ? sym.name : `#${r.symbol}`;
        definedHere = sym !== undefined && sym.shndx !== SHN_UNDEF;
      }
      const at = fileRangeOf(elf, r.offset, 4);
      out.push({
        address: r.offset,
        type: r.type,
        typeName: RELOC_NAMES[r.type] ?? `type ${r.type}`,
        symbol,
        definedHere,
        fileValue: at === null ? null : elf.reader.u32(at, 'slot'),
        relro: relro.some((s) => r.offset >= s.vaddr && r.offset + 4 <= s.vaddr + s.memsz),
        section: section.name,
      });
    }
  }
  return out;
}

/** Why every slot of this object is bound at start-up, or null when binding is lazy. */
export function eagerBinding(elf: ElfFile): string | null {
  const d = readDynamic(elf);
  if (!d) return null;
  if (d.get(DT_BIND_NOW) !== undefined) return 'DT_BIND_NOW';
  if (((d.get(DT_FLAGS) ?? 0) & DF_BIND_NOW) !== 0) return 'DF_BIND_NOW';
  if (((d.get(DT_FLAGS_1) ?? 0) & DF_1_NOW) !== 0) return 'DF_1_NOW';
  return null;
}

/** Run-time address ranges of the object's PLT sections (.plt, .plt.sec), where lazy slots point. */
export function pltRanges(elf: ElfFile, bias: number): { name: string; start: number; end: number }[] {
  return elf.sections
    .filter((s) => (s.name === '.plt' || s.name === '.plt.sec') && s.addr !== 0 && s.size > 0)
    .map((s) => ({ name: s.name, start: (s.addr + bias) >>> 0, end: (s.addr + bias + s.size) >>> 0 }));
}
