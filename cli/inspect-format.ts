// Text forms of the module and GOT models (the JSON forms are the rows themselves).
import type { ModuleRow, SlotRow } from '../loader/program/rows.js';
import { textTable } from './text-table.js';

/** JUMP_SLOT for R_386_JUMP_SLOT; R_386_32 stays whole. */
const shortType = (t: string): string => (/^R_386_\d+$/.test(t) ? t : t.replace(/^R_386_/, ''));

function target(r: SlotRow, live: boolean): string {
  if (!live) return 'n/a';
  switch (r.state) {
    case 'lazy':
      return `lazy: back into ${r.targetModule ?? '?'}'s PLT${r.targetSymbol ? ` (${r.targetSymbol})` : ''}`;
    case 'unresolved':
      return 'unresolved (0)';
    case 'irelative':
      return `IFUNC resolver's result: ${r.target === null ? '0' : `${r.targetSymbol ?? r.target} (${r.targetModule ?? 'outside every module'})`}`;
    case 'copy':
      return `storage moved into ${r.targetModule ?? 'the executable'}${r.copiedFrom ? ` from ${r.copiedFrom}` : ''}`;
    default:
      if (!r.targetModule) return `${r.target ?? '?'} (outside every module)`;
      return `${r.targetSymbol ?? r.target ?? '?'} (${r.targetModule})`;
  }
}

export function slotTable(rows: SlotRow[], live: boolean): string {
  const headers = ['MODULE', live ? 'SLOT' : 'SLOT (link)', 'TYPE', 'SYMBOL', 'VALUE', 'STATE', 'RELRO', 'BIND', 'TARGET'];
  return textTable(headers, rows.map((r) => [
    r.module,
    r.slot,
    shortType(r.type),
    r.symbol ?? '-',
    r.value ?? '?',
    r.state ?? '-',
    r.relro ? (live ? 'ro' : 'relro') : '',
    r.binding === 'now' ? `now (${r.eager})` : r.binding ?? '-',
    target(r, live),
  ]));
}

export function moduleTable(rows: ModuleRow[]): string {
  return textTable(
    ['#', 'KIND', 'BASE', 'START', 'END', 'NAME', 'SYMBOLS', 'BUILD ID', 'PATH'],
    rows.map((m) => [String(m.order), m.kind, m.base, m.start, m.end, m.name, m.symbols, m.buildId ?? '-', m.path]),
  );
}
