// The module model: every ELF object mapped in a running program (the
// executable, the interpreter, the shared libraries ld.so mapped), where it
// sits, and what is known about its file (symbols, call-frame information).
// Parsed files are cached per ModuleCache, which a long-lived user such as the
// patcher keeps for the life of the process.
import path from 'node:path';
import { ElfFile } from '../elf/elf-file.js';
import { PT_LOAD } from '../elf/constants.js';
import { SymbolEntry, SymbolTable } from './symbol-table.js';
import { FrameTable } from '../unwind/frame-table.js';

/** Finds the separate debug file of an object, if there is one (see debug-file.ts). */
export type DebugFileFinder = (elf: ElfFile) => ElfFile | null;

/** What is derived from one file, computed on first use. */
export class ModuleData {
  private symbolTable: SymbolTable | null = null;
  private frameTable: FrameTable | null = null;

  constructor(readonly elf: ElfFile, private readonly findDebug: DebugFileFinder | null = null) {}

  /** The file's own full symbol table, else its debug file's, else its dynamic symbols. */
  get symbols(): SymbolTable {
    if (this.symbolTable === null) {
      let table = SymbolTable.fromElf(this.elf);
      if (table.source !== '.symtab' && this.findDebug) {
        const debug = this.findDebug(this.elf);
        const fromDebug = debug ? SymbolTable.fromElf(debug) : null;
        if (fromDebug?.source === '.symtab') table = fromDebug;
      }
      this.symbolTable = table;
    }
    return this.symbolTable;
  }

  get frames(): FrameTable {
    return (this.frameTable ??= FrameTable.fromElf(this.elf));
  }
}

export interface Module {
  /** Path of the file as the program named it. */
  path: string;
  /** Short name for reports (the file's base name). */
  name: string;
  /** Run-time address range [start, end) of its mappings. */
  start: number;
  end: number;
  /** Run-time address minus link-time address. */
  bias: number;
  data: ModuleData;
}

/** An address resolved to a module and, when one covers it, a symbol. */
export interface Location {
  address: number;
  module: Module | null;
  symbol: SymbolEntry | null;
  /** From the symbol's start, else the link-time address in the module (what addr2line takes), else 0. */
  offset: number;
}

/** A file mapping of the running program (a file-backed VMA). */
export interface FileMapping {
  path: string;
  start: number;
  end: number;
  /** File offset mapped at `start`. */
  offset: number;
}

export class ModuleCache {
  private readonly byElf = new WeakMap<ElfFile, ModuleData>();
  private readonly byKey = new Map<string, ModuleData | null>();

  /** `findDebug` is asked for a stripped file's debug file when its symbols are first needed. */
  constructor(private readonly findDebug: DebugFileFinder | null = null) {}

  forElf(elf: ElfFile): ModuleData {
    let data = this.byElf.get(elf);
    if (!data) {
      data = new ModuleData(elf, this.findDebug);
      this.byElf.set(elf, data);
    }
    return data;
  }

  /** The file known by `key` (e.g. host path with size and mtime); `open` parses it, or returns null if it is not ELF. */
  forFile(key: string, open: () => ElfFile | null): ModuleData | null {
    if (this.byKey.has(key)) return this.byKey.get(key)!;
    const elf = open();
    const data = elf ? this.forElf(elf) : null;
    this.byKey.set(key, data);
    return data;
  }
}

/** Bias of a file mapped at `start` from file offset `offset`, or null if no PT_LOAD holds that offset. */
export function biasOfMapping(elf: ElfFile, start: number, offset: number): number | null {
  for (const s of elf.segments) {
    if (s.type !== PT_LOAD) continue;
    const pageOffset = s.offset - (s.offset % 4096);
    if (offset >= pageOffset && offset < s.offset + Math.max(s.filesz, 1)) {
      return (start - (s.vaddr + (offset - s.offset))) >>> 0;
    }
  }
  return null;
}

export function moduleName(p: string): string {
  return path.posix.basename(p) || p;
}

/**
 * Group file mappings into modules: the mappings of one file at one bias form
 * one module. `open` gives a file's parsed data (null when it is not ELF).
 */
export function modulesFromMappings(mappings: readonly FileMapping[], open: (path: string) => ModuleData | null): Module[] {
  const modules = new Map<string, Module>();
  for (const m of mappings) {
    const data = open(m.path);
    if (!data) continue;
    const bias = biasOfMapping(data.elf, m.start, m.offset);
    if (bias === null) continue;
    const key = `${m.path}@${bias}`;
    const known = modules.get(key);
    if (known) {
      known.start = Math.min(known.start, m.start);
      known.end = Math.max(known.end, m.end);
    } else {
      modules.set(key, { path: m.path, name: moduleName(m.path), start: m.start, end: m.end, bias, data });
    }
  }
  return [...modules.values()];
}

/** The modules of one program, by address. */
export class ModuleMap {
  private readonly sorted: Module[];

  /** Earlier modules win where ranges overlap (list the executable and interpreter first). */
  constructor(modules: readonly Module[]) {
    const kept: Module[] = [];
    for (const m of modules) {
      if (kept.some((k) => k.start < m.end && m.start < k.end)) continue;
      kept.push(m);
    }
    this.sorted = kept.sort((a, b) => a.start - b.start);
  }

  all(): readonly Module[] {
    return this.sorted;
  }

  moduleAt(address: number): Module | null {
    const s = this.sorted;
    let lo = 0;
    let hi = s.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (address < s[mid].start) hi = mid - 1;
      else if (address >= s[mid].end) lo = mid + 1;
      else return s[mid];
    }
    return null;
  }

  locate(address: number): Location {
    const module = this.moduleAt(address);
    if (!module) return { address, module: null, symbol: null, offset: 0 };
    const hit = module.data.symbols.lookup((address - module.bias) >>> 0);
    if (hit) return { address, module, symbol: hit.symbol, offset: hit.offset };
    return { address, module, symbol: null, offset: (address - module.bias) >>> 0 };
  }
}

/** "name+0x12 (module)", "(module+0x1234)" without a symbol, "??" outside every module. */
export function describeLocation(loc: Location): string {
  if (!loc.module) return '??';
  if (!loc.symbol) return `(${loc.module.name}+0x${loc.offset.toString(16)})`;
  const off = loc.offset === 0 ? '' : `+0x${loc.offset.toString(16)}`;
  return `${loc.symbol.name}${off} (${loc.module.name})`;
}
