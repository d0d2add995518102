// Mutated programs and interpreters under `dsu run`, compared with the
// kernel running the same file: mutants of a PIE hello, a static hello, and
// of ld-linux.so.2 (as the PT_INTERP of an intact hello). Each is run
// natively and under dsu, both sandboxed (helpers/sandbox-run.ts). For each
// one, dsu must give the native result (same stdout and exit status, or
// both still running at the time limit), or refuse it with one clear line
// ("dsu: ...", status 126/127, nothing on stdout) within 2 s of CPU time
// (dsu's start-up included; wall time is recorded too, but on a machine
// shared with other work it measures the other work). A native refusal (execve failing) must be
// matched by such a refusal; a dsu refusal of a file the kernel runs is
// allowed and counted.
//
// The normal run takes a sample (DSU_RUN_FUZZ_COUNT, default 24); `npm run
// fuzz:run` runs 1,000 and DSU_FUZZ_REPORT=FILE keeps the tally (numbers in
// docs/FUZZING.md). Mutants are structural (headers, segments, sections,
// dynamic entries, symbols, relocations, strings, notes, truncations), not
// flips of machine code: what code does is the CPU tests' subject.
import { afterAll, beforeAll, expect, test } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BUILD } from '../helpers/run.js';
import { Mutant, Rng, structuredMutants } from '../helpers/elf-mutate.js';
import { spreadSample } from '../helpers/mutant-sample.js';
import { SandboxOutcome, runDsuSandboxed, runNativeSandboxed, sandboxAvailable } from '../helpers/sandbox-run.js';

const COUNT = Number(process.env.DSU_RUN_FUZZ_COUNT ?? 24);
const SEED = Number(process.env.DSU_FUZZ_SEED ?? 0x7e11);
const NATIVE_LIMIT_MS = 10_000;
const DSU_LIMIT_MS = 60_000;
const REFUSAL_MS = 2_000;
const INTERP = '/lib/ld-linux.so.2';
const HELLO_DYN = path.join(BUILD, 'conformance', 'hello.dyn');
const HELLO_STATIC = path.join(BUILD, 'conformance', 'hello.static');

type Verdict = 'identical' | 'refused-both' | 'refused-by-dsu' | 'both-running' | 'different' | 'unclear-refusal' | 'slow-refusal' | 'dsu-hang';

interface Attempt {
  base: string;
  mutant: Mutant;
}

let dir = '';

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dsu-run-fuzz-'));
  // the sandboxed runs are user nobody
  fs.chmodSync(dir, 0o755);
});

afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** hello.dyn with PT_INTERP "./ld.so": the mutated interpreter next to it. */
function helloWithLocalInterpreter(): Buffer {
  const hello = Buffer.from(fs.readFileSync(HELLO_DYN));
  const at = hello.indexOf(INTERP + '\0', 0, 'latin1');
  if (at < 0) throw new Error(`hello.dyn has no PT_INTERP ${INTERP}`);
  hello.fill(0, at, at + INTERP.length);
  hello.write('./ld.so', at, 'latin1');
  return hello;
}

function attempts(count: number): Attempt[] {
  const rng = new Rng(SEED);
  const bases: [string, Uint8Array][] = [
    ['hello.dyn', new Uint8Array(fs.readFileSync(HELLO_DYN))],
    ['hello.static', new Uint8Array(fs.readFileSync(HELLO_STATIC))],
    ['ld.so', new Uint8Array(fs.readFileSync(fs.realpathSync(INTERP)))],
  ];
  const per = bases.map(([base, bytes], i) => spreadSample(structuredMutants(bytes, SEED + i), Math.ceil(count / bases.length), rng).map((mutant) => ({ base, mutant })));
  const out: Attempt[] = [];
  for (let i = 0; out.length < count && per.some((p) => i < p.length); i++) for (const p of per) if (i < p.length && out.length < count) out.push(p[i]);
  return out;
}

/** Writes the files of one attempt; returns the program to run. */
function stage(a: Attempt): string {
  for (const f of ['prog', 'ld.so']) fs.rmSync(path.join(dir, f), { force: true });
  if (a.base === 'ld.so') {
    fs.writeFileSync(path.join(dir, 'ld.so'), a.mutant.bytes, { mode: 0o755 });
    fs.writeFileSync(path.join(dir, 'prog'), helloWithLocalInterpreter(), { mode: 0o755 });
  } else {
    fs.writeFileSync(path.join(dir, 'prog'), a.mutant.bytes, { mode: 0o755 });
  }
  return './prog';
}

