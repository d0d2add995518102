// Functions shorter than the 5-byte jump: a 3-byte stub (`xor %eax,%eax;
// ret`) is replaced through the alignment padding after it, and rolled back
// to its exact bytes; a 1-byte function at the end of .text is refused.
import { afterEach, expect, test } from 'vitest';
import path from 'node:path';
import { PATCH } from '../helpers/patch-cases.js';
import { DsuProgram, applyOk, patchCli, rollbackOk, startUnderDsu } from '../helpers/patching.js';
import { BUILD } from '../helpers/run.js';

let dsu: DsuProgram | null = null;
let offset = 0;

afterEach(async () => {
  dsu?.child.stdin!.end();
  await dsu?.stop();
  dsu = null;
});

async function ask(): Promise<number> {
  dsu!.write('x\n');
  const m = await dsu!.waitForOutput(/^feature: (\d+)\n/m, 60_000, offset);
  offset += m.index + m[0].length;
  return Number(m[1]);
}

test('a 3-byte stub is replaced and restored; a 1-byte function with no room is refused', async () => {
  dsu = await startUnderDsu(path.join(BUILD, 'feature', 'feature-v1'), [], /^feature ready\n/m);
  offset = dsu.stdout().indexOf('feature ready\n') + 'feature ready\n'.length;
  expect(await ask()).toBe(0);

  const refused = await patchCli(dsu.socket, PATCH('fail-no-room'));
  expect(refused.status).not.toBe(0);
  expect(refused.stderr).toMatch(/noop_hook: a version has only 1 bytes before the next function, too few for the 5-byte jump/);
  expect(await ask()).toBe(0);

  const on = await applyOk(dsu.socket, PATCH('feature-on'));
  expect(on.replaced.map((r) => r.function)).toEqual(['feature_enabled']);
  expect(await ask()).toBe(1);
  expect(await ask()).toBe(1);

  await rollbackOk(dsu.socket);
  expect(await ask()).toBe(0);
});
