// Separate debug files: a stripped library (Debian's libc.so.6) keeps its
// full symbol table in a file found by build ID or by .gnu_debuglink, the
// way gdb looks for it (the "Separate Debug Files" chapter of its manual).
import path from 'node:path';
import zlib from 'node:zlib';
import { ElfFile, parseElf } from '../elf/elf-file.js';
import { buildId } from '../elf/notes.js';

/** Where distributions install debug files. */
export const DEFAULT_DEBUG_ROOTS = ['/usr/lib/debug'];

export interface DebugLink {
  file: string;
  crc: number;
}

/** The .gnu_debuglink section: a file name, padded to 4 bytes, then the debug file's CRC-32. */
export function debugLink(elf: ElfFile): DebugLink | null {
  const s = elf.sections.find((sec) => sec.name === '.gnu_debuglink');
  if (!s || s.size < 8) return null;
  const file = elf.reader.cstring(s.offset, '.gnu_debuglink', s.offset, s.offset + s.size);
  const crcAt = s.offset + Math.ceil((file.length + 1) / 4) * 4;
  if (crcAt + 4 > s.offset + s.size) return null;
  return { file, crc: elf.reader.u32(crcAt, '.gnu_debuglink CRC') };
}

export interface DebugCandidate {
  path: string;
  /** What the candidate must match to be the right file. */
  check: { buildId: string } | { crc: number };
}

/** Paths to try, best first, for the object at `objectPath` (both in the program's file namespace). */
export function debugFileCandidates(elf: ElfFile, objectPath: string, roots = DEFAULT_DEBUG_ROOTS): DebugCandidate[] {
  const out: DebugCandidate[] = [];
  const id = buildId(elf);
  if (id && id.length > 2) {
    for (const root of roots) out.push({ path: `${root}/.build-id/${id.slice(0, 2)}/${id.slice(2)}.debug`, check: { buildId: id } });
  }
  const link = debugLink(elf);
  if (link && !link.file.includes('/')) {
    const dir = path.posix.dirname(objectPath);
    const places = [path.posix.join(dir, link.file), path.posix.join(dir, '.debug', link.file)];
    for (const root of roots) places.push(path.posix.join(root, dir, link.file));
    for (const p of places) out.push({ path: p, check: { crc: link.crc } });
  }
  return out;
}

/** e_phnum in the ELF32 header. */
const E_PHNUM = 44;

/**
 * The debug file in `bytes` (read from `candidate.path`) if it is the one the
 * candidate asks for, else null. Only its sections are used: its program
 * headers describe the stripped object and may be empty placeholders, so
 * they are dropped, in `bytes` itself.
 */
export function openDebugFile(candidate: DebugCandidate, bytes: Uint8Array): ElfFile | null {
  if ('crc' in candidate.check && zlib.crc32(bytes) !== candidate.check.crc) return null;
  if (bytes.length <= E_PHNUM + 1) return null;
  bytes[E_PHNUM] = 0;
  bytes[E_PHNUM + 1] = 0;
  let debug: ElfFile;
  try {
    debug = parseElf(bytes, candidate.path);
  } catch {
    return null;
  }
  if ('buildId' in candidate.check && buildId(debug) !== candidate.check.buildId) return null;
  return debug;
}
