// Address ranges of a DIE: DW_AT_low_pc/high_pc, or DW_AT_ranges into
// .debug_rnglists (DWARF 5, also by DW_FORM_rnglistx) or .debug_ranges (4).
import { Cursor } from './cursor.js';
import { AT, FORM, RLE } from './constants.js';
import { CONSTANT_FORMS, Die, attribute } from './die.js';
import type { Unit } from './unit.js';

export interface AddressRange {
  start: number;
  /** Exclusive. */
  end: number;
}

/** Entries of one list; a corrupt list cannot make the reader loop: it moves forward on every entry. */
const MAX_LIST_ENTRIES = 1 << 20;

/** The ranges of a DIE's code (empty for a DIE without code). */
export function dieRanges(die: Die): AddressRange[] {
  const unit = die.unit;
  const low = attribute(die, AT.low_pc);
  const high = attribute(die, AT.high_pc);
  if (low && typeof low.value === 'number' && high) {
    if (CONSTANT_FORMS.has(high.form) && typeof high.value === 'number') return [{ start: low.value, end: low.value + high.value }];
    if (typeof high.value === 'number') return high.value > low.value ? [{ start: low.value, end: high.value }] : [];
  }
  const ranges = attribute(die, AT.ranges);
  if (!ranges || typeof ranges.value !== 'number') return [];
  // offset pairs are relative to the unit's base address
  const base = unit.lowPc;
  if (unit.header.version >= 5) {
    const offset = ranges.form === FORM.rnglistx ? listOffset(unit, '.debug_rnglists', unit.rnglistsBase, ranges.value) : ranges.value;
    return readRnglist(unit, offset, base);
  }
  return readDebugRanges(unit, ranges.value + (unit.host.sections.dwo ? unit.rnglistsBase : 0), base);
}

/** An offset from a list index: the table after the base holds offsets relative to the base. */
export function listOffset(unit: Unit, section: '.debug_rnglists' | '.debug_loclists', base: number, index: number): number {
  const bytes = unit.host.sections.get(section);
  if (!bytes) return new Cursor(new Uint8Array(0), unit.file, section).fail('missing, but a list index needs it');
  const c = new Cursor(bytes, unit.file, section, 0);
  c.pos = base + index * unit.header.offsetSize;
  return base + c.offset(unit.header.offsetSize);
}

function readRnglist(unit: Unit, offset: number, base: number): AddressRange[] {
  const bytes = unit.host.sections.get('.debug_rnglists');
  if (!bytes) return new Cursor(new Uint8Array(0), unit.file, '.debug_rnglists').fail('missing, but DW_AT_ranges needs it');
  const c = new Cursor(bytes, unit.file, '.debug_rnglists', 0);
  c.pos = offset;
  const out: AddressRange[] = [];
  const size = unit.header.addressSize;
  for (let n = 0; n < MAX_LIST_ENTRIES; n++) {
    const kind = c.u8();
    switch (kind) {
      case RLE.end_of_list: return out;
      case RLE.base_addressx: base = unit.address(c.index('address index')); break;
      case RLE.startx_endx: push(out, unit.address(c.index('address index')), unit.address(c.index('address index'))); break;
      case RLE.startx_length: { const s = unit.address(c.index('address index')); push(out, s, s + c.index('length')); break; }
      case RLE.offset_pair: { const s = c.index('offset'); const e = c.index('offset'); push(out, base + s, base + e); break; }
      case RLE.base_address: base = c.address(size); break;
      case RLE.start_end: push(out, c.address(size), c.address(size)); break;
      case RLE.start_length: { const s = c.address(size); push(out, s, s + c.index('length')); break; }
      default: c.fail(`unknown range list entry ${kind}`, c.pos - 1);
    }
  }
  return c.fail('range list too long');
}

function readDebugRanges(unit: Unit, offset: number, base: number): AddressRange[] {
  const bytes = unit.host.sections.get('.debug_ranges');
  if (!bytes) return new Cursor(new Uint8Array(0), unit.file, '.debug_ranges').fail('missing, but DW_AT_ranges needs it');
  const c = new Cursor(bytes, unit.file, '.debug_ranges', 0);
  c.pos = offset;
  const out: AddressRange[] = [];
  const size = unit.header.addressSize;
  const max = size === 8 ? Number.MAX_SAFE_INTEGER : 0xffffffff;
  for (let n = 0; n < MAX_LIST_ENTRIES; n++) {
    const s = c.address(size);
    const e = c.address(size);
    if (s === 0 && e === 0) return out;
    if (s === max) base = e;
    else push(out, base + s, base + e);
  }
  return c.fail('range list too long');
}

function push(out: AddressRange[], start: number, end: number): void {
  if (end > start) out.push({ start: start >>> 0 === start ? start : start % 2 ** 32, end: end > 2 ** 32 ? 2 ** 32 : end });
}
