// The guest's VMA list over a real host reservation and page tables, without
// an engine: mappings replace what they cover, an unmap or a protection
// change in the middle splits a mapping, free space is found top-down, and
// translated code and the TLB are dropped when mappings lose rights.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { AddressSpace, MMAP_MIN_ADDR, PROT_EXEC, PROT_READ, PROT_WRITE } from '../../emulator/memory/address-space.js';
import { HostMemory } from '../../emulator/memory/host-memory.js';
import { PageTables } from '../../emulator/memory/page-tables.js';

const PAGE = 4096;
let memory: HostMemory;
let tables: PageTables;
const events: string[] = [];

function space(): AddressSpace {
  events.length = 0;
  return new AddressSpace(memory, tables, {
    flushTlb: () => events.push('tlb'),
    codeChanging: (s, e) => events.push(`code ${s.toString(16)}-${e.toString(16)}`),
  });
}

const shape = (s: AddressSpace): string[] => s.regions.map((r) => `${r.start.toString(16)}-${r.end.toString(16)} ${r.prot} ${r.name}`);

beforeAll(() => {
  memory = new HostMemory();
  tables = new PageTables(memory.view);
});

afterAll(() => {
  tables.release();
  memory.release();
});

describe('address space', () => {
  test('a mapping over the middle of another splits it; unmapping the middle leaves both ends', () => {
    const s = space();
    s.map(0x100000, 4 * PAGE, PROT_READ | PROT_WRITE, 'anon', 'a');
    s.map(0x101000, PAGE, PROT_READ, 'anon', 'b');
    expect(shape(s)).toEqual(['100000-101000 3 a', '101000-102000 1 b', '102000-104000 3 a']);
    s.unmap(0x101000, 0x103000);
    expect(shape(s)).toEqual(['100000-101000 3 a', '103000-104000 3 a']);
    expect(s.isFree(0x101000, 0x103000)).toBe(true);
    expect(s.isFree(0x100000, 0x102000)).toBe(false);
  });

  test('protection changes split a mapping and are what accessibility checks see', () => {
    const s = space();
    s.map(0x200000, 3 * PAGE, PROT_READ | PROT_WRITE, 'anon', 'c');
    expect(s.protect(0x201000, 0x202000, PROT_READ)).toBe(true);
    expect(shape(s)).toEqual(['200000-201000 3 c', '201000-202000 1 c', '202000-203000 3 c']);
    expect(s.isAccessible(0x200ff0, 0x20, PROT_READ)).toBe(true);
    expect(s.isAccessible(0x200ff0, 0x20, PROT_WRITE)).toBe(false);
    expect(s.regionAt(0x201800)?.prot).toBe(PROT_READ);
    expect(s.regionAt(0x203000)).toBeUndefined();
    expect(events).toContain('tlb');
  });

  test('executable pages that change drop their translated code first', () => {
    const s = space();
    s.map(0x300000, 2 * PAGE, PROT_READ | PROT_EXEC, 'image', 'text');
    events.length = 0;
    s.unmap(0x300000, 0x301000);
    expect(events).toContain('code 300000-301000');
  });

  test('free space is found top-down below mmapTop, never below the minimum address', () => {
    const s = space();
    const top = s.mmapTop;
    expect(s.findFree(PAGE)).toBe(top - PAGE);
    s.map(top - 2 * PAGE, 2 * PAGE, PROT_READ, 'anon', 'high');
    expect(s.findFree(PAGE)).toBe(top - 3 * PAGE);
    expect(s.findFree(PAGE, MMAP_MIN_ADDR + PAGE)).toBe(MMAP_MIN_ADDR);
    expect(s.findFree(2 * PAGE, MMAP_MIN_ADDR + PAGE)).toBeNull();
  });

  test("a mapping's fill lands in guest memory at the guest address", () => {
    const s = space();
    s.map(0x400000, PAGE, PROT_READ, 'image', 'filled', { fill: (b) => b.set([1, 2, 3]) });
    expect([...memory.bytes.subarray(0x400000, 0x400004)]).toEqual([1, 2, 3, 0]);
  });
});
