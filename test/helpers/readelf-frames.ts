// binutils' view of a file's .eh_frame (`readelf --debug-dump=frames-interp`),
// parsed into rows, as an independent reference for dsu's CFI parser.
import { execFileSync } from 'node:child_process';

export interface ReadelfRow {
  /** Link-time address where the row starts. */
  loc: number;
  /** "esp+4", "ecx+0", "exp"... */
  cfa: string;
  /** Column name ("ebx", "ra"...) to rule text ("u", "c-8", "r1 (ecx)", "exp"...). */
  rules: Map<string, string>;
}

export interface ReadelfFde {
  /** Offset of the FDE in .eh_frame. */
  offset: number;
  start: number;
  end: number;
  /** Empty when readelf printed no table (an FDE without instructions). */
  rows: ReadelfRow[];
  /** The CIE's initial row, which holds where the FDE has none. */
  initial: ReadelfRow | null;
}

const FDE_LINE = /^([0-9a-f]+) [0-9a-f]+ [0-9a-f]+ FDE cie=([0-9a-f]+) pc=([0-9a-f]+)\.\.([0-9a-f]+)/;
const CIE_LINE = /^([0-9a-f]+) [0-9a-f]+ [0-9a-f]+ CIE /;
const CELL = /r\d+ \(\w+\)|\S+/g;

export function readelfFrames(file: string): ReadelfFde[] {
  const text = execFileSync('readelf', ['--debug-dump=frames-interp', file], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const fdes: ReadelfFde[] = [];
  const cieRows = new Map<number, ReadelfRow[]>();
  let rows: ReadelfRow[] = [];
  let columns: string[] = [];
  for (const line of text.split('\n')) {
    const fde = FDE_LINE.exec(line);
    const cie = CIE_LINE.exec(line);
    if (fde) {
      const initial = cieRows.get(parseInt(fde[2], 16))?.[0] ?? null;
      rows = [];
      fdes.push({ offset: parseInt(fde[1], 16), start: parseInt(fde[3], 16), end: parseInt(fde[4], 16), rows, initial });
      columns = [];
      continue;
    }
    if (cie) {
      rows = [];
      cieRows.set(parseInt(cie[1], 16), rows);
      columns = [];
      continue;
    }
    const cells = line.trim().match(CELL) ?? [];
    if (cells[0] === 'LOC') {
      columns = cells.slice(2);
      continue;
    }
    if (!/^[0-9a-f]{8}$/.test(cells[0] ?? '') || cells[1] === 'ZERO') continue;
    const rules = new Map<string, string>();
    columns.forEach((name, i) => rules.set(name, cells[i + 2] ?? ''));
    rows.push({ loc: parseInt(cells[0] ?? '', 16), cfa: cells[1], rules });
  }
  return fdes;
}

/** The row in force at link-time `pc`. */
export function readelfRowAt(fde: ReadelfFde, pc: number): ReadelfRow | null {
  let found: ReadelfRow | null = fde.initial;
  for (const r of fde.rows) if (r.loc <= pc) found = r;
  return found;
}
