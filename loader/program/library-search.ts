// The objects a dynamic program will load, found the way ld.so finds them,
// from the files alone: breadth-first over DT_NEEDED, each name searched in
// the needing object's DT_RPATH (and the executable's, unless DT_RUNPATH is
// present), its DT_RUNPATH, then the standard directories. A candidate that
// is not a 32-bit x86 ELF object is passed over, as ld.so does. Not read:
// LD_LIBRARY_PATH, LD_PRELOAD and /etc/ld.so.cache.
import path from 'node:path';
import { ElfFile, fileRangeOf, parseElf } from '../elf/elf-file.js';
import { StringTable } from '../elf/strings.js';
import { ElfError } from '../elf/errors.js';
import { readDynamic } from '../elf/dynamic.js';
import { DT_STRSZ, DT_STRTAB } from '../elf/constants.js';
import { ModuleKind } from './runtime-module.js';

/** Where Debian and other distributions keep i386 libraries (multiarch, biarch, then plain). */
const STANDARD_LIBRARY_DIRS = ['/lib/i386-linux-gnu', '/usr/lib/i386-linux-gnu', '/lib32', '/usr/lib32', '/lib', '/usr/lib'];

/** Reads a file of the program's file system, or returns null when it is missing or unreadable. */
export type ProgramFileReader = (guestPath: string) => Uint8Array | null;

interface FoundObject {
  path: string;
  elf: ElfFile;
  kind: Exclude<ModuleKind, 'linked'>;
  /** DT_SONAME, or the name it was needed by. */
  soname: string;
}

interface MissingObject {
  name: string;
  neededBy: string;
}

export interface LoadList {
  objects: FoundObject[];
  missing: MissingObject[];
}

const DT_RPATH = 15;
const DT_RUNPATH = 29;

function open(read: ProgramFileReader, guestPath: string): ElfFile | null {
  const bytes = read(guestPath);
  if (!bytes) return null;
  try {
    return parseElf(bytes, guestPath);
  } catch (e) {
    if (e instanceof ElfError) return null;
    throw e;
  }
}

/** DT_RPATH or DT_RUNPATH directories with $ORIGIN expanded. */
function searchPath(elf: ElfFile, objectPath: string, tag: number): string[] {
  const d = readDynamic(elf);
  const value = d?.get(tag);
  const table = d?.get(DT_STRTAB);
  const size = d?.get(DT_STRSZ);
  if (value === undefined || table === undefined || size === undefined) return [];
  const what = tag === DT_RPATH ? 'DT_RPATH' : 'DT_RUNPATH';
  const offset = fileRangeOf(elf, table, size);
  if (offset === null) throw new ElfError(elf.path, what, 'dynamic string table outside the file');
  const text = new StringTable(elf.reader, offset, size, 'DT_STRTAB').get(value, what);
  const origin = path.posix.dirname(objectPath);
  return text.split(':').filter((p) => p !== '').map((p) => p.replace(/\$(ORIGIN\b|\{ORIGIN\})/g, origin));
}

function found(guestPath: string, elf: ElfFile, kind: FoundObject['kind'], neededAs: string): FoundObject {
  return { path: guestPath, elf, kind, soname: readDynamic(elf)?.soname ?? neededAs };
}

/**
 * Everything `exe` (at guest path `exePath`) loads, in ld.so's load order:
 * the executable, its libraries breadth-first, with the interpreter where
 * DT_NEEDED names it (last when nobody does).
 */
export function loadList(exe: ElfFile, exePath: string, read: ProgramFileReader, dirs = STANDARD_LIBRARY_DIRS): LoadList {
  const objects: FoundObject[] = [found(exePath, exe, 'exe', path.posix.basename(exePath))];
  /** Every name an object answers to: its path, its soname and the names it was needed as (ld.so's l_libname). */
  const names = new Map<FoundObject, Set<string>>([[objects[0], new Set([exePath])]]);
  const missing: MissingObject[] = [];
  let interp: FoundObject | null = null;
  if (exe.interpreter) {
    const elf = open(read, exe.interpreter);
    if (elf) {
      interp = found(exe.interpreter, elf, 'interp', path.posix.basename(exe.interpreter));
      names.set(interp, new Set([interp.path, interp.soname]));
    } else missing.push({ name: exe.interpreter, neededBy: exePath });
  }
  const exeRpath = readDynamic(exe)?.get(DT_RUNPATH) === undefined ? searchPath(exe, exePath, DT_RPATH) : [];
  const loaded = (name: string): FoundObject | undefined => [...names].find(([, n]) => n.has(name))?.[0];
  for (let i = 0; i < objects.length; i++) {
    const o = objects[i];
    const runpath = searchPath(o.elf, o.path, DT_RUNPATH);
    const rpath = runpath.length > 0 ? [] : [...searchPath(o.elf, o.path, DT_RPATH), ...(o.kind === 'exe' ? [] : exeRpath)];
    for (const name of readDynamic(o.elf)?.needed ?? []) {
      const known = loaded(name);
      if (known) {
        if (!objects.includes(known)) objects.push(known);
        continue;
      }
      const candidates = name.includes('/') ? [name] : [...rpath, ...runpath, ...dirs].map((d) => path.posix.join(d, name));
      let hit: FoundObject | null = null;
      for (const c of candidates) {
        const elf = open(read, c);
        if (elf) {
          hit = found(c, elf, 'lib', name);
          break;
        }
      }
      if (!hit) {
        missing.push({ name, neededBy: o.path });
        continue;
      }
      objects.push(hit);
      names.set(hit, new Set([hit.path, hit.soname, name]));
    }
  }
  if (interp && !objects.includes(interp)) objects.push(interp);
  return { objects, missing };
}
