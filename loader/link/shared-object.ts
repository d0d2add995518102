// A shared object read for linking: checked to be something dsu can map
// (ET_DYN, not a PIE, segments on pages of their own, no thread-local
// storage), with its dynamic symbols, their versions and its relocations.
// Every problem found is recorded; null means nothing more can be read.
import { ElfError } from '../elf/errors.js';
import { ElfFile, Segment, parseElf } from '../elf/elf-file.js';
import { DynamicInfo, readDynamic } from '../elf/dynamic.js';
import { loadSegments } from '../image.js';
import { DF_1_PIE, DT_FLAGS_1, ET_DYN, ET_EXEC, ET_REL, PT_GNU_RELRO, PT_TLS } from '../elf/constants.js';
import { ProblemList } from './errors.js';
import { checkObjectLayout, checkPltSlots, checkRelocationSections, checkSymbolPlaces, checkSymbolTablesAgree } from './object-layout.js';
import { staticSymbols } from '../elf/symbols.js';
import { SymbolVersions, dynamicStringTable, readVersions } from './versions.js';
import { RelocationTables, readRelocationTables } from './dynamic-relocations.js';
import { readDynamicSymbols } from './dynamic-symbols.js';
import type { ElfSymbol } from '../elf/symbols.js';

const PAGE = 4096;
export const pageDown = (a: number): number => a - (a % PAGE);
export const pageUp = (a: number): number => Math.ceil(a / PAGE) * PAGE;

export interface SharedObject {
  elf: ElfFile;
  /** PT_LOAD segments with memory, in file order. */
  loads: Segment[];
  /** Page-aligned link-time span of the loads. */
  low: number;
  high: number;
  relro: Segment | null;
  dynamic: DynamicInfo | null;
  symbols: ElfSymbol[];
  versions: SymbolVersions;
  relocations: RelocationTables;
}

function elfProblem(problems: ProblemList, e: unknown): void {
  if (!(e instanceof ElfError)) throw e;
  problems.add({ kind: 'elf', subject: e.field, message: e.message });
}

/** Runs a decoding step; an ElfError becomes a problem and the step's result null. */
function attempt<T>(problems: ProblemList, step: () => T): T | null {
  try {
    return step();
  } catch (e) {
    elfProblem(problems, e);
    return null;
  }
}

function checkType(elf: ElfFile, dyn: DynamicInfo | null, problems: ProblemList): void {
  const add = (message: string): void => problems.add({ kind: 'object', subject: 'e_type', message });
  if (elf.type === ET_REL) add('a relocatable object (.o), not a shared object: link it with gcc -shared first');
  else if (elf.type === ET_EXEC) add('an executable (ET_EXEC), not a shared object: build the patch with gcc -fPIC -shared');
  else if (elf.type !== ET_DYN) add(`ELF type ${elf.type}, not a shared object (ET_DYN)`);
  else if (dyn && ((dyn.get(DT_FLAGS_1) ?? 0) & DF_1_PIE) !== 0) add('a PIE executable, not a shared object: build the patch with gcc -fPIC -shared');
}

/** Segments must not share a page: mapping one would replace the other's page. */
function checkPages(loads: Segment[], problems: ProblemList): void {
  const sorted = [...loads].sort((a, b) => a.vaddr - b.vaddr);
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1];
    const cur = sorted[i];
    if (pageUp(prev.vaddr + prev.memsz) > pageDown(cur.vaddr)) {
      problems.add({
        kind: 'segment', subject: 'PT_LOAD',
        message: `segments at 0x${prev.vaddr.toString(16)} and 0x${cur.vaddr.toString(16)} share or overlap pages`,
      });
    }
  }
}

export function readSharedObject(bytes: Uint8Array, path: string, problems: ProblemList): SharedObject | null {
  const elf = attempt(problems, () => parseElf(bytes, path));
  if (!elf) return null;
  const dyn = attempt(problems, () => readDynamic(elf));
  checkType(elf, dyn, problems);
  const loads = attempt(problems, () => loadSegments(elf));
  if (!loads) return null;
  checkPages(loads, problems);
  checkObjectLayout(elf, loads, problems);
  const tls = elf.segments.find((s) => s.type === PT_TLS);
  if (tls) problems.add({ kind: 'tls', subject: 'PT_TLS', message: `PT_TLS: the object has thread-local storage (${tls.memsz} bytes), which dsu does not link` });
  let low = Infinity;
  let high = 0;
  for (const s of loads) {
    low = Math.min(low, pageDown(s.vaddr));
    high = Math.max(high, pageUp(s.vaddr + s.memsz));
  }
  let symbols: ElfSymbol[] = [];
  let versions: SymbolVersions = { of: () => ({ name: null, hidden: false }) };
  let relocations: RelocationTables = { entries: [], relative: [] };
  if (dyn) {
    const strings = attempt(problems, () => dynamicStringTable(elf, dyn));
    if (strings) {
      symbols = attempt(problems, () => readDynamicSymbols(elf, dyn, strings)) ?? [];
      versions = attempt(problems, () => readVersions(elf, dyn, symbols.length, strings)) ?? versions;
    }
    relocations = attempt(problems, () => readRelocationTables(elf, dyn)) ?? relocations;
  }
  checkRelocationSections(elf, dyn, problems);
  checkPltSlots(elf, dyn, relocations.entries, problems);
  const fullTable = attempt(problems, () => staticSymbols(elf)) ?? [];
  checkSymbolPlaces(elf, loads, symbols, '.dynsym', problems);
  checkSymbolPlaces(elf, loads, fullTable, '.symtab', problems);
  checkSymbolTablesAgree(symbols, fullTable, problems);
  const relro = elf.segments.find((s) => s.type === PT_GNU_RELRO) ?? null;
  return { elf, loads, low, high, relro, dynamic: dyn, symbols, versions, relocations };
}
