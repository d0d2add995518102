// The syscall table against the i386 numbering in names.ts: a row whose
// number and name disagree would run one syscall's handler for another, and
// --strace and the "unsupported syscall" message would name the wrong call.
import { describe, expect, test } from 'vitest';
import { allSyscallRows } from '../../emulator/syscalls/table.js';
import { I386_SYSCALL_NAMES } from '../../emulator/syscalls/names.js';

const rows = allSyscallRows();

describe('syscall table', () => {
  test('has rows (the table is read, not empty)', () => {
    expect(rows.length).toBeGreaterThan(200);
  });

  test("every row's number and name are the same pair as names.ts", () => {
    const wrong = rows.filter((r) => I386_SYSCALL_NAMES[r.nr] !== r.name).map((r) => `${r.nr} ${r.name} (names.ts: ${I386_SYSCALL_NAMES[r.nr] ?? 'none'})`);
    expect(wrong).toEqual([]);
  });

  test('no number has two rows', () => {
    const seen = new Map<number, string[]>();
    for (const r of rows) seen.set(r.nr, [...(seen.get(r.nr) ?? []), r.name]);
    expect([...seen].filter(([, names]) => names.length > 1)).toEqual([]);
  });

  test('names.ts itself: well-known numbers, and no name twice', () => {
    expect([1, 3, 4, 11, 90, 102, 120, 192, 243, 295, 383, 450].map((n) => I386_SYSCALL_NAMES[n])).toEqual(
      ['exit', 'read', 'write', 'execve', 'mmap', 'socketcall', 'clone', 'mmap2', 'set_thread_area', 'openat', 'statx', 'set_mempolicy_home_node']);
    const names = Object.values(I386_SYSCALL_NAMES);
    expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
  });

  test('no row takes more than the six argument registers', () => {
    expect(rows.filter((r) => r.args.length > 6).map((r) => r.name)).toEqual([]);
  });
});
