// `dsu run --strace-file` against the real `strace -f -o` of the same program
// run natively (Debian's strace): line by line, after normalising pids,
// addresses, times and the few values that differ by design (see
// test/helpers/strace-compare.ts). Each sample exercises one family of calls
// whose arguments strace decodes: files, memory, sockets, signals, limits and
// clocks, threads.
import { describe, expect, test } from 'vitest';
import path from 'node:path';
import { BUILD } from '../helpers/run.js';
import { dsuStrace, normalise, realStrace, summaryCounts, threadLines } from '../helpers/strace-compare.js';

const sample = (name: string, variant = 'dyn'): string => path.join(BUILD, 'strace', `${name}.${variant}`);

describe('--strace matches strace -f line by line', () => {
  for (const [name, variant] of [
    ['trace_files', 'dyn'], ['trace_files', 'static'], ['trace_memory', 'dyn'], ['trace_misc', 'dyn'],
    ['trace_net', 'dyn'], ['trace_signals', 'dyn'],
  ]) {
    test(`${name}.${variant}`, async () => {
      const program = sample(name, variant);
      const [ours, theirs] = await Promise.all([dsuStrace(program), realStrace(program)]);
      const got = normalise(ours.lines);
      const want = normalise(theirs.lines);
      expect(want.length).toBeGreaterThan(10);
      expect(got).toEqual(want);
    }, 180_000);
  }

  // conformance programs, static (no loader): the whole trace, from execve on
  for (const name of ['fcntl_dup', 'inotify_events', 'cwd_at']) {
    test(`conformance/${name}.static`, async () => {
      const program = path.join(BUILD, 'conformance', `${name}.static`);
      const [ours, theirs] = await Promise.all([dsuStrace(program), realStrace(program)]);
      const want = normalise(theirs.lines);
      expect(want.length).toBeGreaterThan(10);
      expect(normalise(ours.lines)).toEqual(want);
    }, 180_000);
  }

  test('threads: each thread\'s calls, [pid N] lines joined from their unfinished and resumed halves', async () => {
    const program = sample('trace_threads');
    const [ours, theirs] = await Promise.all([dsuStrace(program), realStrace(program)]);
    const got = normalise(ours.lines);
    const want = normalise(theirs.lines);
    for (const who of ['P1', 'P2', 'P3']) {
      const mine = threadLines(got, who);
      expect(mine.length, who).toBeGreaterThan(3);
      expect(mine, who).toEqual(threadLines(want, who));
    }
  }, 180_000);

  // (fork_status waits for each child by pid: a SIGCHLD never interrupts a wait there,
  // which under ptrace it may, as strace's ERESTARTSYS lines show for other programs)
  for (const name of ['fork_status']) {
    test(`processes: each process's calls (processes/${name}.static), SIGCHLD lines included`, async () => {
      const program = path.join(BUILD, 'processes', `${name}.static`);
      const [ours, theirs] = await Promise.all([dsuStrace(program), realStrace(program)]);
      const got = normalise(ours.lines);
      const want = normalise(theirs.lines);
      const pids = [...new Set(want.map((l) => l.split(' ')[0]))];
      expect(pids.length).toBeGreaterThan(2);
      expect(want.some((l) => l.includes('--- SIGCHLD'))).toBe(true);
      for (const who of pids) {
        // a child that kills itself with SIGKILL: strace sees no return from the kill, dsu its 0
        const mine = threadLines(got, who).map((l) => l.replace(/^(tgkill\(.*SIGKILL\)) = 0$/, '$1 = ?'));
        const theirs = threadLines(want, who);
        // when a child's SIGCHLD reaches the parent depends on scheduling: compared as a set
        const chld = (lines: string[]): string[] => lines.filter((l) => l.startsWith('--- SIGCHLD')).sort();
        const rest = (lines: string[]): string[] => lines.filter((l) => !l.startsWith('--- SIGCHLD'));
        expect(rest(mine), who).toEqual(rest(theirs));
        expect(chld(mine), who).toEqual(chld(theirs));
      }
    }, 180_000);
  }

  test('the first line is the execve that started the program', async () => {
    const program = sample('trace_misc');
    const ours = await dsuStrace(program);
    expect(ours.lines[0]).toMatch(new RegExp(`^\\d+ +execve\\("${program.replace(/[.]/g, '\\.')}", \\["[^"]*"\\.\\.\\.\\], 0x[0-9a-f]+ /\\* \\d+ vars \\*/\\) = 0$`));
  }, 180_000);
});

describe('--strace-summary matches strace -c', () => {
  for (const name of ['trace_files', 'trace_net', 'trace_threads']) {
    test(`${name}: calls and errors per syscall`, async () => {
      const program = sample(name);
      const [ours, theirs] = await Promise.all([dsuStrace(program, ['--strace-summary']), realStrace(program, ['-c'])]);
      const got = summaryCounts(ours.lines);
      const want = summaryCounts(theirs.lines);
      // rseq: dsu does not offer it (glibc's first call fails and it stops asking);
      // futex: whether a lock is contended depends on scheduling
      for (const counts of [got, want]) {
        counts.delete('rseq');
        if (name === 'trace_threads') counts.delete('futex');
      }
      expect(want.size).toBeGreaterThan(10);
      expect(Object.fromEntries(got)).toEqual(Object.fromEntries(want));
      expect(ours.lines[0]).toMatch(/^% time +seconds +usecs\/call +calls +errors +syscall$/);
      expect(ours.lines.at(-1)).toMatch(/^100\.00 +\d+\.\d{6} +\d+ +\d+ +\d* +total$/);
    }, 180_000);
  }
});
