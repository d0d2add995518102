// A patch path that never ends or never answers (/dev/zero, /dev/urandom, a
// FIFO nobody writes to, a link to a device, a file over the size limit) is
// refused at once with one line, and the running program keeps answering,
// on its old code, with its state intact. Before, /dev/zero was read
// synchronously until the host had grown to 21.8 GB, and a FIFO froze the
// program until someone wrote to it.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PATCH } from '../helpers/patch-cases.js';
import { patchCli, statusCli } from '../helpers/patching.js';
import { Counter } from '../helpers/patch-targets.js';

let counter: Counter;
let dir = '';
let num = 0;
const at = (name: string): string => path.join(dir, name);

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dsu-patch-endless-'));
  execFileSync('mkfifo', [at('fifo')]);
  fs.symlinkSync('/dev/urandom', at('urandom.so'));
  // a real patch padded past the 256 MiB limit with a hole
  fs.copyFileSync(PATCH('counter-v1-v2'), at('padded.so'));
  fs.truncateSync(at('padded.so'), 257 * 1024 * 1024);
  counter = await Counter.start();
  expect(await counter.send('1 2')).toEqual({ f: 3, num: ++num });
}, 120_000);

afterAll(async () => {
  await counter?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const cases: [string, () => string, RegExp][] = [
  ['/dev/zero', () => '/dev/zero', /^dsu patch: \/dev\/zero: cannot read the patch: not a regular file \(a character device\)\n$/],
  ['/dev/urandom through a link', () => at('urandom.so'), /^dsu patch: \S+\/urandom\.so: cannot read the patch: not a regular file \(a character device\)\n$/],
  ['a FIFO nobody writes to', () => at('fifo'), /^dsu patch: \S+\/fifo: cannot read the patch: not a regular file \(a FIFO\)\n$/],
  ['a patch padded past the size limit', () => at('padded.so'), /^dsu patch: \S+\/padded\.so: cannot read the patch: too large to read \(269484032 bytes; the limit is 268435456\)\n$/],
];

test.each(cases)('%s is refused in one line, the program unharmed', async (_what, file, message) => {
  const r = await patchCli(counter.socket, file(), [], { timeoutMs: 60_000 });
  // 3: the patch file is unreadable or not a patch (patcher/errors.ts)
  expect(r.status, r.stderr).toBe(3);
  expect(r.stderr).toMatch(message);
  // still v1 (f = a + b), counting on
  expect(await counter.send('20 22')).toEqual({ f: 42, num: ++num });
  expect((await statusCli(counter.socket)).patches).toEqual([]);
}, 120_000);

test('a regular patch still applies afterwards', async () => {
  const r = await patchCli(counter.socket, PATCH('counter-v1-v2'));
  expect(r.status, r.stderr).toBe(0);
  // v2: f = a * b * c
  expect(await counter.send('2 3 4')).toEqual({ f: 24, num: ++num });
}, 120_000);
