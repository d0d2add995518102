// A program that runs as several processes (a master and two forked
// workers): dsu status lists them with their parents, program and version,
// and a patch is refused before anything changes (exit 4, naming the
// processes), since applying it to the first process alone would leave the
// workers on the old code while saying it worked (a rollback goes through
// the same refusal once there is a patch to roll back).
import { afterEach, expect, test } from 'vitest';
import path from 'node:path';
import { BUILD } from '../helpers/run.js';
import { PATCH } from '../helpers/patch-cases.js';
import { DsuProgram, dsu, patchCli, rollbackCli, startUnderDsu } from '../helpers/patching.js';

const PROGRAM = path.join(BUILD, 'processes', 'stdin_workers.dyn');
let run: DsuProgram | null = null;

afterEach(async () => {
  await run?.stop();
  run = null;
});

interface Status {
  pid: number;
  processes: { pid: number; parent: number; program: string; version: string; state: string }[];
}

test('a tree of processes: status lists them; a patch is refused with exit 4 and changes nothing', async () => {
  run = await startUnderDsu(PROGRAM, [], /2 workers ready/);
  const status = await dsu(['status', '--control', run.socket, '--json']);
  expect(status.status).toBe(0);
  const s = JSON.parse(status.stdout) as Status;
  expect(s.processes).toHaveLength(3);
  const [master, ...workers] = s.processes;
  expect(master.pid).toBe(s.pid);
  expect(master.parent).toBe(0);
  for (const w of workers) {
    expect(w.parent).toBe(master.pid);
    expect(w.program).toBe(master.program);
    expect(w.version).toBe('stdin_workers.dyn');
    expect(w.state).toBe('running');
  }
  const text = await dsu(['status', '--control', run.socket]);
  expect(text.stdout).toContain('3 process(es):');
  expect(text.stdout).toContain(`${workers[0].pid} (parent ${master.pid}): ${master.program}, stdin_workers.dyn`);

  // refused before the patch is even read: any patch file will do
  const patch = await patchCli(run.socket, PATCH('counter-v1-v2'));
  expect(patch.status).toBe(4);
  expect(patch.stderr).toContain(`runs in 3 processes (pid ${master.pid} and ${workers.map((w) => w.pid).join(', ')})`);
  expect(patch.stderr).toContain('nothing was changed');
  const rollback = await rollbackCli(run.socket);
  expect(rollback.status).not.toBe(0);
  expect(rollback.stderr).toContain('no patch to roll back');

  // the program goes on and ends as it does natively
  run.child.stdin!.end();
  const end = await run.waitForOutput(/(\d) workers ended/);
  expect(end[1]).toBe('2');
}, 180_000);
