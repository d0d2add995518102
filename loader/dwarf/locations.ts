// Where a variable lives: a single location expression, or a location list
// (.debug_loclists in DWARF 5, also by DW_FORM_loclistx; .debug_loc in 4).
// Only what the checks need is interpreted: a static address (DW_OP_addr,
// DW_OP_addrx); the rest is handed back as bytes.
import { Cursor } from './cursor.js';
import { AT, FORM, LLE, OP } from './constants.js';
import { Attribute, Die, attribute } from './die.js';
import { listOffset } from './ranges.js';
import type { Unit } from './unit.js';

export interface LocationEntry {
  /** Null for a location valid everywhere (a single expression, or DW_LLE_default_location). */
  range: { start: number; end: number } | null;
  expression: Uint8Array;
}

const MAX_LIST_ENTRIES = 1 << 20;

export function locationOf(die: Die): LocationEntry[] {
  const a = attribute(die, AT.location);
  if (!a) return [];
  if (a.value instanceof Uint8Array) return [{ range: null, expression: a.value }];
  if (typeof a.value !== 'number') return [];
  return locationList(die.unit, a);
}

function locationList(unit: Unit, a: Attribute): LocationEntry[] {
  const v5 = unit.header.version >= 5;
  const name = v5 ? '.debug_loclists' : '.debug_loc';
  const bytes = unit.host.sections.get(name);
  const c = new Cursor(bytes ?? new Uint8Array(0), unit.file, name, 0);
  if (!bytes) c.fail('missing, but DW_AT_location names a list');
  let offset = a.value as number;
  if (a.form === FORM.loclistx) offset = listOffset(unit, '.debug_loclists', unit.loclistsBase, offset);
  c.pos = offset;
  const out: LocationEntry[] = [];
  const size = unit.header.addressSize;
  let base = unit.lowPc;
  const expr = (): Uint8Array => c.block(v5 ? c.index('expression length') : c.u16());
  for (let n = 0; n < MAX_LIST_ENTRIES; n++) {
    if (!v5) {
      const s = c.address(size);
      const e = c.address(size);
      if (s === 0 && e === 0) return out;
      if (s === 0xffffffff) { base = e; continue; }
      out.push({ range: { start: base + s, end: base + e }, expression: expr() });
      continue;
    }
    const kind = c.u8();
    switch (kind) {
      case LLE.end_of_list: return out;
      case LLE.base_addressx: base = unit.address(c.index('address index')); break;
      case LLE.startx_endx: { const s = unit.address(c.index('address index')); const e = unit.address(c.index('address index')); out.push({ range: { start: s, end: e }, expression: expr() }); break; }
      case LLE.startx_length: { const s = unit.address(c.index('address index')); const l = c.index('length'); out.push({ range: { start: s, end: s + l }, expression: expr() }); break; }
      case LLE.offset_pair: { const s = c.index('offset'); const e = c.index('offset'); out.push({ range: { start: base + s, end: base + e }, expression: expr() }); break; }
      case LLE.default_location: out.push({ range: null, expression: expr() }); break;
      case LLE.base_address: base = c.address(size); break;
      case LLE.start_end: { const s = c.address(size); const e = c.address(size); out.push({ range: { start: s, end: e }, expression: expr() }); break; }
      case LLE.start_length: { const s = c.address(size); const l = c.index('length'); out.push({ range: { start: s, end: s + l }, expression: expr() }); break; }
      case LLE.GNU_view_pair: c.index('view'); c.index('view'); break;
      default: c.fail(`unknown location list entry ${kind}`, c.pos - 1);
    }
  }
  return c.fail('location list too long');
}

/** The static address a location expression names (DW_OP_addr A, or DW_OP_addrx I, optionally + constant), else null. */
export function staticAddress(unit: Unit, expression: Uint8Array): number | null {
  if (expression.length === 0) return null;
  const c = new Cursor(expression, unit.file, 'location expression');
  let address: number;
  const op = c.u8();
  if (op === OP.addr) address = c.address(unit.header.addressSize);
  else if (op === OP.addrx || op === OP.GNU_addr_index) address = unit.address(c.index('address index'));
  else return null;
  if (!c.atEnd) {
    if (c.u8() !== OP.plus_uconst) return null;
    address += c.index('offset');
  }
  return c.atEnd ? address >>> 0 : null;
}
