// One translation unit in both builds: its objects, its items, how they
// correlate, and (once compared and marked) the state of each new item.
import { RelocatableObject, ObjSection } from '../object/relocatable.js';
import { Item, unitItems } from './items.js';
import { Correlation, correlate } from './correlate.js';
import { SectionComparer } from './compare.js';
import type { UnitView } from './targets.js';

type ItemStatus = 'same' | 'changed' | 'new';

export interface ItemState {
  item: Item;
  old: Item | null;
  status: ItemStatus;
  /** Why it is changed, in words (first reason first). */
  reasons: string[];
}

export interface UnitPair {
  /** Source path relative to the tree. */
  key: string;
  /** The unit's source name as the program's symbol table has it (its STT_FILE). */
  fileName: string;
  old: UnitView | null;
  new: UnitView | null;
  oldItems: Item[];
  newItems: Item[];
  correlation: Correlation;
  comparer: SectionComparer | null;
  /** The state of every item of the new build. */
  states: Map<Item, ItemState>;
}

function viewOf(object: RelocatableObject): { view: UnitView; items: Item[] } {
  const items = unitItems(object);
  const bySection = new Map<ObjSection, Item[]>();
  for (const i of items) bySection.set(i.section, [...(bySection.get(i.section) ?? []), i]);
  return { view: { object, itemsBySection: bySection }, items };
}

export function pairUnits(key: string, oldObject: RelocatableObject | null, newObject: RelocatableObject | null): UnitPair {
  const o = oldObject ? viewOf(oldObject) : null;
  const n = newObject ? viewOf(newObject) : null;
  const correlation = correlate(o?.items ?? [], n?.items ?? []);
  const comparer = o && n ? new SectionComparer(o.view, n.view, (item) => correlation.toOld.get(item)) : null;
  const fileName = oldObject?.sourceName ?? newObject?.sourceName ?? key;
  return {
    key, fileName, old: o?.view ?? null, new: n?.view ?? null, oldItems: o?.items ?? [], newItems: n?.items ?? [],
    correlation, comparer, states: new Map(),
  };
}
