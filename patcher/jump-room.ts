// How many bytes a jump may cover at a function's entry: the function
// itself, and the alignment padding after it up to the next symbol (gcc
// aligns functions, so a 1-byte `ret` stub usually has 15 bytes of room),
// never past the end of its section.
import type { ElfFile } from '../loader/elf/elf-file.js';
import type { SymbolTable } from '../loader/symbols/symbol-table.js';

/** Bytes available from link-time `start` for a function of `size` bytes. */
export function jumpRoom(elf: ElfFile, symbols: SymbolTable, start: number, size: number): number {
  const section = elf.sections.find((s) => s.addr !== 0 && start >= s.addr && start < s.addr + s.size);
  if (!section) return size;
  const sectionEnd = section.addr + section.size;
  const next = symbols.nextStart(start);
  const end = Math.min(next ?? sectionEnd, sectionEnd);
  return Math.max(size, end - start);
}
