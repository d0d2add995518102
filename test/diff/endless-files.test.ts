// Files that never end, or never answer: a program or a PT_INTERP that names
// /dev/zero, /dev/urandom, /dev/full, a FIFO nobody writes to, a directory,
// or a file too large to be a 32-bit program. The kernel refuses to execute
// them (EACCES for anything not a regular file); dsu must refuse them too,
// in one line and at once, instead of reading forever or blocking.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BUILD, DSU } from '../helpers/run.js';

let dir = '';
const at = (name: string): string => path.join(dir, name);
const INTERP = '/lib/ld-linux.so.2';

/** hello.dyn with its PT_INTERP replaced by `interp` (at most as long as the original; relative ones are found from the working directory). */
function withInterpreter(name: string, interp: string): void {
  const hello = fs.readFileSync(path.join(BUILD, 'conformance', 'hello.dyn'));
  const i = hello.indexOf(INTERP + '\0', 0, 'latin1');
  expect(i).toBeGreaterThan(0);
  if (interp.length > INTERP.length) throw new Error(`${interp}: longer than ${INTERP}`);
  const b = Buffer.from(hello);
  b.fill(0, i, i + INTERP.length);
  b.write(interp, i, 'latin1');
  fs.writeFileSync(at(name), b, { mode: 0o755 });
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dsu-endless-'));
  execFileSync('mkfifo', [at('ff')]);
  fs.chmodSync(at('ff'), 0o755);
  fs.mkdirSync(at('d'));
  // a character device of our own, executable (the tests run as root; skipped otherwise)
  try {
    execFileSync('mknod', [at('zero-dev'), 'c', '1', '5']);
    fs.chmodSync(at('zero-dev'), 0o755);
  } catch {
    // not root, or mknod refused: that case is left out
  }
  // real programs padded with 3 GiB of holes: the kernel maps what it needs; dsu reads whole files and says no
  fs.copyFileSync(path.join(BUILD, 'conformance', 'hello.dyn'), at('huge'));
  fs.copyFileSync(fs.realpathSync(INTERP), at('huge-ld'));
  for (const f of ['huge', 'huge-ld']) {
    fs.truncateSync(at(f), 3 * 1024 ** 3);
    fs.chmodSync(at(f), 0o755);
  }
  for (const [name, interp] of [['i-zero', '/dev/zero'], ['i-urandom', '/dev/urandom'], ['i-full', '/dev/full'], ['i-fifo', './ff'], ['i-dir', './d'], ['i-huge', './huge-ld']]) {
    withInterpreter(name, interp);
  }
});

afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** What execve says about `file`: its errno name, or 'ran' if it started. */
function nativeExec(file: string): string {
  const r = spawnSync(file, [], { timeout: 20_000, encoding: 'utf8', cwd: dir });
  return r.error ? (r.error as NodeJS.ErrnoException).code ?? 'error' : 'ran';
}

function dsuRun(file: string): { stderr: string; stdout: string; status: number | null; ms: number } {
  const started = Date.now();
  const r = spawnSync(process.execPath, [DSU, 'run', file], { timeout: 60_000, encoding: 'utf8', input: '', cwd: dir });
  return { stderr: r.stderr, stdout: r.stdout, status: r.status, ms: Date.now() - started };
}

const interpreters: [string, string, RegExp][] = [
  ['/dev/zero', 'i-zero', /interpreter \/dev\/zero cannot be used: not a regular file \(a character device\)$/],
  ['/dev/urandom', 'i-urandom', /interpreter \/dev\/urandom cannot be used: not a regular file \(a character device\)$/],
  ['/dev/full', 'i-full', /interpreter \/dev\/full cannot be used: not a regular file \(a character device\)$/],
  ['a FIFO nobody writes to', 'i-fifo', /interpreter \.\/ff cannot be used: not a regular file \(a FIFO\)$/],
  ['a directory', 'i-dir', /interpreter \.\/d cannot be used: Is a directory$/],
  ['a 3 GiB ld.so', 'i-huge', /interpreter \.\/huge-ld cannot be used: too large to read \(3221225472 bytes; the limit is \d+\)$/],
];

describe('a PT_INTERP that is not a regular file is refused as execve refuses it', () => {
  test.each(interpreters)('%s', (_what, name, message) => {
    // the kernel: EACCES for anything not a regular file; it runs the padded ld.so
    expect(nativeExec(at(name))).toBe(name === 'i-huge' ? 'ran' : 'EACCES');
    const r = dsuRun(at(name));
    expect(r.stderr.split('\n').filter((l) => l !== ''), r.stderr).toEqual([expect.stringMatching(new RegExp(`^dsu: ${at(name)}: `))]);
    expect(r.stderr.trimEnd()).toMatch(message);
    expect(r.status).toBe(126);
    expect(r.stdout).toBe('');
  });
});

describe('a program that is not a regular file is refused', () => {
  const programs: [string, string, RegExp][] = [
    ['a FIFO with the executable bit', 'ff', /: not a regular file \(a FIFO\)$/],
    ['a character device with the executable bit', 'zero-dev', /: not a regular file \(a character device\)$/],
    ['a program padded to 3 GiB', 'huge', /: too large to read \(3221225472 bytes; the limit is \d+\)$/],
  ];
  test.each(programs)('%s', (_what, name, message) => {
    if (!fs.existsSync(at(name))) return;
    expect(nativeExec(at(name))).toBe(name === 'huge' ? 'ran' : 'EACCES');
    const r = dsuRun(at(name));
    expect(r.stderr.trimEnd()).toMatch(new RegExp(`^dsu: ${at(name)}${message.source}`));
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.status).toBe(126);
  });

  test('/dev/zero itself (no executable bit) is refused like the kernel refuses it', () => {
    expect(nativeExec('/dev/zero')).toBe('EACCES');
    const r = dsuRun('/dev/zero');
    expect(r.stderr).toBe('dsu: /dev/zero: Permission denied\n');
    expect(r.status).toBe(126);
  });
});
