// Crashing programs: under dsu they die of the same signal as natively, the
// program's own output is unchanged, and stderr carries a one-line report
// naming the signal, the faulting function and instruction, then a
// backtrace through the real callers (across libc for a qsort callback).
import { describe, expect, test } from 'vitest';
import fs from 'node:fs';
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { BUILD, runDsu, runNative } from '../helpers/run.js';

interface Case {
  name: string;
  signal: string;
  signo: number;
  /** Function in the first line and frame #0 (null: the pc is outside every module). */
  crash: string | null;
  /** Function names expected in the backtrace, in order (other frames may come between). */
  chain: string[];
  /** What the first line shows for the instruction. */
  instruction: RegExp;
  /** What the parenthesised cause says ({exe} stands for the program's name). */
  cause?: string;
}

const CASES: Case[] = [
  { name: 'null_deref', signal: 'SIGSEGV', signo: 11, crash: 'crash_here', chain: ['crash_here', 'middle', 'outer', 'main'], instruction: /: mov \S+ ptr \[e\w\w\], e\w\w$/ },
  { name: 'rodata_write', signal: 'SIGSEGV', signo: 11, crash: 'capitalise', chain: ['capitalise', 'shout', 'main'], instruction: /: \w+ byte ptr \[e\w\w\]/, cause: 'in r-- mapping of {exe})' },
  { name: 'illegal', signal: 'SIGILL', signo: 4, crash: 'trap_here', chain: ['trap_here', 'check', 'main'], instruction: /: ud2$/ },
  { name: 'divzero', signal: 'SIGFPE', signo: 8, crash: 'divide', chain: ['divide', 'average', 'main'], instruction: /: idiv / },
  { name: 'stack_overflow', signal: 'SIGSEGV', signo: 11, crash: 'recurse', chain: ['recurse', 'recurse', 'descend', 'main'], instruction: /: \w+/, cause: '(stack overflow: invalid memory access at address 0x' },
  { name: 'qsort_callback', signal: 'SIGSEGV', signo: 11, crash: 'compare_values', chain: ['compare_values', 'qsort', 'sort_values', 'main'], instruction: /: mov / },
  { name: 'signal_handler', signal: 'SIGSEGV', signo: 11, crash: 'on_signal', chain: ['on_signal', '<signal handler called>', 'raise', 'trigger', 'main'], instruction: /: mov / },
  { name: 'call_null', signal: 'SIGSEGV', signo: 11, crash: null, chain: ['dispatch', 'main'], instruction: /: code not readable$/ },
];

interface FrameLine {
  name: string;
  module: string | null;
}

/**
 * "#3 0x080495f5 main+0x45 (prog)", "#1..#9 0x... recurse+0x33 (prog) [same frame 9 times]",
 * "#0 0x00000000 ??", "#1 0x... <signal handler called>"
 */
