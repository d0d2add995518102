// One ELF file's functions and data objects, sorted by address, answering
// "which symbol holds this (link-time) address?" by binary search.
import { ElfFile } from '../elf/elf-file.js';
import { ElfSymbol, dynamicSymbols, staticSymbols } from '../elf/symbols.js';
import {
  SHN_ABS, SHN_COMMON, SHN_UNDEF, STB_GLOBAL, STB_LOCAL, STB_WEAK, STT_FUNC, STT_GNU_IFUNC, STT_OBJECT,
} from '../elf/constants.js';

export interface SymbolEntry {
  name: string;
  /** Link-time address (add the module's bias for the run-time one). */
  start: number;
  /** 0 when the file does not say: then the symbol reaches the next one, inside its section. */
  size: number;
  kind: 'function' | 'object';
  bind: 'local' | 'global' | 'weak';
  /** Source file of a local symbol (its STT_FILE), else null. */
  file: string | null;
}

export interface SymbolHit {
  symbol: SymbolEntry;
  /** Address minus the symbol's start. */
  offset: number;
}

export type SymbolSource = '.symtab' | '.dynsym' | 'none';

const BIND: Record<number, SymbolEntry['bind']> = { [STB_LOCAL]: 'local', [STB_GLOBAL]: 'global', [STB_WEAK]: 'weak' };

function entryOf(s: ElfSymbol): SymbolEntry | null {
  const kind = s.type === STT_FUNC || s.type === STT_GNU_IFUNC ? 'function' : s.type === STT_OBJECT ? 'object' : null;
  if (kind === null || s.name === '') return null;
  if (s.shndx === SHN_UNDEF || s.shndx === SHN_ABS || s.shndx === SHN_COMMON) return null;
  return { name: s.name, start: s.value, size: s.size, kind, bind: BIND[s.bind] ?? 'global', file: s.file };
}

const leadingUnderscores = (name: string): number => name.length - name.replace(/^_+/, '').length;

/**
 * Orders symbols at one address so the one a reader expects comes first:
 * sized, a function, exported, then the public spelling (puts before
 * _IO_puts, qsort_r before __qsort_r), then the shorter name.
 */
function compareAliases(a: SymbolEntry, b: SymbolEntry): number {
  const weight = (e: SymbolEntry): number => (e.size > 0 ? 4 : 0) + (e.kind === 'function' ? 2 : 0) + (e.bind !== 'local' ? 1 : 0);
  return weight(b) - weight(a)
    || leadingUnderscores(a.name) - leadingUnderscores(b.name)
    || a.name.length - b.name.length
    || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}

export class SymbolTable {
  /** Sorted by start, aliases included. */
  private readonly sorted: SymbolEntry[];
  /** Sorted by start; one entry per address (the best-ranked alias). */
  private readonly entries: SymbolEntry[];
  /** End of an unsized symbol: the next symbol's start, clamped to its section. */
  private readonly ends: number[];
  /** maxEnd[i] = largest end among entries[0..i], to find symbols that enclose later ones. */
  private readonly maxEnd: number[];
  private byNameIndex: Map<string, SymbolEntry[]> | null = null;

  constructor(symbols: SymbolEntry[], sectionEndOf: (address: number) => number, readonly source: SymbolSource) {
    const sorted = [...symbols].sort((a, b) => a.start - b.start || compareAliases(a, b));
    this.sorted = sorted;
    this.entries = sorted.filter((e, i) => i === 0 || e.start !== sorted[i - 1].start);
    this.ends = this.entries.map((e, i) => {
      if (e.size > 0) return e.start + e.size;
      const next = i + 1 < this.entries.length ? this.entries[i + 1].start : Infinity;
      return Math.min(next, sectionEndOf(e.start));
    });
    let max = 0;
    this.maxEnd = this.ends.map((end) => (max = Math.max(max, end)));
  }

  /** The full symbol table when the file has one (not stripped), else the dynamic one. */
  static fromElf(elf: ElfFile): SymbolTable {
    let raw = staticSymbols(elf);
    let source: SymbolSource = '.symtab';
    if (raw.length === 0) {
      raw = dynamicSymbols(elf);
      source = raw.length > 0 ? '.dynsym' : 'none';
    }
    const entries = raw.map(entryOf).filter((e): e is SymbolEntry => e !== null);
    const sections = elf.sections.filter((s) => s.addr !== 0 && s.size > 0);
    const sectionEndOf = (address: number): number => {
      const s = sections.find((sec) => address >= sec.addr && address < sec.addr + sec.size);
      return s ? s.addr + s.size : address;
    };
    return new SymbolTable(entries, sectionEndOf, source);
  }

  /** Every function and object symbol, aliases included, sorted by address. */
  all(): readonly SymbolEntry[] {
    return this.sorted;
  }

  /** The innermost symbol containing the link-time `address`, or null. */
  lookup(address: number): SymbolHit | null {
    const e = this.entries;
    let lo = 0;
    let hi = e.length - 1;
    let last = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (e[mid].start <= address) {
        last = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    for (let i = last; i >= 0 && this.maxEnd[i] > address; i--) {
      if (address < this.ends[i]) return { symbol: e[i], offset: address - e[i].start };
    }
    return null;
  }

  /** Start of the first symbol after `address`, or null when none follows. */
  nextStart(address: number): number | null {
    const e = this.entries;
    let lo = 0;
    let hi = e.length - 1;
    let found: number | null = null;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (e[mid].start > address) {
        found = e[mid].start;
        hi = mid - 1;
      } else lo = mid + 1;
    }
    return found;
  }

  /** Every symbol with this name (locals of different files may share one). */
  byName(name: string): readonly SymbolEntry[] {
    if (this.byNameIndex === null) {
      this.byNameIndex = new Map();
      for (const e of this.sorted) {
        const list = this.byNameIndex.get(e.name);
        if (list) list.push(e);
        else this.byNameIndex.set(e.name, [e]);
      }
    }
    return this.byNameIndex.get(name) ?? [];
  }
}
