// Real gdb (Debian's, batch mode) against `dsu run --gdb 0`: the program is
// held before its first instruction, gdb finds ld.so and libc itself (auxv),
// breaks in main and in a libc function, reads registers, memory and a struct
// on the stack, backtraces through libc, and continues to the exit, whose
// status it sees; the program's own output is the native one.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { BUILD, DSU } from '../helpers/run.js';

const SHAPES = path.join(BUILD, 'gdb', 'shapes.O0');
const WORKERS = path.join(BUILD, 'gdb', 'workers.O0');
const NULL_DEREF = path.join(BUILD, 'faults', 'null_deref.dyn');
const COUNTER = path.join(BUILD, 'counter', 'counter-v1');
const COUNTER_V2 = path.join(BUILD, 'patches', 'counter-v1-v2.so');
const hasGdb = spawnSync('gdb', ['--version']).status === 0;

interface Debugged { gdb: string; stdout: string; stderr: string; status: number | null }

/** Run `program` under `dsu run --gdb 0` and drive it with gdb's batch commands. */
async function debug(program: string, commands: string[], opts: { dsuOptions?: string[]; stdin?: string } = {}): Promise<Debugged> {
  const dsu = spawn('node', [DSU, 'run', '--gdb', '0', ...(opts.dsuOptions ?? []), program], { stdio: ['pipe', 'pipe', 'pipe'] });
  // the program's whole input (it reads it only once gdb lets it run)
  dsu.stdin.end(opts.stdin ?? '');
  let stdout = '';
  let stderr = '';
  dsu.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  const port = await new Promise<string>((resolve, reject) => {
    dsu.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      const m = /waiting for gdb on 127\.0\.0\.1:(\d+)/.exec(stderr);
      if (m) resolve(m[1]);
    });
    dsu.on('exit', () => reject(new Error(`dsu exited before listening: ${stderr}`)));
  });
  const args = ['-nx', '-batch', '-ex', 'set pagination off', '-ex', 'set confirm off', '-ex', `target remote 127.0.0.1:${port}`];
  for (const c of commands) args.push('-ex', c);
  const gdb = await new Promise<{ stdout: string; stderr: string }>((resolve) => {
    const child = spawn('gdb', [...args, program], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => child.kill(), 120_000);
    child.on('exit', () => { clearTimeout(timer); resolve({ stdout: out, stderr: err }); });
  });
  const status = await new Promise<number | null>((resolve) => {
    if (dsu.exitCode !== null) resolve(dsu.exitCode);
    else dsu.on('exit', (code) => resolve(code));
  });
  return { gdb: gdb.stdout + gdb.stderr, stdout, stderr, status };
}

