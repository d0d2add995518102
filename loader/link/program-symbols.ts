// What the running program's objects offer a linked object, by name:
// - a library's (or an earlier linked object's) exported definitions, from
//   its dynamic symbol table with their versions, as ld.so sees them;
// - the executable's every function and object, file-local statics included
//   (with their source file), from its full symbol table or its debug file.
// Indexes are built once per file and kept in a LinkCache, which a long-lived
// caller (the patcher) keeps for the life of the process.
import path from 'node:path';
import { ElfFile } from '../elf/elf-file.js';
import { readDynamic } from '../elf/dynamic.js';
import { dynamicSymbols, staticSymbols } from '../elf/symbols.js';
import { ModuleData } from '../symbols/modules.js';
import { SymbolEntry } from '../symbols/symbol-table.js';
import {
  SHN_ABS, SHN_UNDEF, STB_GLOBAL, STB_GNU_UNIQUE, STB_WEAK, STT_FUNC, STT_GNU_IFUNC, STT_OBJECT, STT_TLS,
} from '../elf/constants.js';
import { SymbolVersion, dynamicStringTable, readVersions } from './versions.js';
import { readDynamicSymbols } from './dynamic-symbols.js';

export type TargetKind = 'function' | 'object' | 'tls' | 'other';

export interface ExportedSymbol {
  name: string;
  /** Link-time value (add the module's bias, except for SHN_ABS). */
  value: number;
  absolute: boolean;
  size: number;
  kind: TargetKind;
  ifunc: boolean;
  version: SymbolVersion;
}

export function kindOf(type: number): TargetKind {
  if (type === STT_FUNC || type === STT_GNU_IFUNC) return 'function';
  if (type === STT_OBJECT) return 'object';
  if (type === STT_TLS) return 'tls';
  return 'other';
}

/** A library's exported definitions by name (several when versioned: fopen@GLIBC_2.0, fopen@@GLIBC_2.1). */
export class LibraryExports {
  constructor(private readonly byName: ReadonlyMap<string, readonly ExportedSymbol[]>) {}

  static fromElf(elf: ElfFile): LibraryExports {
    const byName = new Map<string, ExportedSymbol[]>();
    const dyn = readDynamic(elf);
    if (!dyn) return new LibraryExports(byName);
    const strings = dynamicStringTable(elf, dyn);
    const symbols = readDynamicSymbols(elf, dyn, strings);
    const versions = readVersions(elf, dyn, symbols.length, strings);
    for (const s of symbols) {
      if (s.shndx === SHN_UNDEF || s.name === '') continue;
      if (s.bind !== STB_GLOBAL && s.bind !== STB_WEAK && s.bind !== STB_GNU_UNIQUE) continue;
      const entry: ExportedSymbol = {
        name: s.name, value: s.value, absolute: s.shndx === SHN_ABS, size: s.size, kind: kindOf(s.type),
        ifunc: s.type === STT_GNU_IFUNC, version: versions.of(s.index),
      };
      const list = byName.get(s.name);
      if (list) list.push(entry);
      else byName.set(s.name, [entry]);
    }
    return new LibraryExports(byName);
  }

  /**
   * The definition a reference binds to: with a required version, the
   * definition of that version (or an unversioned one); without, the default
   * definition, or the only one there is.
   */
  find(name: string, version: string | null): ExportedSymbol | null {
    const defs = this.byName.get(name);
    if (!defs) return null;
    if (version !== null) return defs.find((d) => d.version.name === version) ?? defs.find((d) => d.version.name === null) ?? null;
    return defs.find((d) => !d.version.hidden) ?? (defs.length === 1 ? defs[0] : null);
  }

  /** The versions defined for `name`, for messages. */
  versionsOf(name: string): string[] {
    return (this.byName.get(name) ?? []).map((d) => d.version.name ?? '(unversioned)');
  }
}

export interface ProgramSymbol {
  name: string;
  /** Link-time address. */
  start: number;
  size: number;
  kind: TargetKind;
  local: boolean;
  /** Source file of a file-local symbol. */
  file: string | null;
  ifunc: boolean;
}

/** The executable's functions and objects by name, versioned names (stdout@GLIBC_2.0, a copy) under their plain name. */
export class ExecutableSymbols {
  constructor(private readonly byName: ReadonlyMap<string, readonly ProgramSymbol[]>) {}

  static fromModule(data: ModuleData): ExecutableSymbols {
    const ifuncs = new Set<number>();
    for (const s of [...staticSymbols(data.elf), ...dynamicSymbols(data.elf)]) if (s.type === STT_GNU_IFUNC && s.shndx !== SHN_UNDEF) ifuncs.add(s.value);
    const byName = new Map<string, ProgramSymbol[]>();
    for (const e of data.symbols.all()) {
      const symbol = programSymbol(e, ifuncs);
      const list = byName.get(symbol.name);
      if (!list) byName.set(symbol.name, [symbol]);
      else if (!list.some((k) => k.start === symbol.start && k.local === symbol.local && k.file === symbol.file)) list.push(symbol);
    }
    return new ExecutableSymbols(byName);
  }

  named(name: string): readonly ProgramSymbol[] {
    return this.byName.get(name) ?? [];
  }
}

function programSymbol(e: SymbolEntry, ifuncs: ReadonlySet<number>): ProgramSymbol {
  const local = e.bind === 'local';
  const at = local ? -1 : e.name.indexOf('@');
  return {
    name: at > 0 ? e.name.slice(0, at) : e.name, start: e.start, size: e.size, kind: e.kind, local, file: e.file,
    ifunc: e.kind === 'function' && ifuncs.has(e.start),
  };
}

/** Does a symbol's STT_FILE name the file `file` (as written, or by its last component)? */
export function fileMatches(symbolFile: string | null, file: string): boolean {
  if (symbolFile === null) return false;
  return symbolFile === file || path.posix.basename(symbolFile) === file;
}

/** Indexes of the program's files, built on first use. Keep one per process. */
export class LinkCache {
  private readonly libraries = new WeakMap<ElfFile, LibraryExports>();
  private readonly executables = new WeakMap<ModuleData, ExecutableSymbols>();

  exportsOf(elf: ElfFile): LibraryExports {
    let found = this.libraries.get(elf);
    if (!found) {
      found = LibraryExports.fromElf(elf);
      this.libraries.set(elf, found);
    }
    return found;
  }

  executableSymbols(data: ModuleData): ExecutableSymbols {
    let found = this.executables.get(data);
    if (!found) {
      found = ExecutableSymbols.fromModule(data);
      this.executables.set(data, found);
    }
    return found;
  }
}
