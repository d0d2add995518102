// Plain-text tables for the terminal: a header row, a rule, and columns
// padded to their widest cell (text left-aligned, numbers right-aligned).

export type Cell = string | number;

export interface TableOptions {
  title?: string;
  /** Lines printed under the table (legend, caveats). */
  notes?: string[];
}

const NUMERIC = /^[-+]?[\d.,]+(\s*[%×x]|\s*ms|\s*ns|\s*MiB)?(\s*±[\d.]+%)?$/;

export function formatTable(headers: string[], rows: Cell[][], opts: TableOptions = {}): string {
  const text = rows.map((r) => r.map((c) => String(c)));
  const widths = headers.map((h, i) => Math.max(h.length, ...text.map((r) => (r[i] ?? '').length)));
  const rightAligned = headers.map((_, i) => text.length > 0 && text.every((r) => ['', '-', 'n/a'].includes(r[i] ?? '') || NUMERIC.test(r[i])));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (rightAligned[i] ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  const out: string[] = [];
  if (opts.title) out.push(opts.title);
  out.push(line(headers));
  out.push(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of text) out.push(line(headers.map((_, i) => r[i] ?? '')));
  for (const n of opts.notes ?? []) out.push(n);
  return out.join('\n');
}

/** Milliseconds with a precision that suits their size. */
export function ms(value: number): string {
  if (!Number.isFinite(value)) return '-';
  return value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);
}

export function times(value: number): string {
  return Number.isFinite(value) ? `${value.toFixed(2)}×` : '-';
}

/** A spread (max - min) / median shown as ± half of it, in percent. */
export function plusMinus(spread: number): string {
  return Number.isFinite(spread) ? `±${(spread * 50).toFixed(1)}%` : '-';
}

export function mib(kib: number): string {
  return Number.isFinite(kib) ? (kib / 1024).toFixed(1) : '-';
}