/** The kernel refused to execute it. */
const nativeRefused = (n: SandboxOutcome): boolean => /^exec-direct: execve /m.test(n.stderr);

function clearRefusal(d: SandboxOutcome): boolean {
  const lines = d.stderr.split('\n').filter((l) => l !== '');
  return (d.status === 126 || d.status === 127) && d.stdout.length === 0 && lines.length === 1 && /^dsu: \.\/prog: /.test(lines[0]) && !/internal error/.test(lines[0]);
}

function verdict(n: SandboxOutcome, d: SandboxOutcome): Verdict {
  const slow = (d.cpuMs ?? Infinity) > REFUSAL_MS;
  if (d.status === null) return n.status === null ? 'both-running' : 'dsu-hang';
  const refusal = clearRefusal(d);
  if (nativeRefused(n)) {
    if (!refusal) return 'unclear-refusal';
    return slow ? 'slow-refusal' : 'refused-both';
  }
  if (n.status !== null && d.status === n.status && d.stdout.equals(n.stdout)) return 'identical';
  if (refusal) return slow ? 'slow-refusal' : 'refused-by-dsu';
  return 'different';
}

test.skipIf(!sandboxAvailable())(`${COUNT} mutated programs and interpreters: dsu runs them as the kernel does, or refuses them clearly`, async () => {
  // what dsu takes to refuse a file at all, on this machine now
  fs.writeFileSync(path.join(dir, 'prog'), '', { mode: 0o755 });
  const baseline = await runDsuSandboxed('./prog', dir, DSU_LIMIT_MS);
  expect(clearRefusal(baseline), baseline.stderr).toBe(true);

  const tally = new Map<Verdict, string[]>();
  const refusals: { wall: number; cpu: number }[] = [];
  for (const a of attempts(COUNT)) {
    const program = stage(a);
    const n = await runNativeSandboxed(program, dir, NATIVE_LIMIT_MS);
    const d = await runDsuSandboxed(program, dir, DSU_LIMIT_MS);
    const v = verdict(n, d);
    if (v === 'refused-both' || v === 'refused-by-dsu' || v === 'slow-refusal') refusals.push({ wall: d.ms, cpu: d.cpuMs ?? NaN });
    const detail = v === 'identical' || v === 'refused-both' ? '' : `: native ${n.status} ${JSON.stringify(n.stdout.toString('latin1').slice(0, 60))} ${n.stderr.slice(0, 120).trim()} | dsu ${d.status} ${JSON.stringify(d.stdout.toString('latin1').slice(0, 60))} ${d.stderr.slice(0, 300).trim()} (${Math.round(d.ms)} ms, cpu ${d.cpuMs} ms)`;
    tally.set(v, [...(tally.get(v) ?? []), `${a.base} ${a.mutant.label}${detail}`]);
    if (v === 'different' || v === 'dsu-hang' || v === 'unclear-refusal') fs.writeFileSync(path.join(os.tmpdir(), `dsu-run-fuzz-${a.base}-${tally.get(v)!.length}`), a.mutant.bytes);
  }

  const quantiles = (values: number[]): { p50: number; p95: number; max: number } => {
    const v = [...values].sort((x, y) => x - y);
    const at = (q: number): number => Math.round(v[Math.min(v.length - 1, Math.floor(q * v.length))] ?? 0);
    return { p50: at(0.5), p95: at(0.95), max: at(1) };
  };
  const summary = {
    attempts: COUNT, seed: SEED, emptyFileRefusal: { wallMs: Math.round(baseline.ms), cpuMs: baseline.cpuMs },
    refusalWallMs: quantiles(refusals.map((r) => r.wall)), refusalCpuMs: quantiles(refusals.map((r) => r.cpu)),
    counts: Object.fromEntries([...tally].map(([k, v]) => [k, v.length])),
    notIdentical: Object.fromEntries([...tally].filter(([k]) => k !== 'identical' && k !== 'refused-both')),
  };
  if (process.env.DSU_FUZZ_REPORT) fs.writeFileSync(process.env.DSU_FUZZ_REPORT, JSON.stringify(summary, null, 1) + '\n');
  expect(tally.get('different') ?? [], 'dsu ran it and the result differs from native').toEqual([]);
  expect(tally.get('dsu-hang') ?? [], 'dsu still running when the kernel had finished').toEqual([]);
  expect(tally.get('unclear-refusal') ?? [], 'the kernel refused it; dsu did not refuse it in one line').toEqual([]);
  expect(tally.get('slow-refusal') ?? [], `refusals taking more than ${REFUSAL_MS} ms of CPU time`).toEqual([]);
}, 24 * 3600_000);