function parseFrame(line: string): FrameLine | null {
  if (/^ {2}#\d+ 0x[0-9a-f]{8} <signal handler called>$/.test(line)) return { name: '<signal handler called>', module: null };
  const m = /^ {2}#\d+(?:\.\.#\d+)? 0x[0-9a-f]{8} (?:(\S+?)(?:\+0x[0-9a-f]+)? \(([^)]+)\)|\((\S+)\+0x[0-9a-f]+\)|\?\?)/.exec(line);
  if (!m) return null;
  if (m[1]) return { name: m[1], module: m[2] };
  return { name: '??', module: m[3] ?? null };
}

/** gcc may move parts of a function out (trap_here.cold) or clone it (.part.0, .isra.0). */
const isFunction = (found: string, expected: string): boolean => found === expected || found.startsWith(expected + '.');

function reportOf(stderr: string): { first: string; frames: FrameLine[]; lines: string[] } {
  // notices about syscalls other areas do not implement yet are not part of the report
  const lines = stderr.split('\n').filter((l) => l.length > 0 && !/^dsu: unsupported syscall /.test(l));
  const bt = lines.indexOf('backtrace:');
  const frames = bt < 0 ? [] : lines.slice(bt + 1).map(parseFrame).filter((f): f is FrameLine => f !== null);
  return { first: lines[0] ?? '', frames, lines };
}

describe('fault reports', () => {
  for (const c of CASES) {
    for (const variant of ['dyn', 'static'] as const) {
      test(`${c.name} (${variant})`, async () => {
        const program = path.join(BUILD, 'faults', `${c.name}.${variant}`);
        const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'dsu-fault-'));
        try {
          const native = await runNative(program, { cwd });
          const dsu = await runDsu(program, { cwd });
          expect(native.status).toBe(128 + c.signo);
          expect(dsu.status).toBe(native.status);
          expect(dsu.stdout.toString()).toBe(native.stdout.toString());

          const stderr = dsu.stderr.toString();
          expect(stderr).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
          expect(stderr).not.toMatch(/internal error|TypeError|RangeError/);
          const { first, frames } = reportOf(stderr);
          const exe = path.basename(program);
          expect(first).toMatch(new RegExp(`^dsu: ${exe.replace('.', '\\.')}: ${c.signal} \\(.+\\) at 0x[0-9a-f]{8}`));
          expect(first).toMatch(c.instruction);
          if (c.cause) expect(first).toContain(c.cause.replace('{exe}', exe));
          if (c.crash) {
            const where = / in (\S+?)(?:\+0x[0-9a-f]+)? \(([^)]+)\): /.exec(first);
            expect(where, first).not.toBeNull();
            expect(isFunction(where![1], c.crash), first).toBe(true);
            expect(where![2]).toBe(exe);
            expect(isFunction(frames[0]?.name ?? '', c.crash)).toBe(true);
          } else {
            expect(first).not.toContain(' in ');
            expect(frames[0]?.name).toBe('??');
          }

          // the chain appears in order, frame #0 first
          let at = c.crash ? 0 : 1;
          for (const name of c.chain) {
            while (at < frames.length && !isFunction(frames[at].name, name)) at++;
            expect(at, `${name} in backtrace:\n${stderr}`).toBeLessThan(frames.length);
            at++;
          }
          expect(frames.filter((f) => f.name === 'main')).toHaveLength(1);
          if (c.name === 'qsort_callback') {
            const qsort = frames.find((f) => f.name === 'qsort')!;
            expect(qsort.module).toBe(variant === 'dyn' ? 'libc.so.6' : exe);
          }
        } finally {
          fs.rmSync(cwd, { recursive: true, force: true });
        }
      });
    }
  }

  test('a stripped program is symbolized from its debug file, found by build ID inside --root', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dsu-root-'));
    try {
      const full = path.join(BUILD, 'faults', 'null_deref.static');
      execFileSync('strip', ['--strip-all', '-o', path.join(root, 'prog'), full]);
      const id = /Build ID: ([0-9a-f]+)/.exec(execFileSync('readelf', ['-n', full], { encoding: 'utf8' }))![1];
      const before = reportOf((await runDsu('/prog', { cwd: root }, ['--root', root])).stderr.toString());
      // no symbols, but the CFI kept by strip still finds every caller
      expect(before.first).toMatch(/ in \(prog\+0x[0-9a-f]+\): /);
      const debugDir = path.join(root, 'usr', 'lib', 'debug', '.build-id', id.slice(0, 2));
      fs.mkdirSync(debugDir, { recursive: true });
      execFileSync('objcopy', ['--only-keep-debug', full, path.join(debugDir, `${id.slice(2)}.debug`)]);
      const after = reportOf((await runDsu('/prog', { cwd: root }, ['--root', root])).stderr.toString());
      expect(after.first).toMatch(/ in crash_here\+0x[0-9a-f]+ \(prog\): /);
      expect(after.frames.map((f) => f.name).slice(0, 4)).toEqual(['crash_here', 'middle', 'outer', 'main']);
      expect(after.frames.length).toBe(before.frames.length);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  test('a recursion thousands of frames deep is folded into one line', async () => {
    const dsu = await runDsu(path.join(BUILD, 'faults', 'stack_overflow.static'));
    const folded = dsu.stderr.toString().split('\n').filter((l) => /^ {2}#1\.\.#\d+ .* recurse\+0x[0-9a-f]+ .*\[same frame (\d+) times\]$/.test(l));
    expect(folded, dsu.stderr.toString()).toHaveLength(1);
    const times = Number(/\[same frame (\d+) times\]/.exec(folded[0])![1]);
    // an 8 MiB stack of recursion frames of less than 200 bytes
    expect(times).toBeGreaterThan(40_000);
  });
});
