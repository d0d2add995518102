// Mapping an ELF image's PT_LOAD segments into guest memory, the way the
// kernel's load_elf_binary does: file pages copied in, the rest zero.
import { ElfError } from './elf/errors.js';
import { ElfFile, Segment } from './elf/elf-file.js';
import { ET_DYN, ET_EXEC, ET_REL, PF_R, PF_W, PF_X, PT_LOAD, PT_PHDR } from './elf/constants.js';

export const PAGE = 4096;
const down = (a: number): number => a - (a % PAGE);
const up = (a: number): number => Math.ceil(a / PAGE) * PAGE;

/** What the loader needs from the guest's memory (implemented by the emulator). */
export interface LoaderMemory {
  /** Map fresh zeroed pages [start, start+length) with prot (PROT_* bits), replacing anything there. */
  map(start: number, length: number, prot: number, name: string, fill?: (bytes: Uint8Array) => void): void;
  /** True when [start, end) is unmapped and mappable. */
  isFree(start: number, end: number): boolean;
  /** Highest free range of `length` bytes below the mmap area top. */
  findFree(length: number): number | null;
}

export interface LoadedImage {
  path: string;
  elf: ElfFile;
  /** Added to every p_vaddr: 0 for ET_EXEC. */
  bias: number;
  /** Lowest and highest mapped addresses. */
  start: number;
  end: number;
  entry: number;
  /** Address of the program headers in memory (AT_PHDR). */
  phdr: number;
  /** Page-aligned end of the highest segment (initial program break). */
  brk: number;
}

/** PT_LOAD segments with memory, checked the way the kernel's mmap would check them. */
export function loadSegments(elf: ElfFile): Segment[] {
  const loads = elf.segments.filter((s) => s.type === PT_LOAD && s.memsz > 0);
  if (loads.length === 0) throw new ElfError(elf.path, 'PT_LOAD', 'no loadable segments');
  let copied = 0;
  for (const s of loads) {
    if (s.filesz > 0 && s.offset % PAGE !== s.vaddr % PAGE) {
      throw new ElfError(elf.path, 'PT_LOAD', `segment at 0x${s.vaddr.toString(16)}: offset and address are not congruent modulo the page size`);
    }
    copied += s.filesz;
  }
  // Segments a linker writes share at most a page or two of the file; many
  // headers aliasing the whole file would copy it again for each of them.
  if (copied > 4 * elf.reader.length) {
    throw new ElfError(elf.path, 'PT_LOAD', `segments load ${copied} bytes from a ${elf.reader.length}-byte file`);
  }
  return loads;
}

export function imageSpan(elf: ElfFile): { low: number; high: number } {
  let low = Infinity;
  let high = 0;
  for (const s of loadSegments(elf)) {
    low = Math.min(low, s.vaddr);
    high = Math.max(high, s.vaddr + s.memsz);
  }
  return { low: down(low), high: up(high) };
}

function protOf(flags: number): number {
  return (flags & PF_R ? 1 : 0) | (flags & PF_W ? 2 : 0) | (flags & PF_X ? 4 : 0);
}

/**
 * Map the image. ET_EXEC goes where it was linked; ET_DYN at `preferredBase`
 * when that range is free, else wherever the memory finds room.
 */
export function mapImage(elf: ElfFile, mem: LoaderMemory, preferredBase: number | null): LoadedImage {
  if (elf.type !== ET_EXEC && elf.type !== ET_DYN) {
    throw new ElfError(elf.path, 'e_type', elf.type === ET_REL ? 'relocatable object, not a program (link it first)' : `cannot run ELF type ${elf.type}`);
  }
  const loads = loadSegments(elf);
  const { low, high } = imageSpan(elf);
  let bias = 0;
  if (elf.type === ET_DYN) {
    const size = high - low;
    let base = preferredBase;
    if (base === null || !mem.isFree(base, base + size)) base = mem.findFree(size);
    if (base === null) throw new ElfError(elf.path, 'PT_LOAD', `no room for ${size} bytes in the address space`);
    bias = base - low;
  } else if (!mem.isFree(low, high)) {
    throw new ElfError(elf.path, 'PT_LOAD', `cannot map segments at 0x${low.toString(16)}-0x${high.toString(16)}: addresses reserved or out of range`);
  }
  const bytes = elf.reader.bytes;
  for (const s of loads) {
    const start = down(s.vaddr + bias);
    const end = up(s.vaddr + s.memsz + bias);
    const lead = s.vaddr + bias - start;
    mem.map(start, end - start, protOf(s.flags), elf.path, (dest) => {
      // Like the kernel, the page is file-backed from its start; the rest stays zero.
      if (s.filesz > 0) dest.set(bytes.subarray(s.offset - lead, s.offset + s.filesz));
    });
  }
  const phdrSeg = elf.segments.find((s) => s.type === PT_PHDR);
  let phdr: number;
  if (phdrSeg) phdr = phdrSeg.vaddr + bias;
  else {
    const holder = loads.find((s) => s.offset <= elf.phoff && elf.phoff < s.offset + s.filesz);
    phdr = holder ? holder.vaddr + (elf.phoff - holder.offset) + bias : 0;
  }
  // e_entry and PT_PHDR are not checked by the kernel either: a bad one faults in the guest.
  return {
    path: elf.path, elf, bias, start: low + bias, end: high + bias, entry: (elf.entry + bias) >>> 0, phdr: phdr >>> 0, brk: high + bias,
  };
}
