// Pass 2, "correlate": which definition of the new build is which of the
// old. Exact names first; then what gcc numbers or clones ("calls.0" that
// became "calls.1", "f.constprop.0" that became "f.constprop.1") by the
// name in the source and the kind of clone, when that is unambiguous on both
// sides. A clone of a function is never taken for the function itself
// ("f.isra.0" does not correlate with "f"): their calling conventions differ.
import { Item, ItemKind, sourceName, cloneKind } from './items.js';

export interface Correlation {
  /** new item -> old item */
  toOld: Map<Item, Item>;
  /** old item -> new item */
  toNew: Map<Item, Item>;
}

const identity = (i: Item): string => `${i.kind}\0${i.local ? 'L' : 'G'}\0${i.name}`;
const looseIdentity = (i: Item): string => `${i.kind}\0${sourceName(i.name)}\0${cloneKind(i.name) ?? ''}`;

export function correlate(oldItems: readonly Item[], newItems: readonly Item[]): Correlation {
  const toOld = new Map<Item, Item>();
  const toNew = new Map<Item, Item>();
  const pair = (o: Item, n: Item): void => {
    toOld.set(n, o);
    toNew.set(o, n);
  };
  const byName = new Map<string, Item[]>();
  for (const o of oldItems) byName.set(identity(o), [...(byName.get(identity(o)) ?? []), o]);
  for (const n of newItems) {
    const same = byName.get(identity(n));
    if (same?.length === 1) pair(same[0], n);
  }
  // what is left: numbered statics and clones, matched when exactly one of a kind remains on each side
  const group = (items: readonly Item[], paired: Map<Item, Item>): Map<string, Item[]> => {
    const m = new Map<string, Item[]>();
    for (const i of items) {
      if (paired.has(i) || !i.local || sourceName(i.name) === i.name) continue;
      m.set(looseIdentity(i), [...(m.get(looseIdentity(i)) ?? []), i]);
    }
    return m;
  };
  const oldLeft = group(oldItems, toNew);
  const newLeft = group(newItems, toOld);
  for (const [key, news] of newLeft) {
    const olds = oldLeft.get(key);
    if (olds?.length === 1 && news.length === 1) pair(olds[0], news[0]);
  }
  return { toOld, toNew };
}

