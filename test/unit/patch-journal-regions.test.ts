// Which parts of the address space a failed transfer mapped
// (write-journal's uncovered): a new mapping can merge with an old one.
import { describe, expect, test } from 'vitest';
import { uncovered } from '../../patcher/mechanism/write-journal.js';
import type { Region } from '../../emulator/memory/address-space.js';

describe('uncovered', () => {
  const region = (start: number, end: number): Region => ({ start, end, prot: 3, kind: 'heap', name: '[heap]', offset: 0, shared: false });

  test('a heap grown by brk merged with the old heap: only the growth is new', () => {
    expect(uncovered([region(0x1000, 0x9000)], [region(0x1000, 0x4000)])).toEqual([[0x4000, 0x9000]]);
  });

  test('new space between and around old regions', () => {
    expect(uncovered([region(0x0, 0x10000)], [region(0x2000, 0x3000), region(0x5000, 0x6000)]))
      .toEqual([[0x0, 0x2000], [0x3000, 0x5000], [0x6000, 0x10000]]);
  });

  test('regions that existed are not new', () => {
    expect(uncovered([region(0x2000, 0x3000)], [region(0x1000, 0x4000)])).toEqual([]);
  });
});
