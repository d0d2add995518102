// The debug sections of one ELF file, as plain bytes. Compressed sections
// (SHF_COMPRESSED with zlib, as `objcopy --compress-debug-sections` and
// Debian's debug packages write them, or the older GNU .zdebug_* form) are
// inflated here, up to a size limit, with the declared size checked.
import zlib from 'node:zlib';
import type { ElfFile } from '../elf/elf-file.js';
import { SHT_NOBITS } from '../elf/constants.js';
import { DwarfError } from './errors.js';

const SHF_COMPRESSED = 0x800;
const ELFCOMPRESS_ZLIB = 1;
const ELFCOMPRESS_ZSTD = 2;
/** Elf32_Chdr: ch_type, ch_size, ch_addralign. */
const CHDR32_SIZE = 12;
/** No debug section of a real program comes near this; a forged size cannot make the host allocate more. */
const MAX_DEBUG_SECTION = 1 << 30;

/** The sections this reader uses, by their name without the `.dwo` suffix. */
export const DEBUG_SECTION_NAMES = [
  '.debug_info', '.debug_abbrev', '.debug_str', '.debug_line_str', '.debug_line', '.debug_addr',
  '.debug_rnglists', '.debug_loclists', '.debug_str_offsets', '.debug_ranges', '.debug_loc', '.debug_types',
] as const;
export type DebugSectionName = (typeof DEBUG_SECTION_NAMES)[number];

export interface DebugSections {
  file: string;
  /** True for a split-DWARF object (.dwo): its sections are named `.debug_*.dwo`. */
  dwo: boolean;
  get(name: DebugSectionName): Uint8Array | null;
  /** Names present, for messages. */
  names(): string[];
}

/** Sections from plain bytes (tests, or a reader that has them already). */
export function sectionsFrom(file: string, map: Partial<Record<DebugSectionName, Uint8Array>>, dwo = false): DebugSections {
  return {
    file, dwo,
    get: (name) => map[name] ?? null,
    names: () => Object.keys(map),
  };
}

/**
 * The debug sections of `elf`, inflated on first use. Sections ending in
 * `.dwo` are used when the file has no plain `.debug_info` (a .dwo file).
 */
export function debugSections(elf: ElfFile): DebugSections {
  const byName = new Map<string, (typeof elf.sections)[number]>();
  for (const s of elf.sections) byName.set(s.name, s);
  const dwo = !byName.has('.debug_info') && !byName.has('.zdebug_info') && byName.has('.debug_info.dwo');
  const cache = new Map<string, Uint8Array | null>();
  const get = (name: DebugSectionName): Uint8Array | null => {
    if (cache.has(name)) return cache.get(name)!;
    const section = dwo ? byName.get(`${name}.dwo`) : byName.get(name) ?? byName.get(`.z${name.slice(1)}`);
    let bytes: Uint8Array | null = null;
    if (section && section.type !== SHT_NOBITS && section.size > 0) {
      const raw = elf.reader.slice(section.offset, section.size, section.name);
      if (section.flags & SHF_COMPRESSED) bytes = inflateElf(elf.path, section.name, raw);
      else if (section.name.startsWith('.zdebug')) bytes = inflateGnu(elf.path, section.name, raw);
      else bytes = raw;
    }
    cache.set(name, bytes);
    return bytes;
  };
  return {
    file: elf.path, dwo, get,
    names: () => elf.sections.map((s) => s.name).filter((n) => n.startsWith('.debug') || n.startsWith('.zdebug')),
  };
}

/** An SHF_COMPRESSED section: an Elf32_Chdr, then the zlib stream. */
export function inflateElf(file: string, section: string, raw: Uint8Array): Uint8Array {
  if (raw.length < CHDR32_SIZE) throw new DwarfError(file, section, 0, `compressed section of ${raw.length} bytes has no header`);
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const type = view.getUint32(0, true);
  const size = view.getUint32(4, true);
  if (type === ELFCOMPRESS_ZSTD) throw new DwarfError(file, section, 0, 'compressed with zstd, which this reader does not inflate (recompress with objcopy --decompress-debug-sections)');
  if (type !== ELFCOMPRESS_ZLIB) throw new DwarfError(file, section, 0, `unknown compression type ${type}`);
  return inflate(file, section, raw.subarray(CHDR32_SIZE), size);
}

/** A .zdebug_* section: "ZLIB", the size as 8 big-endian bytes, then the zlib stream. */
function inflateGnu(file: string, section: string, raw: Uint8Array): Uint8Array {
  if (raw.length < 12 || Buffer.from(raw.subarray(0, 4)).toString('latin1') !== 'ZLIB') {
    throw new DwarfError(file, section, 0, 'not a ZLIB-headed .zdebug section');
  }
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  if (view.getUint32(4, false) !== 0) throw new DwarfError(file, section, 4, 'declared size over 4 GiB');
  return inflate(file, section, raw.subarray(12), view.getUint32(8, false));
}

function inflate(file: string, section: string, stream: Uint8Array, size: number): Uint8Array {
  if (size > MAX_DEBUG_SECTION) throw new DwarfError(file, section, 0, `declared size ${size} over the ${MAX_DEBUG_SECTION}-byte limit`);
  let out: Buffer;
  try {
    out = zlib.inflateSync(stream, { maxOutputLength: Math.max(1, size) });
  } catch (e) {
    throw new DwarfError(file, section, 0, `cannot inflate: ${(e as Error).message}`);
  }
  if (out.length !== size) throw new DwarfError(file, section, 0, `inflates to ${out.length} bytes, the header says ${size}`);
  return new Uint8Array(out.buffer, out.byteOffset, out.length);
}
