// dsu run's strace options against the real strace's: -e filters (trace=
// with classes, status=, signal=), -T, -tt and -r line forms, -o, and the
// trace never mixed mid-line into the program's own stderr.
import { describe, expect, test } from 'vitest';
import path from 'node:path';
import { BUILD, runDsu } from '../helpers/run.js';
import { dsuStrace, normalise, realStrace } from '../helpers/strace-compare.js';

const sample = (name: string): string => path.join(BUILD, 'strace', `${name}.dyn`);

describe('--strace-filter as strace -e', () => {
  // trace= sets include prctl, the program's marker call: what comes before
  // it is the dynamic loader's (whose memory calls differ a little)
  for (const [program, specs] of [
    ['trace_net', ['trace=%net,write,prctl']],
    ['trace_files', ['trace=%file,prctl']],
    ['trace_files', ['trace=!%memory']],
    ['trace_files', ['trace=/^(open|close|prctl)', 'status=successful']],
    ['trace_signals', ['trace=%signal,prctl', 'signal=!SIGUSR2']],
    ['trace_memory', ['trace=%memory,%desc,prctl']],
    ['trace_files', ['status=failed']],
    ['trace_net', ['status=!successful']],
  ] as const) {
    test(`${program}: ${specs.join(' ')}`, async () => {
      const file = sample(program);
      const [ours, theirs] = await Promise.all([
        dsuStrace(file, specs.flatMap((s) => ['--strace-filter', s])),
        realStrace(file, specs.flatMap((s) => ['-e', s])),
      ]);
      const marked = specs.some((s) => s.includes('prctl'));
      // without the marker (status= alone), the whole trace
      const from = (lines: string[]): string[] => (marked ? lines : ['0 "trace-begin"', ...lines]);
      const got = normalise(from(ours.lines)).filter((l) => !l.includes(' "trace-begin"'));
      const want = normalise(from(theirs.lines)).filter((l) => !l.includes(' "trace-begin"'));
      expect(want.length).toBeGreaterThan(1);
      expect(got).toEqual(want);
    }, 180_000);
  }

  test('bad filters are refused before the program runs (exit 2)', async () => {
    for (const spec of ['trace=nosuchcall', '%nosuchclass', 'status=sometimes', 'signal=SIGNOPE', 'verbose=all']) {
      const r = await runDsu(sample('trace_misc'), {}, ['--strace-filter', spec]);
      expect(r.status, spec).toBe(2);
      expect(r.stderr.toString(), spec).toMatch(/--strace-filter/);
      expect(r.stdout.toString(), spec).toBe('');
    }
  }, 120_000);
});

describe('timing columns as strace prints them', () => {
  test('-T, -tt and -r', async () => {
    const program = sample('trace_misc');
    const ours = await dsuStrace(program, ['-T', '-tt', '-r']);
    const theirs = await realStrace(program, ['-T', '-tt', '-r']);
    const form = /^\d+ +\d\d:\d\d:\d\d\.\d{6} \(\+ +\d+\.\d{6}\) /;
    for (const lines of [ours.lines, theirs.lines]) {
      const calls = lines.filter((l) => / = /.test(l) && !/ = \?$/.test(l));
      expect(calls.length).toBeGreaterThan(20);
      for (const l of lines) expect(l).toMatch(form);
      for (const l of calls) expect(l).toMatch(/ <\d+\.\d{6}>$/);
    }
    // -r: the first line starts the count
    expect(ours.lines[0]).toMatch(/\(\+ +0\.000000\) execve\(/);
  }, 180_000);
});

describe('the trace and the program\'s stderr', () => {
  test('--strace: whole lines on stderr, none cut by the program\'s, nor cutting them', async () => {
    const r = await runDsu(sample('trace_stderr'), {}, ['--strace']);
    expect(r.status).toBe(0);
    const lines = r.stderr.toString().split('\n');
    const program = lines.filter((l) => /^(main|thread) line \d+ of the program$/.test(l));
    expect(program.length).toBe(200);
    const trace = lines.filter((l) => l.length > 0 && !program.includes(l));
    for (const l of trace) expect(l).toMatch(/^(\[pid +\d+\] )?([a-z_0-9]+\(.*\) += .*|[a-z_0-9]+\(.* <unfinished \.\.\.>|<\.\.\. [a-z_0-9]+ resumed>.* = .*|\+\+\+ .* \+\+\+|--- .* ---)$/);
    expect(trace.filter((l) => /write\(2, "(main|thread) line/.test(l)).length).toBe(200);
  }, 180_000);

  test('-o FILE: stderr holds only the program\'s lines', async () => {
    const ours = await dsuStrace(sample('trace_stderr'));
    expect(ours.status).toBe(0);
    const lines = ours.stderr.split('\n').filter((l) => l.length > 0);
    expect(lines.length).toBe(200);
    for (const l of lines) expect(l).toMatch(/^(main|thread) line \d+ of the program$/);
    expect(ours.lines.filter((l) => /^\d+ +write\(2, /.test(l) || /<\.\.\. write resumed>/.test(l)).length).toBeGreaterThanOrEqual(200);
  }, 180_000);
});
