// Every patch case of c-samples/patches/<case>/: its program runs under
// `dsu run --control`, the case's patch is applied with `dsu patch`, and the
// outcome must be the one case.txt expects. A refused patch must leave the
// program exactly as it was: running, on its old code, with its state.
import fs from 'node:fs';
import { describe, expect, test } from 'vitest';
import { allCases, PatchCase } from '../helpers/patch-cases.js';
import { linkedObjects, patchCli, statusCli } from '../helpers/patching.js';
import { startCaseTarget } from '../helpers/patch-targets.js';

const cases = allCases();

describe('patch cases (c-samples/patches)', () => {
  test('the case list is complete and every patch is built', () => {
    const names = cases.map((c) => c.name);
    for (const known of ['counter-v1-v2', 'kvstore-v1-v2', 'kvstore-v2-v3', 'httpd-v1-v2', 'fail-unresolved',
      'fail-other-program', 'fail-not-elf', 'fail-transfer-nonzero', 'fail-transfer-crash', 'fail-main-loop']) {
      expect(names).toContain(known);
    }
    for (const c of cases) expect(fs.existsSync(c.patch), `${c.name}: ${c.patch} (make -C c-samples)`).toBe(true);
  });

  test.each(cases.map((c) => [c.name, c] as [string, PatchCase]))('%s', async (_name, c) => {
    const target = await startCaseTarget(c.program);
    try {
      await target.prepare();
      const r = await patchCli(target.dsu.socket, c.patch);
      const status = await statusCli(target.dsu.socket);
      if (c.expect.ok) {
        expect(r.stderr).toBe('');
        expect(r.status).toBe(0);
        const report = r.report!;
        expect(report.replaced.length).toBeGreaterThan(0);
        for (const f of report.replaced) expect(f.function).toMatch(/\S/);
        expect(status.patches.map((p) => p.id)).toEqual([report.id]);
        expect(status.patches[0].replaced.sort()).toEqual(report.replaced.map((f) => f.function).sort());
        expect(target.dsu.alive()).toBe(true);
        await target.answers();
      } else {
        expect(r.status, r.stdout).not.toBe(0);
        if (c.status !== undefined) expect(r.status, r.stderr).toBe(c.status);
        expect(r.stderr).toMatch(/^dsu patch: /);
        expect(r.stderr).toMatch(c.expect.error);
        // --json: the same failure as one JSON object on stdout
        const failure = JSON.parse(r.stdout) as { error: { command: string; status: number; message: string } };
        expect(failure.error.command).toBe('patch');
        expect(failure.error.status).toBe(r.status);
        expect(`dsu patch: ${failure.error.message}\n`).toBe(r.stderr);
        expect(status.patches).toEqual([]);
        expect(status.functions).toEqual([]);
        expect((await linkedObjects(target.dsu.socket)).names).toEqual([]);
        expect(target.dsu.alive()).toBe(true);
        await target.expectOldCodeAndState();
      }
      expect(target.dsu.stderr()).not.toMatch(/SIGSEGV|internal error/);
    } finally {
      await target.stop();
    }
  }, 180_000);
});
