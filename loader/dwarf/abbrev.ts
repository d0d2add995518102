// Abbreviation tables (.debug_abbrev): each DIE names a code whose entry
// gives its tag, whether it has children, and its attributes' forms.
import { Cursor } from './cursor.js';
import { FORM } from './constants.js';

export interface AttributeSpec {
  at: number;
  form: number;
  /** The value of a DW_FORM_implicit_const, stored in the table. */
  implicit?: number | bigint;
}

interface Abbrev {
  code: number;
  tag: number;
  children: boolean;
  attributes: AttributeSpec[];
}

export type AbbrevTable = Map<number, Abbrev>;

/** The table at `offset`; read once per offset (units usually share one). */
export function readAbbrevTable(c: Cursor): AbbrevTable {
  const table: AbbrevTable = new Map();
  for (;;) {
    const at = c.pos;
    const code = c.index('abbreviation code');
    if (code === 0) return table;
    const tag = c.index('tag');
    const children = c.u8();
    if (children > 1) c.fail(`abbreviation ${code}: children flag ${children}`, at);
    const attributes: AttributeSpec[] = [];
    for (;;) {
      const name = c.index('attribute');
      const form = c.index('form');
      if (name === 0 && form === 0) break;
      if (name === 0 || form === 0) c.fail(`abbreviation ${code}: attribute ${name} with form ${form}`);
      const spec: AttributeSpec = { at: name, form };
      if (form === FORM.implicit_const) spec.implicit = c.sleb();
      attributes.push(spec);
    }
    if (table.has(code)) c.fail(`abbreviation code ${code} defined twice`, at);
    table.set(code, { code, tag, children: children === 1, attributes });
  }
}
