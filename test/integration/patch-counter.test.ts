// The classic example, end to end on the real binary: counter v1 is fed
// input, updated to v2 (f returns a*b*c, num becomes 64-bit and is carried
// by dsu_transfer), then rolled back.
import { afterEach, beforeEach, expect, test } from 'vitest';
import { PATCH } from '../helpers/patch-cases.js';
import { applyOk, linkedObjects, rollbackOk, statusCli } from '../helpers/patching.js';
import { Counter } from '../helpers/patch-targets.js';

let counter: Counter;

beforeEach(async () => {
  counter = await Counter.start();
});

afterEach(async () => {
  await counter.stop();
});

test('v1 -> v2: num continues, f returns a*b*c; status shows patch #1; rollback restores a+b', async () => {
  expect(await counter.send('1 2')).toEqual({ f: 3, num: 1 });
  expect(await counter.send('3 4')).toEqual({ f: 7, num: 2 });
  expect(await counter.send('10 20 30')).toEqual({ f: 30, num: 3 });

  const report = await applyOk(counter.socket, PATCH('counter-v1-v2'));
  expect(report.id).toBe(1);
  expect(report.replaced.map((r) => r.function).sort()).toEqual(['calls', 'f', 'handle']);
  expect(report.transfer).toBe('ok');

  expect(await counter.send('2 3 4')).toEqual({ f: 24, num: 4 });
  expect(await counter.send('5 6')).toEqual({ f: 30, num: 5 }); // c defaults to 1 in v2's handle
  expect(await counter.send('-2 3 7')).toEqual({ f: -42, num: 6 });

  const status = await statusCli(counter.socket);
  expect(status.patches.map((p) => [p.id, p.released])).toEqual([[1, false]]);
  expect(status.patches[0].path).toBe(PATCH('counter-v1-v2'));
  expect(status.functions.map((f) => f.function).sort()).toEqual(['calls', 'f', 'handle']);
  for (const f of status.functions) {
    expect(f.live).toMatch(/^patch #1 at 0x[0-9a-f]+$/);
    expect(f.versions).toEqual([f.live]);
    expect(f.original).toMatch(/\(counter-v1\)$/);
  }
  expect((await linkedObjects(counter.socket)).names).toEqual(['counter-v1-v2.so']);

  const back = await rollbackOk(counter.socket);
  expect(back.id).toBe(1);
  expect(back.restored.sort()).toEqual(['calls', 'f', 'handle']);
  expect(back.live.map((l) => l.version)).toEqual(['original', 'original', 'original']);
  expect(back.rollbackRoutine).toBe('none');
  expect(back.problems).toEqual([]);

  // v2 counted in its own 64-bit num (new storage) and has no dsu_rollback,
  // so v1's int num was left at its value when v2 went live (3) and counts on from there
  expect(await counter.send('2 3 4')).toEqual({ f: 5, num: 4 });
  expect(await counter.send('7 8')).toEqual({ f: 15, num: 5 });

  const after = await statusCli(counter.socket);
  expect(after.patches).toEqual([]);
  expect(after.functions).toEqual([]);
  expect((await linkedObjects(counter.socket)).count).toBe(0);
});

test('v2 applied again after a rollback: its transfer starts from v1\'s count of that moment', async () => {
  expect(await counter.send('1 1')).toEqual({ f: 2, num: 1 });
  await applyOk(counter.socket, PATCH('counter-v1-v2'));
  expect(await counter.send('1 1 1')).toEqual({ f: 1, num: 2 });
  await rollbackOk(counter.socket);
  expect(await counter.send('1 1 1')).toEqual({ f: 2, num: 2 });
  const again = await applyOk(counter.socket, PATCH('counter-v1-v2'));
  expect(again.id).toBe(2);
  expect(await counter.send('2 2 2')).toEqual({ f: 8, num: 3 });
  const status = await statusCli(counter.socket);
  expect(status.patches.map((p) => p.id)).toEqual([2]);
});
