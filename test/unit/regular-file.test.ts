// The one reader of files dsu loads for itself: only regular files, never
// blocking on the path (a FIFO, a device), bounded in size, and the
// asynchronous read lets the event loop run between its chunks.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FileReadError, readRegularFile, readRegularFileAsync, readRegularFileOrNull } from '../../loader/files/regular-file.js';

let dir = '';
const at = (name: string): string => path.join(dir, name);

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dsu-regular-file-'));
  fs.writeFileSync(at('small'), 'hello\n');
  fs.writeFileSync(at('random'), crypto.randomBytes(5 * 1024 * 1024 + 17));
  fs.writeFileSync(at('empty'), '');
  execFileSync('mkfifo', [at('fifo')]);
  fs.symlinkSync('/dev/zero', at('zero-link'));
  fs.mkdirSync(at('directory'));
  // sparse: large, costs nothing on disk
  fs.closeSync(fs.openSync(at('sparse'), 'w'));
  fs.truncateSync(at('sparse'), 64 * 1024 * 1024);
});

afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

type Reader = (p: string, max: number) => Promise<Buffer>;
const readers: [string, Reader][] = [
  ['readRegularFile', async (p, max) => readRegularFile(p, max)],
  ['readRegularFileAsync', readRegularFileAsync],
];

async function failure(read: Promise<unknown>): Promise<FileReadError> {
  const e = await read.then(() => null, (err: unknown) => err);
  expect(e).toBeInstanceOf(FileReadError);
  return e as FileReadError;
}

describe.each(readers)('%s', (_name, read) => {
  test('reads regular files whole', async () => {
    expect((await read(at('small'), 100)).toString()).toBe('hello\n');
    expect((await read(at('empty'), 100)).length).toBe(0);
    const big = await read(at('random'), 1 << 30);
    expect(big.equals(fs.readFileSync(at('random')))).toBe(true);
  });

  test('refuses devices, FIFOs, directories and links to them, with the errno execve would give', async () => {
    const cases: [string, string, RegExp][] = [
      ['/dev/zero', 'EACCES', /not a regular file \(a character device\)/],
      ['/dev/urandom', 'EACCES', /not a regular file \(a character device\)/],
      ['/dev/full', 'EACCES', /not a regular file \(a character device\)/],
      [at('zero-link'), 'EACCES', /not a regular file \(a character device\)/],
      // nobody writes to it: opening it for reading would wait forever
      [at('fifo'), 'EACCES', /not a regular file \(a FIFO\)/],
      [at('directory'), 'EISDIR', /Is a directory/],
      [at('missing'), 'ENOENT', /No such file or directory/],
      [path.join(at('small'), 'below'), 'ENOTDIR', /Not a directory/],
    ];
    for (const [file, code, reason] of cases) {
      const e = await failure(read(file, 1 << 20));
      expect(e.code, file).toBe(code);
      expect(e.reason, file).toMatch(reason);
      expect(e.message, file).toBe(`${file}: ${e.reason}`);
      expect(e.message.split('\n')).toHaveLength(1);
    }
  });

  test('refuses a file over the limit before reading it, and takes one at the limit', async () => {
    const e = await failure(read(at('sparse'), 64 * 1024 * 1024 - 1));
    expect(e.code).toBe('EFBIG');
    expect(e.reason).toMatch(/too large to read \(67108864 bytes; the limit is 67108863\)/);
    expect((await read(at('sparse'), 64 * 1024 * 1024)).length).toBe(64 * 1024 * 1024);
    expect((await read(at('small'), 6)).toString()).toBe('hello\n');
    expect((await failure(read(at('small'), 5))).code).toBe('EFBIG');
  });
});

test('readRegularFileOrNull gives null for what it refuses, and the bytes otherwise', () => {
  expect(readRegularFileOrNull('/dev/zero', 100)).toBeNull();
  expect(readRegularFileOrNull(at('fifo'), 100)).toBeNull();
  expect(readRegularFileOrNull(at('missing'), 100)).toBeNull();
  expect(readRegularFileOrNull(at('small'), 100)?.toString()).toBe('hello\n');
});

test('no descriptor is left open, whatever the outcome', async () => {
  const open = (): number => fs.readdirSync('/proc/self/fd').length;
  const before = open();
  for (let i = 0; i < 20; i++) {
    readRegularFileOrNull(at('small'), 100);
    readRegularFileOrNull(at('fifo'), 100);
    readRegularFileOrNull(at('sparse'), 10);
    await readRegularFileAsync(at('random'), 1 << 30);
    await readRegularFileAsync('/dev/zero', 100).catch(() => null);
  }
  expect(open()).toBe(before);
});

test('the asynchronous read lets the event loop run between its chunks', async () => {
  let turns = 0;
  const tick = setInterval(() => turns++, 0);
  try {
    const bytes = await readRegularFileAsync(at('sparse'), 1 << 30);
    expect(bytes.length).toBe(64 * 1024 * 1024);
  } finally {
    clearInterval(tick);
  }
  // 16 chunks of 4 MiB: the timer fired between them (a synchronous read would give 0)
  expect(turns).toBeGreaterThan(2);
});
