// binutils' view of a file's DWARF (`readelf --debug-dump=info`,
// `--debug-dump=decodedline`), parsed into plain rows, as an independent
// reference for loader/dwarf.
import { execFileSync } from 'node:child_process';

export interface ReadelfDie {
  /** Section the DIE is in: ".debug_info" or ".debug_info.dwo". */
  section: string;
  offset: number;
  depth: number;
  tag: string;
  /** Attribute names in order ("DW_AT_name", ...). */
  attributes: string[];
  name?: string;
  byteSize?: number;
  memberOffset?: number;
}

const SECTION = /^Contents of the (\.debug_info(?:\.dwo)?) section/;
const DIE = /^ <(\d+)><([0-9a-f]+)>: Abbrev Number: (\d+)(?: \((DW_TAG_\w+)\))?/;
const ATTR = /^ {4}<[0-9a-f]+>\s+(DW_AT_\w+|DW_AT_\<[^>]*>)\s*:\s?(.*)$/;

/** Every DIE readelf prints (null entries left out), split units included. */
export function readelfDies(file: string): ReadelfDie[] {
  const text = execFileSync('readelf', ['--debug-dump=info', file], { encoding: 'utf8', maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'ignore'] });
  const out: ReadelfDie[] = [];
  let section = '.debug_info';
  let die: ReadelfDie | null = null;
  for (const line of text.split('\n')) {
    const s = SECTION.exec(line);
    if (s) section = s[1];
    const d = DIE.exec(line);
    if (d) {
      die = null;
      if (d[3] === '0') continue;
      die = { section, depth: Number(d[1]), offset: parseInt(d[2], 16), tag: d[4] ?? '?', attributes: [] };
      out.push(die);
      continue;
    }
    const a = die && ATTR.exec(line);
    if (!a || !die) continue;
    die.attributes.push(a[1]);
    const value = a[2].trim();
    if (a[1] === 'DW_AT_name') die.name = /^\((?:indirect|indexed) (?:line )?string[^)]*\): (.*)$/.exec(value)?.[1] ?? value;
    if (a[1] === 'DW_AT_byte_size') die.byteSize = Number(value);
    if (a[1] === 'DW_AT_data_member_location' && /^\d+$/.test(value)) die.memberOffset = Number(value);
  }
  return out;
}

export interface ReadelfLine {
  file: string;
  /** null for the end of a sequence. */
  line: number | null;
  address: number;
  stmt: boolean;
}

const ROW = /^(\S+)\s+(\d+|-)\s+(0x[0-9a-f]+)(?:\s+\d+)?\s*(x?)\s*$/;

/** The decoded line rows, in readelf's order. */
export function readelfLines(file: string): ReadelfLine[] {
  const text = execFileSync('readelf', ['--debug-dump=decodedline', file], { encoding: 'utf8', maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'ignore'] });
  const out: ReadelfLine[] = [];
  for (const line of text.split('\n')) {
    const m = ROW.exec(line);
    if (!m || m[1] === 'File') continue;
    out.push({ file: m[1], line: m[2] === '-' ? null : Number(m[2]), address: parseInt(m[3], 16), stmt: m[4] === 'x' });
  }
  return out;
}