describe.skipIf(!hasGdb)('dsu run --gdb with real gdb', () => {
  test('break in main and in libc, bt, registers, x/4i, a struct, continue to exit', async () => {
    const native = spawnSync(SHAPES, { encoding: 'utf8' });
    const r = await debug(SHAPES, [
      'break shapes.c:20',
      'continue',
      'print box',
      'print box.name',
      'info registers eip esp',
      'x/4i $pc',
      'break puts',
      'continue',
      'bt',
      'print area_total',
      'delete',
      'continue',
    ]);
    expect(r.gdb).toMatch(/Breakpoint 1, main \(\) at .*shapes\.c:20/);
    expect(r.gdb).toMatch(/\$1 = \{width = 3, height = 4, name = 0x[0-9a-f]+ "box"\}/);
    expect(r.gdb).toContain('$2 = 0x');
    expect(r.gdb).toMatch(/eip\s+0x[0-9a-f]+\s+0x[0-9a-f]+ <main\+\d+>/);
    expect(r.gdb).toMatch(/=> 0x[0-9a-f]+ <main\+\d+>:/);
    // libc's puts, found through the auxv and ld.so's link map as natively
    expect(r.gdb).toMatch(/Breakpoint 2, 0x[0-9a-f]+ in puts \(\) from .*libc\.so\.6/);
    expect(r.gdb).toMatch(/#0 +0x[0-9a-f]+ in puts \(\) from .*libc\.so\.6\n#1 +0x[0-9a-f]+ in main \(\) at .*shapes\.c:20/);
    expect(r.gdb).toMatch(/\$3 = 12/);
    expect(r.gdb).toContain('[Inferior 1 (Remote target) exited normally]');
    expect(r.stdout).toBe(native.stdout);
    expect(r.status).toBe(native.status);
  }, 180_000);

  test('stepi runs one instruction, next steps over a call, step enters one', async () => {
    const r = await debug(SHAPES, [
      'break main',
      'continue',
      'print $pc',
      'stepi',
      'print $pc',
      'next',
      'step',
      'bt',
      'finish',
      'next',
      'print area_total',
      'continue',
    ]);
    const pcs = [...r.gdb.matchAll(/\$\d+ = \(void \(\*\)\(\)\) (0x[0-9a-f]+) <main\+\d+>/g)].map((m) => Number(m[1]));
    expect(pcs).toHaveLength(2);
    // the first instruction after the breakpoint (a movl of box's first field: 7 bytes), not the end of its block
    expect(pcs[1] - pcs[0]).toBe(7);
    expect(r.gdb).toMatch(/\n19\t  area_total = area\(&box\);/);
    expect(r.gdb).toMatch(/area \(s=0x[0-9a-f]+\) at .*shapes\.c:14/);
    expect(r.gdb).toMatch(/#0 +area \(s=0x[0-9a-f]+\) at .*shapes\.c:14\n#1 +0x[0-9a-f]+ in main \(\) at .*shapes\.c:19/);
    expect(r.gdb).toMatch(/Value returned is \$\d+ = 12/);
    expect(r.gdb).toMatch(/\n20\t  puts\(box\.name\);/);
    expect(r.gdb).toContain('[Inferior 1 (Remote target) exited normally]');
    expect(r.stdout).toBe('box\n13\n');
  }, 180_000);

  test('a watchpoint on a global stops after each instruction that changes it, with old and new values', async () => {
    const r = await debug(SHAPES, ['break main', 'continue', 'watch area_total', 'continue', 'continue', 'continue']);
    expect(r.gdb).toMatch(/Old value = 0\nNew value = 12\nmain \(\) at .*shapes\.c:20/);
    expect(r.gdb).toMatch(/Old value = 12\nNew value = 13\nmain \(\) at .*shapes\.c:22/);
    expect(r.gdb).toContain('[Inferior 1 (Remote target) exited normally]');
    expect(r.stdout).toBe('box\n13\n');
  }, 180_000);

  test('a second thread: its breakpoint hit, info threads lists both, each one\'s backtrace', async () => {
    const r = await debug(WORKERS, ['break worker', 'continue', 'info threads', 'bt 1', 'thread 1', 'bt', 'continue']);
    expect(r.gdb).toMatch(/Thread 2 hit Breakpoint 1, worker \(arg=0x[0-9a-f]+\) at .*workers\.c:9/);
    expect(r.gdb).toMatch(/\n +1 +Thread \d+ +0x[0-9a-f]+ in /);
    expect(r.gdb).toMatch(/\n\* 2 +Thread \d+ +worker \(arg=0x[0-9a-f]+\) at .*workers\.c:9/);
    expect(r.gdb).toMatch(/in pthread_join \(\) from .*libc\.so\.6\n#\d+ +0x[0-9a-f]+ in main \(\) at .*workers\.c:17/);
    expect(r.gdb).toContain('[Inferior 1 (Remote target) exited normally]');
    expect(r.stdout).toBe('42\n');
  }, 180_000);

  test('a fault stops the program at the faulting instruction before the signal; continue delivers it', async () => {
    const native = spawnSync(NULL_DEREF, { encoding: 'utf8' });
    const r = await debug(NULL_DEREF, ['continue', 'bt 2', 'continue']);
    expect(r.gdb).toMatch(/Program received signal SIGSEGV, Segmentation fault\.\n0x[0-9a-f]+ in crash_here \(v=3\) at .*null_deref\.c:11/);
    expect(r.gdb).toMatch(/#1 +0x[0-9a-f]+ in middle \(v=1\)/);
    expect(r.gdb).toContain('Program terminated with signal SIGSEGV, Segmentation fault.');
    expect(native.signal).toBe('SIGSEGV');
    expect(r.status).toBe(128 + 11);
    expect(r.stdout).toBe(native.stdout);
  }, 180_000);

  test('a live patch applied while gdb has the program stopped at a breakpoint; gdb sees the new code', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dsu-gdb-'));
    const socket = path.join(dir, 'ctl');
    try {
      const r = await debug(COUNTER, [
        'break main',
        'continue',
        'break read',
        'continue',
        `shell node ${DSU} patch --control ${socket} ${COUNTER_V2}; echo patch-exit=$?`,
        'x/i f',
        'delete',
        'continue',
      ], { dsuOptions: ['--control', socket], stdin: '5 6\n' });
      expect(r.gdb).toMatch(/Breakpoint 2, 0x[0-9a-f]+ in read \(\) from .*libc\.so\.6/);
      expect(r.gdb).toContain('patch #1 applied');
      expect(r.gdb).toContain('patch-exit=0');
      expect(r.gdb).toMatch(/<f>:\s+jmp\s+0x[0-9a-f]+/);
      expect(r.gdb).toContain('[Inferior 1 (Remote target) exited normally]');
      // v2's f multiplies (c defaults to 1); v1 would have answered 11
      expect(r.stdout).toContain('f = 30, num = 1');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);

  test('a bad --gdb address is a usage error, and nothing runs', () => {
    const r = spawnSync('node', [DSU, 'run', '--gdb', 'nope', SHAPES], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--gdb nope');
    expect(r.stdout).toBe('');
  });
});
