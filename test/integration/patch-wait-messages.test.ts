// What `dsu patch` says when the functions it replaces stay on the stack: a
// call blocked in read(2) the whole time is told apart from a loop that keeps
// running and never returns (kvstore's event_loop: test/patch-cases,
// fail-event-loop). Once the blocked call returns, the same patch applies.
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { BUILD } from '../helpers/run.js';
import { applyOk, patchCli, startUnderDsu, statusCli } from '../helpers/patching.js';

const PATCH = path.join(BUILD, 'programs', 'blocked_reader_v2.so');

describe('waiting for a blocked call', () => {
  test.each(['dyn', 'static'])('a patch of a function blocked in read names the call, then applies after it returns (%s)', async (variant) => {
    const p = await startUnderDsu(path.join(BUILD, 'programs', `blocked_reader.${variant}`), [], /ready\n/);
    try {
      p.write('abc\n');
      await p.waitForOutput(/v1 3\n/);
      const refused = await patchCli(p.socket, PATCH, ['--timeout', '700']);
      expect(refused.status).not.toBe(0);
      expect(refused.stderr).toMatch(/^dsu patch: not safe within \d+ ms: read_request \(blocked_reader\.\w+\) still active; nothing was changed/);
      expect(refused.stderr).toMatch(/The program sat in (__libc_|__)?read \((libc\.so\.6|blocked_reader\.static)\) the whole time/);
      expect(refused.stderr).toMatch(/read_request \(blocked_reader\.\w+\) can be replaced once it returns \(a longer --timeout\)/);
      expect(refused.stderr).not.toMatch(/never left the stack/);
      expect((await statusCli(p.socket)).patches).toEqual([]);

      const from = p.stdout().length;
      p.write('hello\n');
      await p.waitForOutput(/v1 5\n/, 60_000, from);
      // blocked again in the same read: a patch with time to wait applies when it returns
      // (input keeps coming until then: a line read before the patch started waiting leaves it blocked again)
      let applied = false;
      const applying = applyOk(p.socket, PATCH, ['--timeout', '20000']).finally(() => (applied = true));
      while (!applied) {
        await new Promise((r) => setTimeout(r, 300));
        if (!applied) p.write('four\n');
      }
      await applying;
      const after = p.stdout().length;
      p.write('seven77\n');
      await p.waitForOutput(/v2 7\n/, 60_000, after);
    } finally {
      await p.stop();
    }
  }, 120_000);
});
