// Debian's i386 multi-threaded command-line programs, natively (the root's
// own loader and libraries) and under dsu, compared byte for byte: xz -T2
// compressing in two threads (and decompressing with -T2), and Python's
// threading module (test/fixtures/threads/python-threads.py: locks,
// conditions, barriers, semaphores, thread-local data, a blocked read,
// a signal from a worker to the main thread, a timer). --stats proves the
// threads ran under dsu.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { REPO, type Outcome } from '../helpers/run.js';
import { inRoot, runRootDsu, runRootNative, threadedSysroot } from '../helpers/threaded-sysroot.js';

interface Stats { status: { code: number }; threads: { started: number; peak: number } }

beforeAll(() => {
  threadedSysroot();
}, 300_000);

/** Text that compresses unevenly (words from a seeded generator), `size` bytes. */
function corpus(size: number): Buffer {
  const words = ['thread', 'futex', 'clone', 'block', 'lzma', 'x86', 'patch', 'guest', 'engine', 'dsu'];
  let seed = 12345;
  const next = (): number => (seed = (seed * 1103515245 + 12345) >>> 0);
  const parts: string[] = [];
  let n = 0;
  while (n < size) {
    const w = next() % 2 === 0 ? next().toString(36) : words[next() % words.length];
    parts.push(w);
    n += w.length + 1;
  }
  return Buffer.from(parts.join(' ').slice(0, size));
}

function statsFile(): { file: string; read: () => Stats } {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dsu-stats-')), 'stats.json');
  return { file, read: () => JSON.parse(fs.readFileSync(file, 'utf8')) as Stats };
}

describe("Debian's multi-threaded programs: native vs dsu", () => {
  test('xz -T2 compresses in two threads to the same bytes, and decompresses them back with -T2', async () => {
    const input = corpus(1_000_000);
    // 8 blocks of 128 KiB: xz gives them to its 2 threads
    const args = ['-T2', '-vv', '--block-size=131072', '-c'];
    const native = await runRootNative('/usr/bin/xz', { args, stdin: input, timeoutMs: 120_000 });
    expect(native.status, native.stderr.toString()).toBe(0);
    expect(native.stderr.toString()).toMatch(/Using up to 2 threads/);
    const stats = statsFile();
    const dsu = await runRootDsu('/usr/bin/xz', { args, stdin: input, timeoutMs: 600_000 }, ['--stats', stats.file]);
    // the same messages, but for the speed and time of the last line
    const untimed = (o: Outcome): string => o.stderr.toString().replace(/(, [\d.]+ [KM]iB\/s)?, \d+:\d\d$/m, '');
    expect(untimed(dsu)).toBe(untimed(native));
    expect(dsu.status).toBe(0);
    expect(crypto.createHash('sha256').update(dsu.stdout).digest('hex')).toBe(crypto.createHash('sha256').update(native.stdout).digest('hex'));
    expect(stats.read().threads.started).toBeGreaterThanOrEqual(2);

    const back = statsFile();
    const unpacked = await runRootDsu('/usr/bin/xz', { args: ['-d', '-T2', '-c'], stdin: dsu.stdout, timeoutMs: 600_000 }, ['--stats', back.file]);
    expect(unpacked.stderr.toString()).toBe('');
    expect(unpacked.status).toBe(0);
    expect(unpacked.stdout.equals(input)).toBe(true);
    expect(back.read().threads.started).toBeGreaterThanOrEqual(1);
  }, 900_000);

  test("Python's threads: the same output and status as natively", async () => {
    const script = fs.readFileSync(path.join(REPO, 'test', 'fixtures', 'threads', 'python-threads.py'));
    const native = await runRootNative('/usr/bin/python3.11', { args: ['-s', '-'], stdin: script, env: { PYTHONHOME: inRoot('usr') }, timeoutMs: 120_000 });
    expect(native.stderr.toString()).toBe('');
    expect(native.status).toBe(0);
    expect(native.stdout.toString()).toMatch(/^counter 20000$/m);
    const stats = statsFile();
    const dsu = await runRootDsu('/usr/bin/python3.11', { args: ['-s', '-'], stdin: script, env: { PYTHONHOME: '/usr' }, timeoutMs: 600_000 }, ['--stats', stats.file]);
    expect(dsu.stderr.toString()).toBe('');
    expect(dsu.stdout.toString()).toBe(native.stdout.toString());
    expect(dsu.status).toBe(0);
    expect(stats.read().threads.started).toBeGreaterThanOrEqual(20);
  }, 900_000);
});
