// Debugging information entries as plain data, and typed access to their
// attributes. Values are decoded by form when the unit is read: strings
// resolved (DW_FORM_strp, line_strp, strx), addresses resolved (addrx),
// references made absolute offsets into .debug_info.
import { AT, FORM } from './constants.js';
import type { AttributeSpec } from './abbrev.js';
import type { Unit } from './unit.js';

export type AttrValue = number | bigint | string | Uint8Array | boolean;

export interface Attribute {
  at: number;
  form: number;
  value: AttrValue;
}

export interface Die {
  /** Offset in .debug_info (.debug_info.dwo for a split unit). */
  offset: number;
  tag: number;
  /** Attribute names and forms (shared by every DIE of one abbreviation); values in `values`, same order. */
  specs: readonly AttributeSpec[];
  values: AttrValue[];
  children: Die[];
  parent: Die | null;
  unit: Unit;
}

/** The attributes of a DIE as a list. */
export function attributes(die: Die): Attribute[] {
  return die.specs.map((s, i) => ({ at: s.at, form: s.form, value: die.values[i] }));
}

/** The forms whose value is an offset of a DIE. */
const REFERENCE_FORMS: ReadonlySet<number> = new Set([FORM.ref1, FORM.ref2, FORM.ref4, FORM.ref8, FORM.ref_udata, FORM.ref_addr]);
/** The forms of class constant. */
export const CONSTANT_FORMS: ReadonlySet<number> = new Set([FORM.data1, FORM.data2, FORM.data4, FORM.data8, FORM.sdata, FORM.udata, FORM.implicit_const]);

export function attribute(die: Die, at: number): Attribute | undefined {
  const specs = die.specs;
  for (let i = 0; i < specs.length; i++) if (specs[i].at === at) return { at, form: specs[i].form, value: die.values[i] };
  return undefined;
}

function value(die: Die, at: number): AttrValue | undefined {
  const specs = die.specs;
  for (let i = 0; i < specs.length; i++) if (specs[i].at === at) return die.values[i];
  return undefined;
}

export function str(die: Die, at: number): string | undefined {
  const v = value(die, at);
  return typeof v === 'string' ? v : undefined;
}

/** A constant, flag-free attribute as a number (undefined when absent, not a number, or too large). */
export function num(die: Die, at: number): number | undefined {
  const v = value(die, at);
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint' && v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER)) return Number(v);
  return undefined;
}

export function flag(die: Die, at: number): boolean {
  const v = value(die, at);
  return v !== undefined && v !== false && v !== 0;
}

/** The DIE offset a reference attribute names, or undefined. */
export function ref(die: Die, at: number): number | undefined {
  const a = attribute(die, at);
  return a && REFERENCE_FORMS.has(a.form) && typeof a.value === 'number' ? a.value : undefined;
}

/** The name, following DW_AT_abstract_origin / DW_AT_specification when the DIE has none of its own. */
export function nameOf(die: Die): string | undefined {
  return str(die, AT.name) ?? (die.unit.origin(die) ? str(die.unit.origin(die)!, AT.name) : undefined);
}
