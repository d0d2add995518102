// Programs dsu cannot run get one clean line on stderr, "dsu: " and what is
// wrong, with the status a shell would give (126 found but not runnable, 127
// not found) and no JavaScript stack trace; command-line mistakes get a usage
// error with status 2.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BUILD, DSU } from '../helpers/run.js';

interface Result {
  stdout: string;
  stderr: string;
  status: number | null;
}

function dsu(argv: string[], cwd: string): Result {
  const r = spawnSync(process.execPath, [DSU, ...argv], { cwd, encoding: 'utf8', timeout: 60_000, input: '' });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

/** A minimal ELF32 little-endian header for 32-bit ARM with one PT_LOAD, as `gcc` for ARM would start it. */
function armElf(): Uint8Array {
  const b = Buffer.alloc(88);
  b.set([0x7f, 0x45, 0x4c, 0x46, 1, 1, 1, 0], 0);
  b.writeUInt16LE(2, 16); // ET_EXEC
  b.writeUInt16LE(40, 18); // EM_ARM
  b.writeUInt32LE(1, 20);
  b.writeUInt32LE(0x8054, 24);
  b.writeUInt32LE(52, 28);
  b.writeUInt32LE(0x05000200, 36); // EABI5, hard float
  b.writeUInt16LE(52, 40);
  b.writeUInt16LE(32, 42);
  b.writeUInt16LE(1, 44);
  b.writeUInt16LE(40, 46);
  b.writeUInt32LE(1, 52); // PT_LOAD
  b.writeUInt32LE(0x8000, 60);
  b.writeUInt32LE(0x8000, 64);
  b.writeUInt32LE(88, 68);
  b.writeUInt32LE(88, 72);
  b.writeUInt32LE(5, 76);
  b.writeUInt32LE(0x1000, 80);
  b.writeUInt32LE(0xe12fff1e, 84); // bx lr, at the entry point
  return b;
}

let dir = '';

function put(name: string, bytes: Uint8Array | string, mode: number): string {
  fs.writeFileSync(path.join(dir, name), bytes);
  fs.chmodSync(path.join(dir, name), mode);
  return `./${name}`;
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dsu-bad-'));
  const hello = fs.readFileSync(path.join(BUILD, 'conformance', 'hello.dyn'));
  put('truncated', hello.subarray(0, 100), 0o755);
  put('truncated-header', hello.subarray(0, 30), 0o755);
  fs.writeFileSync(path.join(dir, 'tiny.c'), 'int main(void) { return 0; }\n');
  execFileSync('gcc', ['-m64', '-o', path.join(dir, 'x86-64'), path.join(dir, 'tiny.c')]);
  execFileSync('gcc', ['-m32', '-c', '-o', path.join(dir, 'object.o'), path.join(dir, 'tiny.c')]);
  fs.chmodSync(path.join(dir, 'object.o'), 0o755);
  put('arm', armElf(), 0o755);
  put('text', 'just some text\nnot a program\n', 0o755);
  put('script', '#!/bin/sh\necho hi\n', 0o755);
  put('empty', '', 0o755);
  put('not-executable', hello, 0o644);
  fs.mkdirSync(path.join(dir, 'directory'));
  const interp = '/lib/ld-linux.so.2';
  const at = hello.indexOf(interp);
  expect(at).toBeGreaterThan(0);
  const missing = Buffer.from(hello);
  missing.write('/lib/ld-missing.so', at, 'latin1');
  put('missing-interpreter', missing, 0o755);
});

afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const cases: [string, string, RegExp, number][] = [
  ['a truncated ELF', 'truncated', /truncated or corrupt: needs \d+ bytes at offset 52, the file has 100 \(program header table\)/, 126],
  ['an ELF cut inside its header', 'truncated-header', /truncated ELF header/, 126],
  ['an x86-64 ELF', 'x86-64', /64-bit ELF for x86-64: dsu runs 32-bit x86 programs \(gcc -m32\)/, 126],
  ['an ARM ELF', 'arm', /ELF for ARM: dsu runs 32-bit x86 \(i386\) programs/, 126],
  ['a relocatable object', 'object.o', /relocatable object, not a program/, 126],
  ['a text file with the executable bit', 'text', /not an ELF file/, 126],
  ['a script', 'script', /script for \/bin\/sh, not an ELF program/, 126],
  ['an empty file', 'empty', /empty file, not an ELF program/, 126],
  ['a file without the executable bit', 'not-executable', /Permission denied/, 126],
  ['a directory', 'directory', /Is a directory/, 126],
  ['a missing file', 'missing', /No such file or directory/, 127],
  ['a program whose interpreter is missing', 'missing-interpreter', /interpreter \/lib\/ld-missing\.so not found/, 127],
];

describe('dsu run refuses what it cannot run, in one line', () => {
  test.each(cases)('%s', (_what, name, message, status) => {
    const r = dsu(['run', `./${name}`], dir);
    const lines = r.stderr.split('\n').filter((l) => l.length > 0);
    expect(lines).toHaveLength(1);
    expect(lines[0].startsWith(`dsu: ./${name}: `)).toBe(true);
    expect(lines[0]).toMatch(message);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(r.stderr).not.toMatch(/Error\b/);
    expect(r.stdout).toBe('');
    expect(r.status).toBe(status);
  });
});

describe('command-line mistakes are usage errors', () => {
  const usage: [string, string[], RegExp][] = [
    ['no arguments', [], /usage: dsu <command>/],
    ['an unknown command', ['frobnicate'], /^dsu: unknown command frobnicate\n/],
    ['an unknown option of run', ['run', '--bogus', './x'], /^dsu run: unknown option --bogus\n/],
    ['a mistyped option of run', ['run', '--stace', './x'], /^dsu run: unknown option --stace; did you mean --strace\?\n/],
    ['run without a program', ['run'], /^dsu run: missing PROGRAM\n/],
  ];
  test.each(usage)('%s', (_what, argv, message) => {
    const r = dsu(argv, dir);
    // No arguments prints the usage on stdout; the errors go to stderr.
    expect(r.stderr + r.stdout).toMatch(message);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(r.status).toBe(2);
  });
});
