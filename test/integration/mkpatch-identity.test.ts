// A generated patch applies only to what it was made for: dsu patch refuses
// it on another build of the program (build ID), and, in a stream, when a
// function it relies on is not the one it was made against, naming it.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, expect, test } from 'vitest';
import { applyOk, DsuProgram, patchCli, startUnderDsu } from '../helpers/patching.js';
import { MKPATCH_SAMPLES, mkpatchOk, ruleArgs, ruleBuild, ruleProgram } from '../helpers/mkpatch.js';

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'dsu-mkpatch-id-'));
let running: DsuProgram | null = null;
afterEach(async () => {
  await running?.stop();
  running = null;
});
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

test('refused on another build of the same program: the build IDs are named', async () => {
  const r = await mkpatchOk(ruleArgs('inline-static'));
  // the same sources and name, built with -O1
  const other = path.join(scratch, 'inline-static-v1');
  const dir = path.join(MKPATCH_SAMPLES, 'inline-static', 'v1');
  expect(spawnSync('gcc', ['-m32', '-O1', '-g', '-fPIE', '-pie', '-o', other, path.join(dir, 'calc.c'), path.join(dir, 'main.c')]).status).toBe(0);
  running = await startUnderDsu(other, [], /^ready\n/m);
  const refused = await patchCli(running.socket, r.patch);
  expect(refused.status).toBe(4); // refused by a check (README: exit statuses)
  expect(refused.stderr).toMatch(/^dsu patch: the patch was made for inline-static-v1 \(build ID [0-9a-f]{16}\), and this program is inline-static-v1 \(build ID [0-9a-f]{16}\)\n$/);
  running.write('5\n');
  expect((await running.waitForOutput(/^a=.*\n/m))[0]).toBe('a=16 b=14 c=12\n');
});

test('in a stream, a patch made against other code than the live version is refused, naming the function', async () => {
  const first = await mkpatchOk(ruleArgs('inline-static', ['--version', 'inline-v2']));
  // v3 = v2 with compute_c changed; the second patch is made from the wrong old tree (v1 instead of v2)
  const v3 = path.join(scratch, 'v3');
  fs.cpSync(path.join(MKPATCH_SAMPLES, 'inline-static', 'v2'), v3, { recursive: true });
  fs.writeFileSync(path.join(v3, 'calc.c'), fs.readFileSync(path.join(v3, 'calc.c'), 'utf8').replace('return x + 7;', 'return x + 70;'));
  const wrong = await mkpatchOk([
    '--old', path.join(MKPATCH_SAMPLES, 'inline-static', 'v1'), '--new', v3, '--build', ruleBuild('inline-static'),
    '--program', ruleProgram('inline-static', 'v1'), '--target', 'inline-v2', '--version', 'inline-v3',
  ]);
  expect(wrong.decisions.replaced.map((f) => f.name).sort()).toEqual(['compute_a', 'compute_b', 'compute_c']);
  running = await startUnderDsu(ruleProgram('inline-static', 'v1'), [], /^ready\n/m);
  await applyOk(running.socket, first.patch);
  const refused = await patchCli(running.socket, wrong.patch);
  expect(refused.status).toBe(4); // refused by a check
  expect(refused.stderr).toBe('dsu patch: the patch was made for another build of inline-static-v1: compute_a in patch #1 differs from the one the patch was made for; ' +
    'compute_b in patch #1 differs from the one the patch was made for\n');
  running.write('5\n');
  expect((await running.waitForOutput(/^a=.*\n/m))[0]).toBe('a=21 b=19 c=12\n');
});
