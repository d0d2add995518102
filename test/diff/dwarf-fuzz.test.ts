// Robustness of loader/dwarf: the DWARF sections of real programs (the
// sample built as DWARF 5 and 4, a server) are mutated with a fixed seed, at
// least 1,200 mutants in all, and read with every question the patcher asks
// (units, DIEs, names, types, C declarations, layout comparison, line
// tables, ranges, locations). Each must give an answer or a DwarfError;
// anything else, or taking longer than the time bound, is a bug. The reader
// runs in a worker over dist/ so that a hang can be stopped and blamed.
import fs from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, test } from 'vitest';
import { parseElf } from '../../loader/elf/elf-file.js';
import { debugSections, DEBUG_SECTION_NAMES, type DebugSectionName } from '../../loader/dwarf/sections.js';
import { BUILD, REPO } from '../helpers/run.js';
import { Rng } from '../helpers/elf-mutate.js';

const SEED = Number(process.env.DSU_FUZZ_SEED ?? 0xd3a4f);
const PER_FILE = Number(process.env.DSU_FUZZ_COUNT ?? 400);
/** One input takes milliseconds; this much is a hang. */
const PER_INPUT_MS = 10_000;
const FILES = ['dwarf/types-v5', 'dwarf/types-v4', 'kvstore/kvstore-v1'];

type SectionMap = Partial<Record<DebugSectionName, Uint8Array>>;

function sectionsOf(file: string): SectionMap {
  const full = path.join(BUILD, file);
  const s = debugSections(parseElf(new Uint8Array(fs.readFileSync(full)), full));
  const map: SectionMap = {};
  for (const n of DEBUG_SECTION_NAMES) {
    const b = s.get(n);
    if (b) map[n] = new Uint8Array(b);
  }
  return map;
}

const INTERESTING = [0, 1, 0x7f, 0x80, 0xff, 0xffff, 0x7fffffff, 0x80000000, 0xfffffff0, 0xffffffff];

/** One mutant: one section changed one way, named for the failure message. */
function mutate(base: SectionMap, rng: Rng): { map: SectionMap; what: string } {
  const names = Object.keys(base) as DebugSectionName[];
  // the tree and its tables are where corruption hurts most
  const weighted = names.flatMap((n) => (n === '.debug_info' || n === '.debug_abbrev' || n === '.debug_line' ? [n, n, n] : [n]));
  const name = rng.pick(weighted);
  const bytes = new Uint8Array(base[name]!);
  let out = bytes;
  let what: string;
  const at = rng.below(bytes.length);
  switch (rng.below(6)) {
    case 0: {
      const n = 1 + rng.below(8);
      for (let i = 0; i < n; i++) bytes[rng.below(bytes.length)] = rng.below(256);
      what = `${n} random bytes`;
      break;
    }
    case 1:
      out = bytes.subarray(0, at);
      what = `truncated to ${at}`;
      break;
    case 2: {
      const v = rng.pick(INTERESTING);
      new DataView(bytes.buffer).setUint32(Math.min(at, bytes.length - 4) & ~3, v, true);
      what = `u32 0x${v.toString(16)} at ${at & ~3}`;
      break;
    }
    case 3:
      bytes[at] |= 0x80;
      if (at + 1 < bytes.length) bytes[at + 1] |= 0x80;
      what = `continuation bits at ${at}`;
      break;
    case 4:
      bytes[at] = rng.pick([0, 1, 0x21, 0x16, 0xff]);
      what = `byte ${bytes[at]} at ${at}`;
      break;
    default: {
      const len = 1 + rng.below(64);
      bytes.copyWithin(at, rng.below(bytes.length), rng.below(bytes.length) + len);
      what = `${len} bytes moved to ${at}`;
    }
  }
  return { map: { ...base, [name]: out }, what: `${name}: ${what}` };
}

class Probe {
  private worker = this.start();

  private start(): Worker {
    return new Worker(path.join(REPO, 'test', 'helpers', 'dwarf-probe-worker.mjs'), { resourceLimits: { maxOldGenerationSizeMb: 768 } });
  }

  run(map: SectionMap): Promise<{ ok: boolean; name?: string; message?: string; stack?: string } | 'timeout'> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        void this.worker.terminate();
        this.worker = this.start();
        resolve('timeout');
      }, PER_INPUT_MS);
      this.worker.once('message', (m) => {
        clearTimeout(timer);
        resolve(m);
      });
      this.worker.postMessage(map);
    });
  }

  stop(): Promise<number> {
    return this.worker.terminate();
  }
}

describe('mutated DWARF sections', () => {
  const probe = new Probe();
  afterAll(() => probe.stop());

  test.each(FILES)('%s: every mutant gives an answer or a DwarfError, in time', async (file) => {
    const base = sectionsOf(file);
    expect(Object.keys(base)).toContain('.debug_info');
    const first = await probe.run(base);
    expect(first).toMatchObject({ ok: true });
    const rng = new Rng(SEED ^ file.length);
    const counts = { ok: 0, DwarfError: 0 };
    for (let i = 0; i < PER_FILE; i++) {
      const { map, what } = mutate(base, rng);
      const r = await probe.run(map);
      if (r === 'timeout') throw new Error(`${file} mutant #${i} (${what}) took over ${PER_INPUT_MS} ms`);
      if (r.ok) counts.ok++;
      else if (r.name === 'DwarfError') counts.DwarfError++;
      else throw new Error(`${file} mutant #${i} (${what}): ${r.name}: ${r.message}\n${r.stack}`);
    }
    // the mutants must reach the reader's checks, not only pass through
    expect(counts.DwarfError).toBeGreaterThan(PER_FILE / 10);
    expect(counts.ok + counts.DwarfError).toBe(PER_FILE);
  }, 900_000);
});
