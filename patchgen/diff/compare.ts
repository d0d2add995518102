// Pass 3, "compare": is a definition of the new build the same code or
// constant as its old counterpart? Two sections are the same when their
// bytes are equal outside the relocated fields and their relocations are
// equal one for one: same place, same type, and targets that correspond
// (the correlated definition at the same offset, the same external name,
// equal string or literal content, or anonymous data that is itself the
// same). Relocated fields hold addends that depend on layout, so they are
// compared through their targets, never as bytes.
import { ObjSection } from '../object/relocatable.js';
import { fieldSize } from '../object/relocation-fields.js';
import type { Item } from './items.js';
import { Target, UnitView, describeTarget, targetOf } from './targets.js';

export interface SectionDifference {
  /** Offset in the new section where they first differ, or null when the sizes differ. */
  at: number | null;
  /** In words: "code differs at +0x1c", "calls cmd_set instead of cmd_get", ... */
  what: string;
}

export class SectionComparer {
  private readonly memo = new Map<string, SectionDifference | null>();
  private readonly ids = new Map<ObjSection, number>();

  constructor(
    private readonly oldView: UnitView,
    private readonly newView: UnitView,
    /** The old counterpart of a new item, when they correlate. */
    private readonly oldOf: (item: Item) => Item | undefined,
  ) {}

  private id(s: ObjSection): number {
    let n = this.ids.get(s);
    if (n === undefined) this.ids.set(s, (n = this.ids.size));
    return n;
  }

  /** The first difference between an old and a new section, or null when they are the same. */
  compare(a: ObjSection, b: ObjSection): SectionDifference | null {
    const key = `${this.id(a)}:${this.id(b)}`;
    if (this.memo.has(key)) return this.memo.get(key)!;
    this.memo.set(key, null); // a cycle (a function and its jump table) is assumed equal while it is being compared
    const result = this.compareNow(a, b);
    this.memo.set(key, result);
    return result;
  }

  private compareNow(a: ObjSection, b: ObjSection): SectionDifference | null {
    if (a.size !== b.size) return { at: null, what: `size ${a.size} -> ${b.size} bytes` };
    if (a.type !== b.type) return { at: 0, what: 'section type differs' };
    const masked = new Uint8Array(b.size);
    if (a.relocs.length !== b.relocs.length) {
      const at = firstRelocDifference(a, b);
      return { at, what: `${b.relocs.length - a.relocs.length > 0 ? 'more' : 'fewer'} references (${a.relocs.length} -> ${b.relocs.length})${at !== null ? ` from +0x${at.toString(16)}` : ''}` };
    }
    for (let k = 0; k < a.relocs.length; k++) {
      const ra = a.relocs[k];
      const rb = b.relocs[k];
      if (ra.offset !== rb.offset || ra.type !== rb.type) return { at: Math.min(ra.offset, rb.offset), what: `code differs at +0x${Math.min(ra.offset, rb.offset).toString(16)}` };
      masked.fill(1, rb.offset, rb.offset + (fieldSize(rb.type) ?? 4));
      const ta = targetOf(this.oldView, ra);
      const tb = targetOf(this.newView, rb);
      if (!this.sameTarget(ta, tb)) {
        return { at: rb.offset, what: `refers to ${describeTarget(tb)} where it referred to ${describeTarget(ta)} (+0x${rb.offset.toString(16)})` };
      }
    }
    for (let i = 0; i < a.data.length; i++) {
      if (masked[i] === 0 && a.data[i] !== b.data[i]) return { at: i, what: `${isCode(b) ? 'code' : 'content'} differs at +0x${i.toString(16)}` };
    }
    return null;
  }

  private sameTarget(a: Target, b: Target): boolean {
    switch (b.kind) {
      case 'item':
        return a.kind === 'item' && this.oldOf(b.item) === a.item && a.offset === b.offset;
      case 'external':
        return a.kind === 'external' && a.name === b.name && a.offset === b.offset;
      case 'string':
        return a.kind === 'string' && a.text === b.text;
      case 'literal':
        return a.kind === 'literal' && a.bytes === b.bytes;
      case 'anonymous':
        return a.kind === 'anonymous' && a.offset === b.offset && this.compare(a.section, b.section) === null;
    }
  }
}

const isCode = (s: ObjSection): boolean => (s.flags & 0x4) !== 0;

function firstRelocDifference(a: ObjSection, b: ObjSection): number | null {
  const n = Math.min(a.relocs.length, b.relocs.length);
  for (let k = 0; k < n; k++) if (a.relocs[k].offset !== b.relocs[k].offset) return Math.min(a.relocs[k].offset, b.relocs[k].offset);
  return n < b.relocs.length ? b.relocs[n].offset : n < a.relocs.length ? a.relocs[n].offset : null;
}
