// The patch report says how long the program could not run, not only how
// long it was paused: the patcher's steps before the pause share the
// program's thread (issue 15). The figures must hang together: the longest
// stretch covers at least the pause, the sum covers the longest, and all of
// it fits between the command's arrival and the new code being live; the
// text report states them.
import { afterEach, beforeEach, expect, test } from 'vitest';
import { PATCH } from '../helpers/patch-cases.js';
import { applyOk, dsu, rollbackOk } from '../helpers/patching.js';
import { Counter } from '../helpers/patch-targets.js';

let counter: Counter;

beforeEach(async () => {
  counter = await Counter.start();
});

afterEach(async () => {
  await counter.stop();
});

test('the --json report gives the time the program could not run, the pause included', async () => {
  expect(await counter.send('1 2')).toEqual({ f: 3, num: 1 });
  const report = await applyOk(counter.socket, PATCH('counter-v1-v2'));
  const stall = report.guestStall;
  expect(stall.longestMs).toBeGreaterThanOrEqual(report.pauseMs);
  expect(stall.totalMs).toBeGreaterThanOrEqual(stall.longestMs);
  // blocks happen between the command's arrival and the new code being live (the pause may overlap one)
  expect(stall.totalMs).toBeLessThanOrEqual(report.totalMs + report.pauseMs);
  expect(await counter.send('2 3 4')).toEqual({ f: 24, num: 2 });
}, 120_000);

test('the text report states it next to the pause', async () => {
  const r = await dsu(['patch', '--control', counter.socket, PATCH('counter-v1-v2')]);
  expect(r.status).toBe(0);
  const m = /paused ([\d.]+) ms;.*\n\s+the program could not run for ([\d.]+) ms at the longest, ([\d.]+) ms in all, from the command to the new code live/.exec(r.stdout);
  expect(m, r.stdout).not.toBeNull();
  expect(Number(m![2])).toBeGreaterThanOrEqual(Number(m![1]));
  await rollbackOk(counter.socket);
}, 120_000);
