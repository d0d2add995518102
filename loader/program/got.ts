// The GOT/PLT model of a running program: every import slot of every module
// with the word it holds now, read from memory, and what that word points
// at. Nothing is assumed from the binding mode: a slot is lazy only if it
// still points back into its own module's PLT (on i386, at the push of the
// PLT entry, which is where ld.so leaves it until the first call).
import { ElfFile } from '../elf/elf-file.js';
import { dynamicSymbols } from '../elf/symbols.js';
import { R_386_COPY, R_386_IRELATIVE, R_386_JUMP_SLOT, SHN_UNDEF } from '../elf/constants.js';
import { ModuleMap } from '../symbols/modules.js';
import type { RuntimeModule } from './runtime-module.js';
import { ImportSlot, eagerBinding, importSlots, pltRanges } from './import-slots.js';
import { PROT_WRITE, ProgramMemory, hex } from './program-memory.js';

export type SlotState = 'bound' | 'lazy' | 'unresolved' | 'irelative' | 'copy' | 'unknown';

export interface LiveSlot {
  module: RuntimeModule;
  /** Run-time address of the slot. */
  slot: number;
  import: ImportSlot;
  /** The word in the slot now, or null when the guest cannot read it. */
  value: number | null;
  /**
   * bound: points into a module (for R_386_32, symbol + addend);
   * lazy: still points into its own module's PLT; unresolved: 0;
   * irelative: filled by an IFUNC resolver (no symbol; 0 if it returned 0); copy: the slot is the symbol's
   * storage, moved into the executable; unknown: unreadable, or points
   * outside every known module.
   */
  state: SlotState;
  /** Address it points at (the slot itself for a copy), or null. */
  target: number | null;
  targetModule: RuntimeModule | null;
  /** "puts", "table+0x8", ".plt+0x26" for a lazy slot, or null. */
  targetSymbol: string | null;
  /** The slot's page is not writable now (RELRO after ld.so's mprotect). */
  readOnly: boolean;
  /** Why the module binds everything at start-up (DT_BIND_NOW..., LD_BIND_NOW), or null when lazy. */
  eager: string | null;
  /** For a copy: the module whose definition was copied, if found. */
  copiedFrom: RuntimeModule | null;
}

export interface LiveSlotOptions {
  /** LD_BIND_NOW is set (non-empty) in the program's environment. */
  ldBindNow?: boolean;
  /** List only these modules' slots (targets are still resolved against every module). */
  include?: (module: RuntimeModule) => boolean;
}

/** Import slots per file: computed once per ElfFile for a caller that keeps the cache. */
export class ImportSlotCache {
  private readonly slots = new WeakMap<ElfFile, ImportSlot[]>();
  private readonly exports = new WeakMap<ElfFile, Set<string>>();

  of(elf: ElfFile): ImportSlot[] {
    let s = this.slots.get(elf);
    if (!s) this.slots.set(elf, (s = importSlots(elf)));
    return s;
  }

  /** Names the object's dynamic symbol table defines. */
  exported(elf: ElfFile): Set<string> {
    let s = this.exports.get(elf);
    if (!s) {
      s = new Set(dynamicSymbols(elf).filter((x) => x.shndx !== SHN_UNDEF && x.name !== '').map((x) => x.name));
      this.exports.set(elf, s);
    }
    return s;
  }
}

function symbolAt(map: ModuleMap, address: number): { module: RuntimeModule | null; symbol: string | null } {
  const loc = map.locate(address);
  const module = loc.module as RuntimeModule | null;
  if (!loc.symbol) return { module, symbol: null };
  return { module, symbol: loc.offset === 0 ? loc.symbol.name : `${loc.symbol.name}+${hex(loc.offset)}` };
}

function isWritable(memory: ProgramMemory, address: number): boolean {
  const runs = memory.protections(address, address + 4);
  return runs.length > 0 && runs.every((r) => (r.prot & PROT_WRITE) !== 0) && runs[0].start === address && runs.at(-1)!.end === address + 4;
}

/** Every import slot of every module, in module order then relocation order. */
export function liveSlots(modules: readonly RuntimeModule[], memory: ProgramMemory, opts: LiveSlotOptions = {}, cache = new ImportSlotCache()): LiveSlot[] {
  const map = new ModuleMap(modules);
  const out: LiveSlot[] = [];
  for (const module of modules) {
    if (opts.include && !opts.include(module)) continue;
    const elf = module.data.elf;
    const plts = pltRanges(elf, module.bias);
    const eager = eagerBinding(elf) ?? (opts.ldBindNow ? 'LD_BIND_NOW' : null);
    for (const imp of cache.of(elf)) {
      const slot = (imp.address + module.bias) >>> 0;
      const value = memory.u32(slot);
      const row: LiveSlot = {
        module, slot, import: imp, value, state: 'unknown', target: null, targetModule: null, targetSymbol: null,
        readOnly: value !== null && !isWritable(memory, slot), eager, copiedFrom: null,
      };
      out.push(row);
      if (imp.type === R_386_COPY) {
        row.state = 'copy';
        row.target = slot;
        row.targetModule = module;
        row.targetSymbol = imp.symbol;
        row.copiedFrom = modules.find((m) => m !== module && imp.symbol !== null && cache.exported(m.data.elf).has(imp.symbol)) ?? null;
        continue;
      }
      if (value === null) continue;
      if (imp.type === R_386_IRELATIVE) {
        // whatever the resolver returned, 0 included (glibc has resolvers that do)
        row.state = 'irelative';
        if (value === 0) continue;
      } else if (value === 0) {
        row.state = 'unresolved';
        continue;
      }
      row.target = value;
      const plt = plts.find((p) => value >= p.start && value < p.end);
      const initial = imp.fileValue !== null ? (imp.fileValue + module.bias) >>> 0 : null;
      if (imp.type === R_386_JUMP_SLOT && (plt || (plts.length === 0 && value === initial))) {
        row.state = 'lazy';
        row.targetModule = module;
        row.targetSymbol = plt ? `${plt.name}+${hex(value - plt.start)}` : null;
        continue;
      }
      const at = symbolAt(map, value);
      row.targetModule = at.module;
      row.targetSymbol = at.symbol;
      if (imp.type !== R_386_IRELATIVE) row.state = at.module ? 'bound' : 'unknown';
    }
  }
  return out;
}
