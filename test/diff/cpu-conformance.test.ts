// CPU conformance: instruction-level programs in c-samples/cpu/ that run
// every instruction family with edge operands and print results and flags
// (undefined flags masked), natively and under dsu, compared byte for byte.
//
// Programs that test optional families (SSE4, BMI...) take the families to
// run as arguments and refuse one their CPUID lacks. cpuid_probe lists what
// CPUID advertises natively and under dsu; each program runs the families
// both advertise. dsu must advertise at least DSU_FAMILIES, so that a
// family it stops advertising fails here instead of going untested; one the
// host CPU lacks is reported and skipped.
import { describe, expect, test } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BUILD, runDsu, runNative } from '../helpers/run.js';

/** What dsu's CPUID advertises (emulator/engine/cpu-features.ts). */
const DSU_FAMILIES = ['mmx', 'sse', 'sse2', 'sse3', 'pclmul', 'ssse3', 'sse4.1', 'sse4.2', 'movbe', 'popcnt', 'aes', 'xsave', 'bmi1', 'bmi2', 'adx', 'lzcnt', 'rdtscp'];

/** Programs and the optional families each one tests ([] = only what every i686 with SSE2 has). */
const PROGRAMS: Array<[string, string[]]> = [
  ['alu_flags', []],
  ['int_ops', []],
  ['bits_ext', ['popcnt', 'lzcnt', 'movbe', 'bmi1', 'bmi2', 'adx']],
  ['simd_int', ['mmx', 'sse2', 'ssse3', 'sse4.1', 'sse4.2']],
];

function probe(run: typeof runNative): Promise<string[]> {
  return run(path.join(BUILD, 'cpu', 'cpuid_probe.static')).then((o) => o.stdout.toString().trim().split(/\s+/));
}

const families = (async () => {
  const [native, dsu] = await Promise.all([probe(runNative), probe(runDsu)]);
  return { native, dsu, both: dsu.filter((f) => native.includes(f)) };
})();

async function compare(name: string, variant: string, args: string[]): Promise<string> {
  const program = path.join(BUILD, 'cpu', `${name}.${variant}`);
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'dsu-cpu-'));
  try {
    const native = await runNative(program, { cwd, args, timeoutMs: 240_000 });
    const dsu = await runDsu(program, { cwd, args, timeoutMs: 240_000 });
    expect(native.stderr.toString()).toBe('');
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
  test('dsu advertises every family it is meant to; what the host lacks is named', async () => {
    const { native, dsu } = await families;
    expect(DSU_FAMILIES.filter((f) => !dsu.includes(f))).toEqual([]);
    const missing = DSU_FAMILIES.filter((f) => !native.includes(f));
    if (missing.length > 0) console.warn(`the host CPU lacks ${missing.join(', ')}: those families are not compared`);
  });

  for (const [name, optional] of PROGRAMS) {
    for (const variant of ['dyn', 'static']) {
      test(`${name} (${variant})`, async () => {
        const { both } = await families;
        const args = optional.filter((f) => both.includes(f));
        if (optional.length > 0) expect(args.length).toBeGreaterThan(0);
        const out = await compare(name, variant, args);
        expect(out.split('\n').length).toBeGreaterThan(1000);
      }, 600_000);
    }
  }
});
