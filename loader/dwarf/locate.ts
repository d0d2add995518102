// Finding a file's debug information where distributions put it: in the
// file itself, in a separate file found by build ID or .gnu_debuglink under
// the debug roots (see ../symbols/debug-file.ts), and the .dwo files of
// split units (DW_AT_dwo_name, relative to DW_AT_comp_dir or next to the
// object). Files are read through `read`, so the caller decides which
// namespace (the guest's root, the host) and which limits apply.
import path from 'node:path';
import { ElfFile, parseElf } from '../elf/elf-file.js';
import { DEFAULT_DEBUG_ROOTS, debugFileCandidates, openDebugFile } from '../symbols/debug-file.js';
import { DebugIndex } from './debug-index.js';
import { DwarfInfo } from './info.js';
import { debugSections, DebugSections } from './sections.js';

/** Reads a whole regular file, or null when it does not exist or cannot be read. */
export type FileReader = (path: string) => Uint8Array | null;

export interface LocatedDebugInfo {
  index: DebugIndex;
  /** The file the units came from: the object itself or its separate debug file. */
  from: string;
  /** Split units whose .dwo was not found. */
  missingDwo: readonly string[];
}

export interface LocateOptions {
  roots?: string[];
}

const hasDebugInfo = (elf: ElfFile): boolean =>
  elf.sections.some((s) => s.name === '.debug_info' || s.name === '.zdebug_info' || s.name === '.debug_info.dwo');

/**
 * The debug information of `elf` (read from `objectPath`), or null when
 * neither the file nor a separate debug file has any.
 */
export function locateDebugInfo(elf: ElfFile, objectPath: string, read: FileReader, options: LocateOptions = {}): LocatedDebugInfo | null {
  let holder: ElfFile | null = hasDebugInfo(elf) ? elf : null;
  if (!holder) {
    for (const candidate of debugFileCandidates(elf, objectPath, options.roots ?? DEFAULT_DEBUG_ROOTS)) {
      const bytes = read(candidate.path);
      const debug = bytes && openDebugFile(candidate, bytes);
      if (debug && hasDebugInfo(debug)) {
        holder = debug;
        break;
      }
    }
  }
  if (!holder) return null;
  const info = new DwarfInfo(debugSections(holder), { dwo: dwoLoader(objectPath, read) });
  const index = new DebugIndex(info);
  return { index, from: holder.path, missingDwo: index.missingDwo };
}

/** e_phnum in the ELF32 header. */
const E_PHNUM = 44;

/**
 * A separate debug file (or .dwo) given directly: only its sections are
 * used, so its program headers (placeholders describing the stripped
 * object) are dropped, in `bytes` itself, as openDebugFile does.
 */
export function parseDebugElf(bytes: Uint8Array, file: string): ElfFile {
  if (bytes.length > E_PHNUM + 1) {
    bytes[E_PHNUM] = 0;
    bytes[E_PHNUM + 1] = 0;
  }
  return parseElf(bytes, file);
}

/** Opens the .dwo a skeleton unit names: as written (absolute or under the comp dir), then next to the object. */
export function dwoLoader(objectPath: string, read: FileReader): (name: string, compDir: string | undefined) => DebugSections | null {
  return (name, compDir) => {
    const tries = path.posix.isAbsolute(name) ? [name] : [path.posix.join(compDir ?? '', name)];
    tries.push(path.posix.join(path.posix.dirname(objectPath), path.posix.basename(name)));
    for (const p of tries) {
      const bytes = read(p);
      if (!bytes) continue;
      const dwo = parseDebugElf(bytes, p);
      return debugSections(dwo);
    }
    return null;
  };
}
