// Pass 4, "mark changed": the state of every definition of the new build.
// A function or constant is changed when its section differs from its old
// counterpart's (compare.ts); new when it has none. Then what follows from
// that, across units until nothing moves: a function using a constant that
// changed (a string table, a command table, in its own unit or through an
// extern) is changed too, and a function and its split-off cold part go
// together. Variables are state, never "changed" here: their layouts are
// the data pass's business.
import { Item, isColdPart } from './items.js';
import { ItemState, UnitPair } from './unit.js';
import { targetOf } from './targets.js';

export function markUnit(unit: UnitPair): void {
  for (const item of unit.newItems) {
    const old = unit.correlation.toOld.get(item) ?? null;
    if (!old) {
      unit.states.set(item, { item, old: null, status: 'new', reasons: [] });
      continue;
    }
    if (item.kind === 'variable') {
      unit.states.set(item, { item, old, status: 'same', reasons: [] });
      continue;
    }
    const diff = unit.comparer!.compare(old.section, item.section);
    unit.states.set(item, { item, old, status: diff ? 'changed' : 'same', reasons: diff ? [diff.what] : [] });
  }
}

/** What follows from the changes, in every unit, until nothing moves. */
export function propagateChanges(units: readonly UnitPair[]): void {
  const globalConstants = new Map<string, ItemState>();
  for (const u of units) {
    for (const s of u.states.values()) if (s.item.kind === 'constant' && !s.item.local) globalConstants.set(s.item.name, s);
  }
  for (let moved = true; moved;) {
    moved = false;
    for (const u of units) {
      if (u.new === null) continue;
      if (propagateConstants(u, globalConstants)) moved = true;
      if (tieColdParts(u)) moved = true;
    }
  }
}

/** One round: what refers to a changed or new constant (of its unit, or a global one by name) is changed. */
function propagateConstants(unit: UnitPair, globalConstants: ReadonlyMap<string, ItemState>): boolean {
  const view = unit.new!;
  let moved = false;
  for (const state of unit.states.values()) {
    if (state.status !== 'same' || state.item.kind === 'variable') continue;
    for (const r of state.item.section.relocs) {
      const t = targetOf(view, r);
      const used = t.kind === 'item' && t.item.kind === 'constant' && t.item !== state.item ? unit.states.get(t.item)
        : t.kind === 'external' ? globalConstants.get(t.name) : undefined;
      if (!used || used.status === 'same') continue;
      state.status = 'changed';
      state.reasons.push(`uses ${used.item.name}, a constant that ${used.status === 'new' ? 'is new' : 'changed'}`);
      moved = true;
      break;
    }
  }
  return moved;
}

/** f and f.cold are one function: if either changed, both did. */
function tieColdParts(unit: UnitPair): boolean {
  let moved = false;
  const byName = new Map<string, ItemState>();
  for (const s of unit.states.values()) if (s.item.kind === 'function') byName.set(s.item.name, s);
  for (const s of unit.states.values()) {
    if (s.item.kind !== 'function' || !isColdPart(s.item.name)) continue;
    const parent = byName.get(parentOf(s.item.name));
    if (!parent) continue;
    if (parent.status === 'changed' && s.status === 'same') {
      s.status = 'changed';
      s.reasons.push(`the cold part of ${parent.item.name}, which changed`);
      moved = true;
    } else if (s.status !== 'same' && parent.status === 'same') {
      parent.status = 'changed';
      parent.reasons.push(`its cold part ${s.item.name} ${s.status === 'new' ? 'is new' : 'changed'}`);
      moved = true;
    }
  }
  return moved;
}

export const parentOf = (cold: string): string => cold.replace(/\.cold(\.\d+)?$/, '');

/** The old items that have no counterpart in the new build. */
export function removedItems(unit: UnitPair): Item[] {
  return unit.oldItems.filter((o) => !unit.correlation.toNew.has(o));
}

