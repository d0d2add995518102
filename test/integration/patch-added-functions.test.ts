// A function that a patch added is replaced by a later patch like one of the
// program's own: the adding patch's copy gets the jump, so its direct calls
// and the function pointer it keeps reach the newest version; rollback gives
// the added version back; and once the adding patch is released from a long
// stream, the oldest remaining version takes its place.
import { describe, expect, test } from 'vitest';
import { PATCH } from '../helpers/patch-cases.js';
import { applyOk, rollbackOk, statusCli } from '../helpers/patching.js';
import { Counter } from '../helpers/patch-targets.js';

describe('replacing a function an earlier patch added', () => {
  test('direct calls and a stored pointer in the adding patch reach the new version; rollback and re-apply', async () => {
    const c = await Counter.start();
    try {
      expect(await c.send('3 4')).toEqual({ f: 7, num: 1 });
      const a = await applyOk(c.socket, PATCH('counter-added-a'));
      expect(a.added).toContain('score');
      // rule(T) * 10 + score(T) with score = a - b
      expect(await c.send('3 4')).toEqual({ f: -11, num: 2 });

      const b = await applyOk(c.socket, PATCH('counter-added-b'));
      expect(b.replaced.map((r) => r.function)).toEqual(['score']);
      expect(b.replaced[0].from).toMatch(/counter-added-a\.so/);
      expect(b.added).toEqual([]);
      // both the pointer call and the direct call take score = a + 100 b
      expect(await c.send('3 4')).toEqual({ f: 4433, num: 3 });
      const status = await statusCli(c.socket);
      expect(status.functions.find((f) => f.function === 'score')?.live).toMatch(new RegExp(`^patch #${b.id} `));

      const back = await rollbackOk(c.socket);
      expect(back.live).toEqual([{ function: 'score', version: `patch #${a.id}, which added it` }]);
      expect(await c.send('3 4')).toEqual({ f: -11, num: 4 });
      await applyOk(c.socket, PATCH('counter-added-b'));
      expect(await c.send('3 4')).toEqual({ f: 4433, num: 5 });
      await rollbackOk(c.socket);
      await rollbackOk(c.socket);
      expect(await c.send('3 4')).toEqual({ f: 7, num: 6 });
      expect((await statusCli(c.socket)).functions).toEqual([]);
    } finally {
      await c.stop();
    }
  }, 120_000);

  test('a stream releases the adding patch; the oldest version left takes its place and rollback still works', async () => {
    const c = await Counter.start(['--rollback-depth', '1']);
    try {
      await applyOk(c.socket, PATCH('counter-added-a'));
      await applyOk(c.socket, PATCH('counter-added-b'));
      await applyOk(c.socket, PATCH('counter-added-c'));
      // handle = score(T); b: a + 100 b = 403, d: a * 1000 + b = 3004
      expect((await c.send('3 4')).f).toBe(403);
      const stream = ['counter-added-d', 'counter-added-b', 'counter-added-d', 'counter-added-b', 'counter-added-d', 'counter-added-b', 'counter-added-d'];
      for (const name of stream) {
        await applyOk(c.socket, PATCH(name));
        expect((await c.send('3 4')).f).toBe(name.endsWith('-d') ? 3004 : 403);
      }
      const status = await statusCli(c.socket);
      expect(status.patches.find((p) => p.id === 1)?.released).toBe(true);
      const score = status.functions.find((f) => f.function === 'score')!;
      expect(score.original).toMatch(/^0x[0-9a-f]+ \(patch #\d+\)$/);
      await rollbackOk(c.socket);
      expect(await c.send('3 4')).toMatchObject({ f: 403 });
      await applyOk(c.socket, PATCH('counter-added-d'));
      expect(await c.send('3 4')).toMatchObject({ f: 3004 });
    } finally {
      await c.stop();
    }
  }, 180_000);
});
