// `dsu run --log FILE [--log-json]`: one event per line for what happened to
// the program — start, a patch requested and applied (with its wait, pause
// and stall), a patch refused with its reason and exit status, a rollback,
// a guest fault, exit — and `dsu status` keeping rolled-back patches as history.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { BUILD, runDsu } from '../helpers/run.js';
import { PATCH } from '../helpers/patch-cases.js';
import { applyOk, patchCli, rollbackOk, statusCli } from '../helpers/patching.js';
import { Counter } from '../helpers/patch-targets.js';

interface LogEvent {
  time: string;
  event: string;
  [field: string]: unknown;
}

const readEvents = (file: string): LogEvent[] => fs.readFileSync(file, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as LogEvent);

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dsu-run-log-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('dsu run --log', () => {
  test('a patch applied, one refused, a rollback: each logged with its figures; status keeps the rolled-back patch as history', async () => {
    const file = path.join(dir, 'counter.jsonl');
    const counter = await Counter.start(['--log', file, '--log-json']);
    try {
      expect(await counter.send('2 3')).toEqual({ f: 5, num: 1 });
      const applied = await applyOk(counter.socket, PATCH('counter-v1-v2'), ['--timeout', '60000']);
      const refused = await patchCli(counter.socket, PATCH('fail-unresolved'));
      expect(refused.status).toBe(4);
      const rolledBack = await rollbackOk(counter.socket);
      expect(rolledBack.id).toBe(applied.id);

      const status = await statusCli(counter.socket);
      expect(status.patches).toEqual([]);
      expect(status.rolledBack).toEqual([expect.objectContaining({ id: applied.id, path: PATCH('counter-v1-v2'), replaced: expect.arrayContaining(['f']) })]);
      expect(Date.parse(status.rolledBack[0].rolledBackAt)).toBeGreaterThanOrEqual(Date.parse(status.rolledBack[0].appliedAt));
    } finally {
      await counter.stop();
    }

    const events = readEvents(file);
    expect(events.map((e) => e.event)).toEqual([
      'start', 'patch-requested', 'patch-applied', 'patch-requested', 'patch-refused', 'rollback-requested', 'patch-rolled-back', 'exit',
    ]);
    const times = events.map((e) => Date.parse(e.time));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect(events[0]).toMatchObject({ program: expect.stringMatching(/counter-v1$/), pid: expect.any(Number), control: counter.socket });
    expect(events[1]).toMatchObject({ path: PATCH('counter-v1-v2'), timeoutMs: 60000 });
    const appliedEvent = events[2];
    expect(appliedEvent).toMatchObject({ id: 1, path: PATCH('counter-v1-v2'), transfer: 'ok', replaced: expect.arrayContaining(['f']) });
    for (const figure of ['waitedMs', 'pauseMs']) expect(appliedEvent[figure]).toBeGreaterThanOrEqual(0);
    const stall = appliedEvent.stall as { longestMs: number; totalMs: number };
    expect(stall.longestMs).toBeGreaterThanOrEqual(appliedEvent.pauseMs as number);
    expect(stall.totalMs).toBeGreaterThanOrEqual(stall.longestMs);
    expect(events[4]).toMatchObject({ path: PATCH('fail-unresolved'), status: 4, reason: expect.stringMatching(/unresolved symbol helper_that_does_not_exist/) });
    expect(events[6]).toMatchObject({ id: 1, path: PATCH('counter-v1-v2'), restored: expect.arrayContaining(['f']) });
  }, 300_000);

  test('a guest fault and its exit, as text; the program\'s stderr is the same with and without the log', async () => {
    const program = path.join(BUILD, 'faults', 'null_deref.dyn');
    const file = path.join(dir, 'fault.log');
    const plain = await runDsu(program);
    const logged = await runDsu(program, {}, ['--log', file]);
    expect(logged.status).toBe(139);
    expect(logged.status).toBe(plain.status);
    expect(logged.stderr.toString()).toBe(plain.stderr.toString());
    const lines = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(lines.map((l) => / ([a-z-]+): /.exec(l)?.[1])).toEqual(['start', 'fault', 'exit']);
    expect(lines[1]).toMatch(/fault: null_deref\.dyn: SIGSEGV \(invalid memory access at address 0x00000000\) at 0x[0-9a-f]+ in crash_here\+0x[0-9a-f]+/);
    expect(lines[2]).toMatch(/exit: killed by SIGSEGV$/);
  }, 120_000);

  test('--verbose writes the events to stderr; a log that cannot be created stops dsu before the program starts', async () => {
    const program = path.join(BUILD, 'conformance', 'argv_env.dyn');
    const verbose = await runDsu(program, {}, ['--verbose']);
    expect(verbose.status).toBe(0);
    expect(verbose.stderr.toString()).toMatch(/^dsu: \S+ start: .*argv_env\.dyn \(pid \d+\)\ndsu: \S+ exit: exited with 0\n$/);
    const bad = await runDsu(program, {}, ['--log', path.join(dir, 'no', 'such', 'dir', 'x.log')]);
    expect(bad.status).toBe(1);
    expect(bad.stdout.toString()).toBe('');
    expect(bad.stderr.toString()).toMatch(/^dsu: --log \S+x\.log: ENOENT: no such file or directory/);
  }, 120_000);
});
