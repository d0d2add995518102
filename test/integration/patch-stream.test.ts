// A long stream of updates on one running counter: 100 patches applied, in
// the pattern apply, apply, rollback, ... (49 rollbacks in between), always
// to the version that differs from the live one (counter-stream-a: f = a*b,
// counter-stream-b: f = a-b), so that each operation is seen to take effect.
// The count lives in the program's own num throughout, so it must go up by
// exactly one per line. The guest's memory for patches must be bounded: it
// may hold a rollback window of recent patches, but must stop growing with
// the number of patches applied.
import { afterEach, expect, test } from 'vitest';
import { PATCH } from '../helpers/patch-cases.js';
import { control, controlOk, linkedObjects } from '../helpers/patching.js';
import { Counter } from '../helpers/patch-targets.js';

const APPLIES = 100;
type Version = 'v1' | 'a' | 'b';
const F: Record<Version, (a: number, b: number) => number> = { v1: (a, b) => a + b, a: (a, b) => a * b, b: (a, b) => a - b };
const FILE: Record<'a' | 'b', string> = { a: PATCH('counter-stream-a'), b: PATCH('counter-stream-b') };

let counter: Counter | null = null;

afterEach(async () => {
  await counter?.stop();
  counter = null;
});

/** VmRSS of the dsu host process in KiB: printed for the record, never asserted (the JIT and GC move it). */
async function hostRssKiB(pid: number): Promise<number> {
  const { readFile } = await import('node:fs/promises');
  const m = /^VmRSS:\s+(\d+) kB/m.exec(await readFile(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : -1;
}

test(`${APPLIES} patches applied, every third operation a rollback: each takes effect, patch memory stops growing`, async () => {
  const c = (counter = await Counter.start());
  const stack: ('a' | 'b')[] = [];
  const live = (): Version => stack[stack.length - 1] ?? 'v1';
  let num = 0;
  let applies = 0;
  let step = 0;
  /** Bytes of patch objects mapped in the guest, after apply number n. */
  const mapped = new Map<number, number>();
  const rss = new Map<number, number>();

  const check = async (what: string): Promise<void> => {
    const a = 3 + (step % 7);
    const b = 2 + (step % 5);
    expect(await c.send(`${a} ${b}`), `after ${what} (step ${step}, live ${live()})`).toEqual({ f: F[live()](a, b), num: ++num });
  };

  await check('start');
  while (applies < APPLIES) {
    step++;
    if (step % 3 === 0) {
      const r = await control<{ id: number }>(c.socket, 'rollback', { timeoutMs: 30_000 });
      expect(r, `rollback at step ${step}`).toMatchObject({ ok: true });
      stack.pop();
      await check('rollback');
      continue;
    }
    const next = live() === 'a' ? 'b' : 'a';
    const r = await control<{ id: number; replaced: { function: string }[] }>(c.socket, 'patch', { path: FILE[next], timeoutMs: 30_000 });
    if (!r.ok) throw new Error(`patch ${applies + 1} (${next}) at step ${step}: ${r.error}`);
    expect(r.result.replaced.map((f) => f.function)).toEqual(['f']);
    stack.push(next);
    applies++;
    await check(`patch ${applies} (${next})`);
    if (applies >= 10) mapped.set(applies, (await linkedObjects(c.socket)).bytes);
    if (applies === 10 || applies === APPLIES) rss.set(applies, await hostRssKiB(c.dsu.child.pid!));
  }

  const status = await controlOk<{ patches: { id: number; released: boolean }[] }>(c.socket, 'status');
  // every patch not rolled back is still listed (released or not)
  expect(status.patches.length).toBe(stack.length);
  const peak = (from: number, to: number): number => Math.max(...[...mapped].filter(([n]) => n >= from && n <= to).map(([, b]) => b));
  const summary = `mapped patch bytes after 10 patches: ${mapped.get(10)}, after ${APPLIES}: ${mapped.get(APPLIES)}; ` +
    `peak over patches 10-55: ${peak(10, 55)}, over 56-${APPLIES}: ${peak(56, APPLIES)}; ` +
    `host VmRSS ${rss.get(10)} KiB -> ${rss.get(APPLIES)} KiB; ` +
    `released: ${status.patches.filter((p) => p.released).length} of ${status.patches.length}`;
  console.log(summary);
  // bounded: whatever window of recent patches stays mapped is full by
  // the middle of the stream; the second half must not map more
  expect(mapped.get(10)!, 'patches show in the module list').toBeGreaterThan(0);
  expect(peak(56, APPLIES), summary).toBeLessThanOrEqual(peak(10, 55));
}, 900_000);
