// The line table (.debug_line, DWARF 2-5): the file names a unit's
// DW_AT_decl_file indexes, and the rows mapping addresses to lines.
import { Cursor } from './cursor.js';
import { FORM, LNCT, LNE, LNS } from './constants.js';
import type { DebugSections } from './sections.js';

export interface LineFile {
  /** The path as written, joined to its directory when relative. */
  path: string;
  name: string;
  directory: string;
}

export interface LineRow {
  address: number;
  file: number;
  line: number;
  column: number;
  isStmt: boolean;
  endSequence: boolean;
}

export interface LineTable {
  version: number;
  /** Indexed as DW_AT_decl_file / DW_AT_call_file are (entry 0 is the primary file in DWARF 5; unused before). */
  files: (LineFile | undefined)[];
  directories: string[];
  rows: LineRow[];
}

/** Rows one table may produce: each opcode is at least a byte, so this bounds nothing real. */
const MAX_ROWS = 1 << 24;

export function readLineTable(sections: DebugSections, offset: number, addressSize: number, compDir = ''): LineTable {
  const bytes = sections.get('.debug_line');
  const file = sections.file;
  const name = sections.dwo ? '.debug_line.dwo' : '.debug_line';
  const c = new Cursor(bytes ?? new Uint8Array(0), file, name, 0);
  if (!bytes) c.fail('missing, but DW_AT_stmt_list needs it');
  c.pos = offset;
  const { offsetSize, end } = c.initialLength();
  const t = c.sub(c.pos, end);
  const version = t.u16();
  if (version < 2 || version > 5) t.fail(`unsupported line table version ${version}`, offset);
  if (version >= 5) {
    addressSize = t.u8();
    t.u8(); // segment selector size
  }
  const headerLength = t.offset(offsetSize);
  const programStart = t.pos + headerLength;
  if (programStart > end) t.fail('header length runs past the table');
  const minInsn = t.u8();
  const maxOps = version >= 4 ? t.u8() : 1;
  if (maxOps !== 1) t.fail(`VLIW line tables (${maxOps} operations per instruction) are not supported`);
  const defaultIsStmt = t.u8() !== 0;
  const lineBase = t.i8();
  const lineRange = t.u8();
  if (lineRange === 0) t.fail('line_range of 0');
  const opcodeBase = t.u8();
  if (opcodeBase === 0) t.fail('opcode_base of 0');
  const opLengths = [0];
  for (let i = 1; i < opcodeBase; i++) opLengths.push(t.u8());
  const directories: string[] = [];
  const files: (LineFile | undefined)[] = [];
  const join = (dir: string, p: string): string => (p.startsWith('/') || dir === '' ? p : `${dir.replace(/\/$/, '')}/${p}`);
  if (version >= 5) {
    const strings = { str: sections.get('.debug_str'), line: sections.get('.debug_line_str') };
    for (const e of readEntries(t, offsetSize, strings)) directories.push(e.path ?? '');
    for (const e of readEntries(t, offsetSize, strings)) {
      const dir = directories[e.dir ?? 0] ?? '';
      const fullDir = e.dir === 0 || e.dir === undefined || dir.startsWith('/') ? dir : join(directories[0] ?? compDir, dir);
      files.push({ path: join(fullDir, e.path ?? ''), name: e.path ?? '', directory: fullDir });
    }
  } else {
    directories.push(compDir);
    for (;;) {
      const d = t.cstring();
      if (d === '') break;
      directories.push(join(compDir, d));
    }
    files.push(undefined);
    for (;;) {
      const n = t.cstring();
      if (n === '') break;
      const dir = directories[t.index('directory index')] ?? '';
      t.index('time');
      t.index('size');
      files.push({ path: join(dir, n), name: n, directory: dir });
    }
  }
  t.pos = programStart;
  const rows = runProgram(t, { minInsn, defaultIsStmt, lineBase, lineRange, opcodeBase, opLengths, addressSize, version, files });
  return { version, files, directories, rows };
}

interface EntryStrings {
  str: Uint8Array | null;
  line: Uint8Array | null;
}

