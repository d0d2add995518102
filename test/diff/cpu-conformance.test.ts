// CPU conformance: instruction-level programs in c-samples/cpu/ that run
// every instruction family with edge operands and print results and flags
// (undefined flags masked), natively and under dsu, compared byte for byte.
import { describe, expect, test } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BUILD, runDsu, runNative } from '../helpers/run.js';

/** Programs that use only what every i686 with SSE2 has. */
const BASE = ['alu_flags', 'int_ops'];

async function compare(name: string, variant: string, args: string[] = []): Promise<string> {
  const program = path.join(BUILD, 'cpu', `${name}.${variant}`);
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'dsu-cpu-'));
  try {
    const native = await runNative(program, { cwd, args, timeoutMs: 240_000 });
    const dsu = await runDsu(program, { cwd, args, timeoutMs: 240_000 });
    expect(native.status).toBe(0);
    expect(dsu.stderr.toString()).toBe(native.stderr.toString());
    // the first differing line, rather than a diff of thousands
    const nat = native.stdout.toString().split('\n');
    const emu = dsu.stdout.toString().split('\n');
    const first = nat.findIndex((line, i) => line !== emu[i]);
    expect(first < 0 && nat.length === emu.length ? '' : `line ${first + 1}: native "${nat[first]}", dsu "${emu[first]}"`).toBe('');
    expect(dsu.status).toBe(native.status);
    return native.stdout.toString();
  } finally {
    fs.rmSync(cwd, { recursive: true, force: true });
  }
}

describe('CPU conformance: native vs dsu', () => {
  for (const name of BASE) {
    for (const variant of ['dyn', 'static']) {
      test(`${name} (${variant})`, async () => {
        const out = await compare(name, variant);
        expect(out.split('\n').length).toBeGreaterThan(1000);
      }, 600_000);
    }
  }
});
