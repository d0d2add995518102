// Malformed patches against a running program: mutants of a real patch
// (truncated, with corrupted headers, section tables, symbols, dynamic
// entries, relocations...) are sent one after the other to one counter.
// Each must be refused with a one-line error or, if it still links, be
// rolled back; the dsu process must never crash, and the program must stay
// on its old code, answering, with its count intact whenever nothing was
// applied.
import { afterAll, beforeAll, expect, test } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PATCH } from '../helpers/patch-cases.js';
import { control } from '../helpers/patching.js';
import { Counter } from '../helpers/patch-targets.js';
import { Rng, structuredMutants } from '../helpers/elf-mutate.js';

const MUTANTS = 60;
let counter: Counter;
let dir: string;

beforeAll(async () => {
  counter = await Counter.start();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dsu-patch-fuzz-'));
});

afterAll(async () => {
  await counter.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

test(`${MUTANTS} malformed patches: each refused or undone, the program unharmed`, async () => {
  const base = new Uint8Array(fs.readFileSync(PATCH('counter-v1-v2')));
  const rng = new Rng(0x5eed);
  const families = structuredMutants(base, 7);
  const mutants = families.flatMap((f) => rng.sample(f, Math.ceil(MUTANTS / families.length))).slice(0, MUTANTS);
  expect(mutants.length).toBe(MUTANTS);

  let num = (await counter.send('1 1')).num;
  let refused = 0;
  for (const [i, m] of mutants.entries()) {
    const file = path.join(dir, `mutant-${i}.so`);
    fs.writeFileSync(file, m.bytes);
    const r = await control<{ id: number }>(counter.socket, 'patch', { path: file, timeoutMs: 2000, transferTimeoutMs: 1000 });
    if (r.ok) {
      const back = await control(counter.socket, 'rollback', { timeoutMs: 2000 });
      expect(back.ok, `${m.label}: applied, then its rollback failed: ${back.ok ? '' : back.error}`).toBe(true);
    } else {
      refused++;
      expect(r.error, m.label).not.toMatch(/internal error/);
      expect(r.error.split('\n').length, m.label).toBe(1);
    }
    // v1's code: f = a + b; the count moves by one per line unless a mutant ran
    const answer = await counter.send('2 5');
    expect(answer.f, m.label).toBe(7);
    if (!r.ok) expect(answer.num, m.label).toBe(num + 1);
    num = answer.num;
    fs.rmSync(file);
  }
  // most mutants are structurally broken: the patcher must notice, not run them
  expect(refused).toBeGreaterThan(MUTANTS / 2);
  const status = await control<{ patches: unknown[] }>(counter.socket, 'status');
  expect(status.ok && status.result.patches).toEqual([]);
}, 300_000);