/** DWARF 5 directory or file entries: a format (content type, form pairs), a count, the entries. */
function readEntries(t: Cursor, offsetSize: 4 | 8, strings: EntryStrings): { path?: string; dir?: number }[] {
  const formatCount = t.u8();
  const format: [number, number][] = [];
  for (let i = 0; i < formatCount; i++) format.push([t.index('content type'), t.index('form')]);
  const count = t.index('entry count');
  if (count > t.end - t.pos) t.fail(`${count} entries in ${t.end - t.pos} bytes`);
  const out: { path?: string; dir?: number }[] = [];
  for (let i = 0; i < count; i++) {
    const e: { path?: string; dir?: number } = {};
    for (const [type, form] of format) {
      const v = entryValue(t, form, offsetSize, strings);
      if (type === LNCT.path && typeof v === 'string') e.path = v;
      else if (type === LNCT.directory_index && typeof v === 'number') e.dir = v;
    }
    out.push(e);
  }
  return out;
}

function entryValue(t: Cursor, form: number, offsetSize: 4 | 8, strings: EntryStrings): string | number | null {
  const at = t.pos;
  const fromTable = (bytes: Uint8Array | null, name: string): string => {
    const off = t.offset(offsetSize);
    if (!bytes) return t.fail(`${name} missing, but the line table names a string in it`, at);
    return new Cursor(bytes, t.file, name, off).cstring();
  };
  switch (form) {
    case FORM.string: return t.cstring();
    case FORM.line_strp: return fromTable(strings.line, '.debug_line_str');
    case FORM.strp: return fromTable(strings.str, '.debug_str');
    case FORM.udata: return t.index('value');
    case FORM.data1: return t.u8();
    case FORM.data2: return t.u16();
    case FORM.data4: return t.u32();
    case FORM.data8: t.skip(8); return null;
    case FORM.data16: t.skip(16); return null;
    case FORM.block: t.skip(t.index('block length')); return null;
    default: return t.fail(`unsupported form 0x${form.toString(16)} in a line table entry`, at);
  }
}

interface Machine {
  minInsn: number;
  defaultIsStmt: boolean;
  lineBase: number;
  lineRange: number;
  opcodeBase: number;
  opLengths: number[];
  addressSize: number;
  version: number;
  files: unknown[];
}

function runProgram(t: Cursor, m: Machine): LineRow[] {
  const rows: LineRow[] = [];
  let address = 0;
  let file = 1;
  let line = 1;
  let column = 0;
  let isStmt = m.defaultIsStmt;
  const reset = (): void => {
    address = 0; file = 1; line = 1; column = 0; isStmt = m.defaultIsStmt;
  };
  const emit = (endSequence: boolean): void => {
    if (rows.length >= MAX_ROWS) t.fail('line table too long');
    rows.push({ address: address >>> 0, file, line, column, isStmt, endSequence });
  };
  while (!t.atEnd) {
    const op = t.u8();
    if (op >= m.opcodeBase) {
      const adj = op - m.opcodeBase;
      address += Math.floor(adj / m.lineRange) * m.minInsn;
      line += m.lineBase + (adj % m.lineRange);
      emit(false);
      continue;
    }
    switch (op) {
      case 0: {
        const len = t.index('extended opcode length');
        const start = t.pos;
        t.need(len);
        if (len === 0) break;
        const sub = t.u8();
        if (sub === LNE.end_sequence) {
          emit(true);
          reset();
        } else if (sub === LNE.set_address) {
          address = t.address(len - 1);
        } else if (sub === LNE.set_discriminator) {
          t.index('discriminator');
        }
        t.pos = start + len;
        break;
      }
      case LNS.copy: emit(false); break;
      case LNS.advance_pc: address += t.index('advance') * m.minInsn; break;
      case LNS.advance_line: { const d = t.sleb(); line += typeof d === 'number' ? d : 0; break; }
      case LNS.set_file: file = t.index('file'); break;
      case LNS.set_column: column = t.index('column'); break;
      case LNS.negate_stmt: isStmt = !isStmt; break;
      case LNS.set_basic_block: break;
      case LNS.const_add_pc: address += Math.floor((255 - m.opcodeBase) / m.lineRange) * m.minInsn; break;
      case LNS.fixed_advance_pc: address += t.u16(); break;
      case LNS.set_prologue_end: case LNS.set_epilogue_begin: break;
      case LNS.set_isa: t.index('isa'); break;
      default:
        // an opcode this reader does not know: skip its operands as the header says
        for (let i = 0; i < (m.opLengths[op] ?? 0); i++) t.uleb();
    }
    address %= 2 ** 32;
  }
  return rows;
}
