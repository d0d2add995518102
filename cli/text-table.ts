// Aligned plain-text columns for the inspection commands (dsu modules, dsu got).
// Cells hold names and paths from the program: each is escaped, so none can
// break the table or drive the terminal.
import { escapeText } from '../loader/text/terminal-text.js';

/** Each row padded to its column's widest cell; the last column is not padded. */
export function textTable(headers: string[], cells: string[][]): string {
  const rows = cells.map((r) => r.map((c) => escapeText(c)));
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(headers), ...rows.map((r) => line(headers.map((_, i) => r[i] ?? '')))].join('\n') + '\n';
}
