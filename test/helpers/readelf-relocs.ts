// binutils' view of a file's dynamic relocations (`readelf -rW`), parsed,
// as an independent reference for dsu's GOT model.
import { execFileSync } from 'node:child_process';

export interface ReadelfReloc {
  offset: number;
  type: string;
  /** Symbol name without its version (puts, not puts@GLIBC_2.0), or null. */
  symbol: string | null;
}

const LINE = /^([0-9a-f]{8})\s+[0-9a-f]{8}\s+(R_386_\w+)(?:\s+[0-9a-f]{8}\s+(\S+))?\s*$/;

export function readelfRelocs(file: string): ReadelfReloc[] {
  const text = execFileSync('readelf', ['-rW', file], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const out: ReadelfReloc[] = [];
  for (const line of text.split('\n')) {
    const m = LINE.exec(line.trim());
    if (!m) continue;
    const name = m[3] ? m[3].replace(/@.*$/, '') : null;
    out.push({ offset: parseInt(m[1], 16), type: m[2], symbol: name === '' ? null : name });
  }
  return out;
}
