// The type checks see every thread's stack, not only the one of the thread
// last on the CPU: in mtjobs the main thread wakes every few milliseconds
// while a worker sits in job_loop (struct job on its stack, blocked in read). A patch that changes struct job's layout and
// replaces job_loop finds job_loop active (--check names it); with
// --relaxed, which would leave the worker's old frame running on the old
// layout, check 3 refuses it, naming job_loop as on the stack; and the
// program goes on with its old code.
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { BUILD } from '../helpers/run.js';
import { PATCH } from '../helpers/patch-cases.js';
import { DsuProgram, patchCli, startUnderDsu, statusCli } from '../helpers/patching.js';

const PROGRAM = path.join(BUILD, 'mtjobs', 'mtjobs');
let dsu: DsuProgram | null = null;

afterEach(async () => {
  await dsu?.stop();
  dsu = null;
});

describe('type checks over every thread', () => {
  test('a replaced function live only in a worker thread is seen: active for --check, refused by check 3 with --relaxed', async () => {
    dsu = await startUnderDsu(PROGRAM, [], /^ready$/m);
    dsu.write('a');
    // the worker has been through job_loop once and waits in read() inside it again
    await dsu.waitForOutput(/^job 1: 1$/m);

    const check = await patchCli(dsu.socket, PATCH('mtjobs-layout'), ['--check']);
    expect(check.stderr).toBe('');
    expect(check.status).toBe(0);
    const report = check.report as unknown as { activeNow: string[]; stack: string[] };
    expect(report.activeNow).toEqual(['job_loop (mtjobs)']);
    expect(report.stack.some((s) => /^job_loop\b/.test(s))).toBe(true);

    for (const extra of [['--check', '--relaxed'], ['--relaxed']]) {
      const r = await patchCli(dsu.socket, PATCH('mtjobs-layout'), extra);
      expect(r.status, r.stderr).toBe(4);
      expect(r.stderr).toMatch(/refused by check 3: struct job: its layout differs[^]*uses the old layout: [^;]*job_loop \([^)]*on the stack\)/);
    }
    expect((await statusCli(dsu.socket)).patches).toEqual([]);
    dsu.write('b');
    await dsu.waitForOutput(/^job 1: 2$/m);
    expect(dsu.stderr()).not.toMatch(/SIGSEGV|internal error/);
  }, 120_000);
});
