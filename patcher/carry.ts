// Statics a patch takes over live in two places during its state routine:
// the previous copy (what DSU_OLD_STATIC names) and the patch's own copy,
// filled with the previous value before dsu_transfer runs. A transfer in a
// separate file can reach only the previous copy, so if it updates that one
// in place (relinks a static array of lists into new records, moves a tail
// pointer) the new code would read the stale value it was carried with and
// follow pointers the transfer freed. So after the routine, whichever copy
// the routine changed is the one that counts. dsu_rollback is the mirror
// image: the value is carried back before it runs, and it runs in the
// patch's code, which reaches only the patch's copy.
import type { CarriedStatic } from './registry.js';

export interface CarrySnapshot {
  carried: readonly CarriedStatic[];
  previous: Uint8Array[];
  current: Uint8Array[];
}

/** Both copies of every carried static, as they are before the state routine. */
export function snapshotCarried(bytes: Uint8Array, carried: readonly CarriedStatic[]): CarrySnapshot {
  return {
    carried,
    previous: carried.map((c) => bytes.slice(c.previous, c.previous + c.size)),
    current: carried.map((c) => bytes.slice(c.current, c.current + c.size)),
  };
}

/**
 * After dsu_transfer (`live` = 'current') or dsu_rollback (`live` =
 * 'previous'): a static the routine changed only in the other copy gets
 * that value in its live copy. Returns a warning for each static the
 * routine changed in both copies (the live copy is kept).
 */
export function reconcileCarried(bytes: Uint8Array, snap: CarrySnapshot, live: 'current' | 'previous'): string[] {
  const warnings: string[] = [];
  snap.carried.forEach((c, i) => {
    const other = live === 'current' ? c.previous : c.current;
    const home = live === 'current' ? c.current : c.previous;
    const otherChanged = !same(bytes, other, live === 'current' ? snap.previous[i] : snap.current[i]);
    const homeChanged = !same(bytes, home, live === 'current' ? snap.current[i] : snap.previous[i]);
    if (!otherChanged) return;
    if (homeChanged) {
      if (!same(bytes, home, bytes.slice(other, other + c.size))) {
        const routine = live === 'current' ? 'dsu_transfer' : 'dsu_rollback';
        warnings.push(`${routine} changed both the old and the new copy of ${c.key} differently; the ${live === 'current' ? 'new' : 'old'} copy is kept`);
      }
      return;
    }
    bytes.copyWithin(home, other, other + c.size);
  });
  return warnings;
}

function same(bytes: Uint8Array, at: number, before: Uint8Array): boolean {
  for (let i = 0; i < before.length; i++) if (bytes[at + i] !== before[i]) return false;
  return true;
}
