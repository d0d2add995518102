// The type checks beyond the per-case outcomes (patch-cases.test.ts runs
// every tc-* case): `dsu patch --check` gives the real patch's report and
// exit status and changes nothing; --unsafe-types lets checks 1-3 through
// and still reports them; missing debug information is said once.
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { BUILD } from '../helpers/run.js';
import { PATCH } from '../helpers/patch-cases.js';
import { linkedObjects, patchCli, statusCli } from '../helpers/patching.js';
import { typecheckTarget } from '../helpers/typecheck-target.js';

const PROGRAM = path.join(BUILD, 'typecheck', 'typecheck-v1');

describe('type checks', () => {
  test('--check: the refusal and exit status of the real patch, or "would apply", and nothing changed', async () => {
    const t = await typecheckTarget(PROGRAM);
    try {
      await t.prepare();
      const checked = await patchCli(t.dsu.socket, PATCH('tc-inlined'), ['--check']);
      const real = await patchCli(t.dsu.socket, PATCH('tc-inlined'));
      expect(checked.status).toBe(4);
      expect(checked.stderr).toBe(real.stderr);
      expect(checked.stderr).toMatch(/refused by check 3: struct conn[^]*main \(inlined new_conn, on the stack\)/);
      const ok = await patchCli(t.dsu.socket, PATCH('tc-ok-param'), ['--check']);
      expect(ok.stderr).toBe('');
      expect(ok.status).toBe(0);
      const report = ok.report as unknown as { wouldReplace: string[]; activeNow: string[]; stack: string[] };
      expect(report.wouldReplace.sort()).toEqual(['compute', 'compute_twice', 'scale']);
      expect(report.activeNow).toEqual([]);
      expect(report.stack.length).toBeGreaterThan(2);
      expect((await statusCli(t.dsu.socket)).patches).toEqual([]);
      expect((await linkedObjects(t.dsu.socket)).names).toEqual([]);
      await t.expectOldCodeAndState();
    } finally {
      await t.stop();
    }
  }, 180_000);

  test('--unsafe-types applies what checks 1-3 refused, and the report still names every mismatch', async () => {
    const t = await typecheckTarget(PROGRAM);
    try {
      await t.prepare();
      const r = await patchCli(t.dsu.socket, PATCH('tc-grow-middle'), ['--unsafe-types']);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const warnings = r.report!.warnings.join('\n');
      expect(warnings).toMatch(/--unsafe-types: check 1 would have refused: stats: /);
      expect(warnings).toMatch(/--unsafe-types: check 3 would have refused: struct stats: [^]*stats_add \(global stats\)/);
      // check 4 is not overridden
      const s = await patchCli(t.dsu.socket, PATCH('tc-statics-main'), ['--unsafe-types']);
      expect(s.status).toBe(4);
      expect(s.stderr).toMatch(/refused by check 4: main\.c:opened/);
    } finally {
      await t.stop();
    }
  }, 180_000);

  test('without debug information: said once for the program, for every patch without it, and the patch applies', async () => {
    const t = await typecheckTarget(path.join(BUILD, 'typecheck', 'typecheck-v1-nodebug'));
    try {
      await t.prepare();
      const first = await patchCli(t.dsu.socket, PATCH('tc-ok-param-nodebug'));
      expect(first.status, first.stderr).toBe(0);
      expect(first.report!.notes).toEqual([
        expect.stringMatching(/^the program has no debug information, so types could not be checked \(build it with -g, or install its debug package/),
        'the patch has no debug information, so types could not be checked (build it with -g)',
      ]);
      const second = await patchCli(t.dsu.socket, PATCH('tc-ok-stats'));
      expect(second.status, second.stderr).toBe(0);
      expect(second.report!.notes).toEqual([]);
      // check 4 works on the machine code alone
      const split = await patchCli(t.dsu.socket, PATCH('tc-statics-main'));
      expect(split.status).toBe(4);
      expect(split.stderr).toMatch(/refused by check 4: main\.c:opened: [^]*main \(on the stack\)/);
    } finally {
      await t.stop();
    }
  }, 180_000);
});
