// The module and GOT models as plain JSON-ready rows (addresses as hex
// strings), the shape `dsu modules`, `dsu got` and the control commands
// 'modules' and 'got' answer with.
import { ImportSlot, eagerBinding } from './import-slots.js';
import type { LiveSlot, SlotState } from './got.js';
import type { RuntimeModule } from './runtime-module.js';
import { ProgramMemory, hex, protString } from './program-memory.js';
import { moduleSegments } from './segments.js';
import type { ElfFile } from '../elf/elf-file.js';
import { readDynamic } from '../elf/dynamic.js';
import { R_386_COPY, R_386_IRELATIVE } from '../elf/constants.js';

interface SegmentRow {
  start: string;
  end: string;
  /** What the file asks for (p_flags). */
  fileProt: string;
  /** The pages now, e.g. [{start, end, prot: "r--"}, ...]. */
  pages: { start: string; end: string; prot: string }[];
}

export interface ModuleRow {
  name: string;
  path: string;
  kind: RuntimeModule['kind'];
  /** Load bias (l_addr). */
  base: string;
  start: string;
  end: string;
  dynamic: string | null;
  buildId: string | null;
  order: number;
  /** Where its function names come from: .symtab (its own or a debug file's), .dynsym, or none. */
  symbols: string;
  /** Why it binds every slot at start-up, or null for lazy binding. */
  eager: string | null;
  segments: SegmentRow[];
}

export interface SlotRow {
  module: string;
  symbol: string | null;
  type: string;
  /** Run-time address (live), or link-time address (from the file). */
  slot: string;
  /** The word in the slot now (live), or in the file. */
  value: string | null;
  /** null when read from the file (nothing is bound yet). */
  state: SlotState | null;
  target: string | null;
  targetModule: string | null;
  targetSymbol: string | null;
  /** Live: the slot's page is read-only now. From the file: the slot lies in PT_GNU_RELRO. */
  relro: boolean;
  /** null for an object without a dynamic section (a static program: nothing is bound by symbol). */
  binding: 'lazy' | 'now' | null;
  /** Why binding is eager (DT_BIND_NOW, DF_BIND_NOW, DF_1_NOW, LD_BIND_NOW), else null. */
  eager: string | null;
  /** For a copy relocation: the module whose definition was copied. */
  copiedFrom?: string | null;
}

const hexOrNull = (n: number | null): string | null => (n === null ? null : hex(n));

export function moduleRow(m: RuntimeModule, memory: ProgramMemory, ldBindNow = false): ModuleRow {
  return {
    name: m.name,
    path: m.path,
    kind: m.kind,
    base: hex(m.bias),
    start: hex(m.start),
    end: hex(m.end),
    dynamic: m.dynamic ? hex(m.dynamic) : null,
    buildId: m.buildId,
    order: m.order,
    symbols: m.data.symbols.source,
    eager: eagerBinding(m.data.elf) ?? (ldBindNow && m.dynamic ? 'LD_BIND_NOW' : null),
    segments: moduleSegments(m, memory).map((s) => ({
      start: hex(s.start),
      end: hex(s.end),
      fileProt: s.fileProt,
      pages: s.pages.map((p) => ({ start: hex(p.start), end: hex(p.end), prot: protString(p.prot) })),
    })),
  };
}

export function liveSlotRow(s: LiveSlot): SlotRow {
  const row: SlotRow = {
    module: s.module.name,
    symbol: s.import.symbol,
    type: s.import.typeName,
    slot: hex(s.slot),
    value: hexOrNull(s.value),
    state: s.state,
    target: hexOrNull(s.target),
    targetModule: s.targetModule?.name ?? null,
    targetSymbol: s.targetSymbol,
    relro: s.readOnly,
    binding: s.module.dynamic === 0 ? null : s.eager ? 'now' : 'lazy',
    eager: s.eager,
  };
  if (s.state === 'copy') row.copiedFrom = s.copiedFrom?.name ?? null;
  return row;
}

/** A slot as the file describes it, before the program runs. */
export function fileSlotRow(module: string, elf: ElfFile, s: ImportSlot): SlotRow {
  const eager = eagerBinding(elf);
  const state: SlotState | null = s.type === R_386_IRELATIVE ? 'irelative' : s.type === R_386_COPY ? 'copy' : null;
  return {
    module,
    symbol: s.symbol,
    type: s.typeName,
    slot: hex(s.address),
    value: hexOrNull(s.fileValue),
    state,
    target: null,
    targetModule: null,
    targetSymbol: null,
    relro: s.relro,
    binding: readDynamic(elf) === null ? null : eager ? 'now' : 'lazy',
    eager,
  };
}
