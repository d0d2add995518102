// Which copy of a carried static counts after a state routine
// (patcher/carry.ts): the one the routine changed.
import { describe, expect, test } from 'vitest';
import { reconcileCarried, snapshotCarried } from '../../patcher/carry.js';

// a static of 4 bytes: previous copy at 0, the patch's copy at 16
const STATIC = { key: 'bank.c:buckets', size: 4, previous: 0, current: 16 };
const memory = (previous: number[], current: number[]): Uint8Array => {
  const m = new Uint8Array(32);
  m.set(previous, 0);
  m.set(current, 16);
  return m;
};
const at = (m: Uint8Array, a: number): number[] => [...m.slice(a, a + 4)];

describe('reconcileCarried', () => {
  test('dsu_transfer changed only the old copy (a transfer in its own file): the new copy gets it', () => {
    const m = memory([1, 2, 3, 4], [1, 2, 3, 4]);
    const snap = snapshotCarried(m, [STATIC]);
    m.set([9, 9, 9, 9], 0);
    expect(reconcileCarried(m, snap, 'current')).toEqual([]);
    expect(at(m, 16)).toEqual([9, 9, 9, 9]);
  });

  test('dsu_transfer changed only the new copy (a transfer in the patched file): kept', () => {
    const m = memory([1, 2, 3, 4], [1, 2, 3, 4]);
    const snap = snapshotCarried(m, [STATIC]);
    m.set([7, 7, 7, 7], 16);
    expect(reconcileCarried(m, snap, 'current')).toEqual([]);
    expect(at(m, 16)).toEqual([7, 7, 7, 7]);
    expect(at(m, 0)).toEqual([1, 2, 3, 4]);
  });

  test('both changed differently: the live copy is kept, with a warning naming the static', () => {
    const m = memory([1, 2, 3, 4], [1, 2, 3, 4]);
    const snap = snapshotCarried(m, [STATIC]);
    m.set([9, 9, 9, 9], 0);
    m.set([7, 7, 7, 7], 16);
    expect(reconcileCarried(m, snap, 'current')).toEqual(['dsu_transfer changed both the old and the new copy of bank.c:buckets differently; the new copy is kept']);
    expect(at(m, 16)).toEqual([7, 7, 7, 7]);
  });

  test('dsu_rollback changed only the patch\'s copy: the old home, live again, gets it', () => {
    const m = memory([5, 5, 5, 5], [5, 5, 5, 5]);
    const snap = snapshotCarried(m, [STATIC]);
    m.set([6, 6, 6, 6], 16);
    expect(reconcileCarried(m, snap, 'previous')).toEqual([]);
    expect(at(m, 0)).toEqual([6, 6, 6, 6]);
  });

  test('nothing changed: nothing written', () => {
    const m = memory([1, 2, 3, 4], [1, 2, 3, 5]);
    const snap = snapshotCarried(m, [STATIC]);
    expect(reconcileCarried(m, snap, 'current')).toEqual([]);
    expect(at(m, 16)).toEqual([1, 2, 3, 5]);
  });
});
