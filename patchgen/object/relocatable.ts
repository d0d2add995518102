// A relocatable object (gcc -c) as plain data the generator can compare and
// rebuild: its sections with their bytes, its symbols (each static with the
// source file it came from) and, per section, its relocations with the
// addend read from the bytes in place (i386 uses REL).
import { parseElf } from '../../loader/elf/elf-file.js';
import { ElfError } from '../../loader/elf/errors.js';
import { readSymbolTable } from '../../loader/elf/symbols.js';
import { readRelocations } from '../../loader/elf/relocations.js';
import {
  ET_REL, SHT_NOBITS, SHT_REL, SHT_RELA, SHT_SYMTAB, STT_FILE, STT_SECTION,
} from '../../loader/elf/constants.js';
import { fieldSize } from './relocation-fields.js';

export const SHF_WRITE = 0x1;
export const SHF_ALLOC = 0x2;
export const SHF_EXECINSTR = 0x4;
export const SHF_MERGE = 0x10;
export const SHF_STRINGS = 0x20;
export const SHF_INFO_LINK = 0x40;
export const SHF_GROUP = 0x200;

export interface ObjReloc {
  /** Offset of the relocated field in its section. */
  offset: number;
  type: number;
  /** Index into the object's symbol list. */
  symbol: number;
  /** The addend: the field's value in place (REL). */
  addend: number;
}

export interface ObjSection {
  index: number;
  name: string;
  type: number;
  flags: number;
  size: number;
  align: number;
  entsize: number;
  /** Contents (empty for SHT_NOBITS). */
  data: Uint8Array;
  /** Relocations applying to this section, by offset. */
  relocs: ObjReloc[];
  /** Symbols defined in this section (not section or file symbols), by value. */
  symbols: ObjSymbol[];
}

export interface ObjSymbol {
  index: number;
  name: string;
  value: number;
  size: number;
  type: number;
  bind: number;
  visibility: number;
  shndx: number;
}

export interface RelocatableObject {
  path: string;
  /** The translation unit's source name (its first STT_FILE symbol), as the program's symbol table will show it. */
  sourceName: string | null;
  sections: ObjSection[];
  symbols: ObjSymbol[];
}

export class ObjectError extends Error {}

/** Reads a gcc -c output; throws ObjectError naming the file when it is not a usable i386 relocatable object. */
export function readRelocatable(bytes: Uint8Array, path: string): RelocatableObject {
  try {
    return read(bytes, path);
  } catch (e) {
    if (e instanceof ElfError) throw new ObjectError(e.message);
    throw e;
  }
}

function read(bytes: Uint8Array, path: string): RelocatableObject {
  const elf = parseElf(bytes, path);
  if (elf.type !== ET_REL) throw new ObjectError(`${path}: not a relocatable object (gcc -c output)`);
  const symtab = elf.sections.find((s) => s.type === SHT_SYMTAB);
  const raw = symtab ? readSymbolTable(elf, symtab) : [];
  const symbols: ObjSymbol[] = raw.map((s) => ({
    index: s.index, name: s.name, value: s.value, size: s.size, type: s.type, bind: s.bind, visibility: s.visibility, shndx: s.shndx,
  }));
  const sourceName = raw.find((s) => s.type === STT_FILE)?.name ?? null;
  const sections: ObjSection[] = elf.sections.map((s) => ({
    index: s.index, name: s.name, type: s.type, flags: s.flags, size: s.size, align: s.index === 0 ? 0 : alignOf(elf, s.index),
    entsize: s.entsize,
    data: s.type === SHT_NOBITS || s.size === 0 ? new Uint8Array(0) : elf.reader.slice(s.offset, s.size, s.name),
    relocs: [], symbols: [],
  }));
  for (const s of elf.sections) {
    if (s.type !== SHT_REL && s.type !== SHT_RELA) continue;
    const target = sections[s.info];
    if (!target) throw new ObjectError(`${path}: relocation section ${s.name} applies to section ${s.info}, which does not exist`);
    for (const r of readRelocations(elf, s)) {
      if (r.symbol >= symbols.length) throw new ObjectError(`${path}: a relocation of ${s.name} names symbol ${r.symbol} of ${symbols.length}`);
      const size = fieldSize(r.type);
      if (size === null) throw new ObjectError(`${path}: ${target.name} has a relocation of type ${r.type}, which dsu mkpatch does not handle`);
      if (r.offset + size > target.size) throw new ObjectError(`${path}: a relocation of ${target.name} at ${r.offset} lies outside it`);
      const addend = r.addend ?? (size === 0 ? 0 : readField(target.data, r.offset, size));
      target.relocs.push({ offset: r.offset, type: r.type, symbol: r.symbol, addend });
    }
    target.relocs.sort((a, b) => a.offset - b.offset);
  }
  for (const sym of symbols) {
    if (sym.type === STT_SECTION || sym.type === STT_FILE || sym.shndx === 0 || sym.shndx >= sections.length) continue;
    sections[sym.shndx].symbols.push(sym);
  }
  for (const s of sections) s.symbols.sort((a, b) => a.value - b.value || b.size - a.size);
  return { path, sourceName, sections, symbols };
}

/** sh_addralign, which the loader's section model leaves out. */
function alignOf(elf: ReturnType<typeof parseElf>, index: number): number {
  const shoff = elf.reader.u32(32, 'e_shoff');
  return elf.reader.u32(shoff + index * 40 + 32, 'sh_addralign');
}

function readField(data: Uint8Array, offset: number, size: number): number {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  if (size === 4) return view.getInt32(offset, true);
  if (size === 2) return view.getInt16(offset, true);
  return view.getInt8(offset);
}
