// Pass "data": the program's variables across the two builds. A variable
// whose storage changed size gets new storage in the patch (the transfer
// fills it); one whose type changed at the same size, or through what it
// points to, keeps its storage (the transfer converts what is there). Either
// way, a transfer must convert it, or the patch is refused. New variables
// that only code which already ran (main's start-up) sets are named too:
// the patch defines them with their initial value, and the transfer must set
// them. The type comparison from debug information is types.ts's.
import { Item } from '../diff/items.js';
import { UnitPair } from '../diff/unit.js';
import { targetOf } from '../diff/targets.js';

export interface VariableChange {
  unit: string;
  name: string;
  local: boolean;
  oldSize: number;
  newSize: number;
  /** The new build's item. */
  item: Item;
  /** The type and the first difference, in words, when debug information says. */
  type: string | null;
  difference: string | null;
  /** The storage itself changed size (new storage), rather than what is inside or behind it. */
  storage: boolean;
  /** Converted by a transfer (it refers to the variable). */
  converted: boolean;
  /** Functions of the old program that use it and keep running (not replaced). */
  stillUsedBy: string[];
}

export interface NewVariableNeedingValue {
  unit: string;
  name: string;
  /** Functions that set it and will not run again. */
  setBy: string[];
}

/**
 * Functions of the old build that refer to an old variable (in its unit, or
 * by name from another for a global) and are not replaced (`replaced`:
 * "unit\0name"): they keep using the old layout.
 */
export function oldUsers(units: readonly UnitPair[], home: UnitPair, oldItem: Item, replaced: ReadonlySet<string>): string[] {
  const users = new Set<string>();
  for (const u of units) {
    if (!u.old || (u !== home && oldItem.local)) continue;
    for (const f of u.oldItems) {
      if (f.kind !== 'function' || replaced.has(`${u.key}\0${f.name}`)) continue;
      const uses = f.section.relocs.some((r) => {
        const t = targetOf(u.old!, r);
        return (t.kind === 'item' && t.item === oldItem) || (t.kind === 'external' && !oldItem.local && t.name === oldItem.name);
      });
      if (uses) users.add(f.name);
    }
  }
  return [...users];
}

/**
 * The variables the transfers reach: those their functions refer to, and
 * those of every function of the new version they call, and so on (a
 * transfer that relinks records through an accessor such as conn_get()
 * reaches the accessor's array). Names too (plain, and dsu.old forms).
 */
export function referencedByTransfers(units: readonly UnitPair[], transferFunctions: ReadonlySet<Item>): { items: Set<Item>; names: Set<string> } {
  const items = new Set<Item>();
  const names = new Set<string>();
  const globalFunctions = new Map<string, { unit: UnitPair; item: Item }>();
  for (const u of units) for (const i of u.newItems) if (i.kind === 'function' && !i.local) globalFunctions.set(i.name, { unit: u, item: i });
  const seen = new Set<Item>();
  const work: { unit: UnitPair; item: Item }[] = [];
  for (const u of units) for (const f of u.newItems) if (transferFunctions.has(f)) work.push({ unit: u, item: f });
  while (work.length > 0) {
    const { unit, item } = work.pop()!;
    if (seen.has(item) || !unit.new) continue;
    seen.add(item);
    for (const r of item.section.relocs) {
      const t = targetOf(unit.new, r);
      if (t.kind === 'item') {
        if (t.item.kind === 'function') work.push({ unit, item: t.item });
        else items.add(t.item);
      } else if (t.kind === 'external') {
        const called = globalFunctions.get(t.name);
        if (called) work.push(called);
        names.add(t.name);
        const m = /^dsu\.old\.(?:.*:)?([^:]+)$/.exec(t.name);
        if (m) names.add(m[1]);
      }
    }
  }
  return { items, names };
}

/** New variables that only never-returning code (main's start-up) refers to: the transfer must set them. */
export function newVariablesSetAtStartup(units: readonly UnitPair[], neverReturning: ReadonlySet<string>, converted: (item: Item) => boolean): NewVariableNeedingValue[] {
  const out: NewVariableNeedingValue[] = [];
  for (const u of units) {
    if (!u.new) continue;
    const users = new Map<Item, string[]>();
    for (const f of u.newItems) {
      if (f.kind !== 'function') continue;
      for (const r of f.section.relocs) {
        const t = targetOf(u.new, r);
        if (t.kind !== 'item' || t.item.kind !== 'variable' || u.states.get(t.item)?.status !== 'new') continue;
        users.set(t.item, [...new Set([...(users.get(t.item) ?? []), f.name])]);
      }
    }
    for (const [v, fns] of users) {
      const setters = fns.filter((f) => neverReturning.has(f));
      if (setters.length > 0 && !converted(v)) out.push({ unit: u.key, name: v.name, setBy: setters });
    }
  }
  return out;
}
