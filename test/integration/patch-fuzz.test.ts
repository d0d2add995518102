// Malformed patches against a running program: mutants of a real patch
// (truncated; corrupted headers, program and section headers; every
// dynamic entry, symbol, relocation and version record field by field; the
// contents dsu reads) are sent one after the other to one counter. Each must
// be refused with a one-line error, the program intact (old code, count
// moving on by one), or be applied, answer, and roll back to the old code.
// None may be accepted and then crash the program, hang dsu, or fail to roll
// back. An applied mutant that answers differently from the genuine patch is
// counted and named: those must be mutants that still form a valid patch.
//
// The normal run takes a sample (DSU_PATCH_FUZZ_COUNT, default 80); the full
// campaign is `npm run fuzz:patches` (1,200 mutants), which also writes its
// tally to DSU_FUZZ_REPORT when set (numbers in docs/FUZZING.md).
import { afterAll, beforeAll, expect, test } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PATCH } from '../helpers/patch-cases.js';
import { control } from '../helpers/patching.js';
import { Counter } from '../helpers/patch-targets.js';
import { Mutant, Rng, structuredMutants } from '../helpers/elf-mutate.js';
import { fieldMutants } from '../helpers/patch-mutate.js';
import { spreadSample } from '../helpers/mutant-sample.js';

const COUNT = Number(process.env.DSU_PATCH_FUZZ_COUNT ?? 80);
const SEED = Number(process.env.DSU_FUZZ_SEED ?? 0x5eed);
/** Far above what applying or refusing a patch takes: past it, dsu is hung. */
const CONTROL_TIMEOUT_MS = 90_000;

type Outcome = 'refused' | 'applied-identical' | 'applied-different' | 'crash' | 'hang' | 'bad-refusal' | 'rollback-failed';

let counter: Counter;
let dir: string;

beforeAll(async () => {
  counter = await Counter.start();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dsu-patch-fuzz-'));
}, 120_000);

afterAll(async () => {
  await counter?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** `count` mutants drawn evenly from every family (structured and field by field). */
function sampleMutants(base: Uint8Array, count: number): Mutant[] {
  const families = [...structuredMutants(base, SEED), ...fieldMutants(base, SEED)].filter((f) => f.length > 0);
  return spreadSample(families, count, new Rng(SEED));
}

test(`${COUNT} malformed patches: each refused or undone, none crashing the program`, async () => {
  const base = new Uint8Array(fs.readFileSync(PATCH('counter-v1-v2')));
  const mutants = sampleMutants(base, COUNT);
  expect(mutants.length).toBe(COUNT);

  // what the genuine patch makes of a request (v2: f = a * b * c), and v1's answer
  const request = '2 5 3';
  const genuine = path.join(dir, 'genuine.so');
  fs.writeFileSync(genuine, base);
  expect((await control(counter.socket, 'patch', { path: genuine })).ok).toBe(true);
  const patchedF = (await counter.send(request)).f;
  expect((await control(counter.socket, 'rollback', {})).ok).toBe(true);
  let num = (await counter.send(request)).num;
  const oldF = 7;

  const tally = new Map<Outcome, string[]>();
  const note = (o: Outcome, label: string): void => void tally.set(o, [...(tally.get(o) ?? []), label]);
  const restart = async (): Promise<void> => {
    await counter.stop().catch(() => undefined);
    counter = await Counter.start();
    num = (await counter.send(request)).num;
  };

  for (const [i, m] of mutants.entries()) {
    const file = path.join(dir, `mutant-${i}.so`);
    fs.writeFileSync(file, m.bytes);
    let r;
    try {
      r = await control<{ id: number }>(counter.socket, 'patch', { path: file, timeoutMs: 2000, transferTimeoutMs: 1000 }, CONTROL_TIMEOUT_MS);
    } catch (e) {
      note(counter.dsu.alive() ? 'hang' : 'crash', `${m.label}: ${(e as Error).message}`);
      fs.copyFileSync(file, path.join(os.tmpdir(), `dsu-fuzz-failure-${i}.so`));
      await restart();
      continue;
    }
    try {
      if (r.ok) {
        const answer = await counter.send(request);
        note(answer.f === patchedF ? 'applied-identical' : 'applied-different', `${m.label}: f = ${answer.f}`);
        const back = await control(counter.socket, 'rollback', { timeoutMs: 2000 }, CONTROL_TIMEOUT_MS);
        if (!back.ok) note('rollback-failed', `${m.label}: ${back.error}`);
      } else if (/internal error/.test(r.error) || r.error.split('\n').length !== 1) {
        note('bad-refusal', `${m.label}: ${r.error}`);
      } else {
        note('refused', m.label);
      }
      const after = await counter.send(request);
      // v1's code again; nothing ran when nothing was applied
      if (after.f !== oldF || (!r.ok && after.num !== num + 1)) note('crash', `${m.label}: then f = ${after.f}, num ${after.num} after ${num}`);
      num = after.num;
    } catch (e) {
      note('crash', `${m.label}: ${(e as Error).message.split('\n')[0]}`);
      fs.copyFileSync(file, path.join(os.tmpdir(), `dsu-fuzz-failure-${i}.so`));
      await restart();
    }
    fs.rmSync(file);
  }

  const counts = Object.fromEntries([...tally].map(([k, v]) => [k, v.length]));
  const summary = { mutants: COUNT, seed: SEED, counts, notRefused: Object.fromEntries([...tally].filter(([k]) => k !== 'refused')) };
  if (process.env.DSU_FUZZ_REPORT) fs.writeFileSync(process.env.DSU_FUZZ_REPORT, JSON.stringify(summary, null, 1) + '\n');
  expect(tally.get('crash') ?? [], 'accepted, then the program crashed or changed').toEqual([]);
  expect(tally.get('hang') ?? [], 'dsu stopped answering').toEqual([]);
  expect(tally.get('bad-refusal') ?? [], 'refusals must be one line, never an internal error').toEqual([]);
  expect(tally.get('rollback-failed') ?? []).toEqual([]);
  // most mutants are broken: the patcher must notice, not run them
  expect(tally.get('refused')?.length ?? 0).toBeGreaterThan(COUNT / 2);
  const status = await control<{ patches: unknown[] }>(counter.socket, 'status');
  expect(status.ok && status.result.patches).toEqual([]);
}, 24 * 3600_000);
