// Robustness of the linker: mutated shared objects (test/helpers/elf-mutate.ts,
// fixed seed) are planned against the running host. Each must plan or throw
// a LinkError naming the file (never another exception, never a hang); a
// mutant no correct reader may accept must be refused; a plan that succeeds
// is applied and unlinked, leaving the address space as it was. The program
// is held still meanwhile, so "nothing written" is checked on every byte.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import fs from 'node:fs';
import { elfMutants } from '../helpers/elf-mutate.js';
import { LinkHost, linktestObject, snapshot, startLinkHost } from '../helpers/link-host.js';
import { applyLink, planLink, unlink, LinkError, LinkPlan } from '../../loader/link/index.js';

// Fixed by default; DSU_FUZZ_SEED and DSU_LINK_FUZZ_COUNT explore further by hand.
const SEED = Number(process.env.DSU_FUZZ_SEED ?? 0x11a4c0de);
const COUNT = Number(process.env.DSU_LINK_FUZZ_COUNT ?? 1000);
/** A mutant taking this long is a hang: planning takes milliseconds. */
const BUDGET_MS = 2000;

let host: LinkHost;

beforeAll(async () => {
  host = await startLinkHost();
  host.session.runner.hold();
});

afterAll(async () => {
  host.session.runner.release();
  expect(await host.quit()).toEqual({ code: 42 });
});

interface Tally {
  planned: number;
  refused: number;
  kinds: Map<string, number>;
}

async function run(base: string, count: number, seed: number): Promise<Tally> {
  const file = linktestObject(base);
  const mutants = elfMutants(fs.readFileSync(file), { seed, count });
  expect(mutants.length).toBe(count);
  const before = snapshot(host.session.proc);
  const tally: Tally = { planned: 0, refused: 0, kinds: new Map() };
  const failures: string[] = [];
  for (const m of mutants) {
    const started = performance.now();
    let plan: LinkPlan | null = null;
    try {
      plan = planLink(m.bytes, file, host.target());
    } catch (e) {
      if (!(e instanceof LinkError)) {
        failures.push(`${m.label}: ${(e as Error).name}: ${(e as Error).message}`);
        continue;
      }
      if (!e.message.startsWith(`${file}: cannot link`) || e.problems.length === 0) failures.push(`${m.label}: LinkError without problems: ${e.message}`);
      for (const p of e.problems) tally.kinds.set(p.kind, (tally.kinds.get(p.kind) ?? 0) + 1);
      tally.refused++;
    }
    const ms = performance.now() - started;
    if (ms > BUDGET_MS) failures.push(`${m.label}: ${ms.toFixed(0)} ms`);
    if (!plan) continue;
    tally.planned++;
    if (m.mustReject) failures.push(`${m.label}: planned, but must be refused (${m.mustReject})`);
    try {
      const linked = await applyLink(plan);
      unlink(linked);
    } catch (e) {
      failures.push(`${m.label}: applying its plan threw ${(e as Error).name}: ${(e as Error).message}`);
    }
    if (host.linked.length > 0) failures.push(`${m.label}: left a linked object`);
  }
  expect(failures).toEqual([]);
  // refused plans wrote nothing, and planned ones were unlinked without a trace
  expect(snapshot(host.session.proc)).toEqual(before);
  return tally;
}

describe('mutated shared objects', () => {
  test(`${COUNT} mutants of basic.so`, async () => {
    const tally = await run('basic.so', COUNT, SEED);
    // both outcomes are exercised: the mutants are not all rejected by the ELF parser
    expect(tally.planned).toBeGreaterThan(COUNT / 10);
    expect(tally.refused).toBeGreaterThan(COUNT / 4);
    expect(tally.kinds.get('elf')).toBeGreaterThan(0);
    expect([...tally.kinds.keys()].length).toBeGreaterThanOrEqual(3);
  });

  test('300 mutants of relr.so (packed relative relocations, symbol versions)', async () => {
    const tally = await run('relr.so', 300, SEED + 1);
    expect(tally.planned).toBeGreaterThan(30);
    expect(tally.refused).toBeGreaterThan(50);
  });
});
