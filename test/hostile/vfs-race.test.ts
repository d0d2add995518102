// The check-then-use race against the file-system confinement: while one
// party swaps a directory inside a shared --root for a symlink pointing
// outside it (absolute host path, or climbing with ../), a guest creates,
// writes, renames, unlinks, mkdirs and reads through that path in a loop
// for 20 s. Zero files may appear outside the root (checked by listing the
// outside directory) and no read may return the outside file's content.
// The swapping party is a second guest on the same root, then a host
// process.
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BUILD, runDsu, runNative } from '../helpers/run.js';

const RACE = path.join(BUILD, 'hostile', 'vfs_race');
const SECONDS = 20;
const MARKER = 'OUTSIDE-THE-ROOT-7f3a';

interface Tree {
  host: string;
  root: string;
  outside: string;
  /** Guest path of the race directory, and its host path. */
  guestDir: string;
  hostDir: string;
}

let tree: Tree;

beforeEach(() => {
  const host = fs.mkdtempSync(path.join(os.tmpdir(), 'dsu-race-'));
  const root = path.join(host, 'root');
  const outside = path.join(host, 'outside');
  fs.mkdirSync(path.join(root, 'bin'), { recursive: true });
  fs.mkdirSync(path.join(root, 'tmp', 'race'), { recursive: true });
  fs.mkdirSync(outside);
  fs.writeFileSync(path.join(outside, 'secret'), MARKER + '\n');
  fs.copyFileSync(RACE, path.join(root, 'bin', 'vfs_race'));
  fs.chmodSync(path.join(root, 'bin', 'vfs_race'), 0o755);
  tree = { host, root, outside, guestDir: '/tmp/race', hostDir: path.join(root, 'tmp', 'race') };
});

afterEach(() => {
  fs.rmSync(tree.host, { recursive: true, force: true });
});

function parse(out: Buffer): { ops: number; leaks: number } {
  const m = /ops=(\d+) leaks=(\d+)/.exec(out.toString());
  if (!m) throw new Error(`no summary in: ${out.toString()}`);
  return { ops: Number(m[1]), leaks: Number(m[2]) };
}

/** The guest using paths through the swapped directory, from a cwd outside the root (so only /tmp is writable; with --sysroot, also that cwd, which holds the outside directory). */
function user(rootOption = '--root') {
  return runDsu('/bin/vfs_race', { args: ['use', tree.guestDir, String(SECONDS), MARKER], cwd: tree.host, timeoutMs: (SECONDS + 60) * 1000 }, [rootOption, tree.root]);
}

function expectNothingOutside(): void {
  expect(fs.readdirSync(tree.outside)).toEqual(['secret']);
  expect(fs.readFileSync(path.join(tree.outside, 'secret'), 'utf8')).toBe(MARKER + '\n');
  // nor next to the root
  expect(fs.readdirSync(tree.host).sort()).toEqual(['outside', 'root']);
}

describe('path-swap race on a shared --root', () => {
  test('a second guest swaps the directory for a symlink to a host path outside the root', async () => {
    const swapper = runDsu('/bin/vfs_race', { args: ['swap', tree.guestDir, String(SECONDS), tree.outside], cwd: tree.host, timeoutMs: (SECONDS + 60) * 1000 }, ['--root', tree.root]);
    const [swapped, used] = await Promise.all([swapper, user()]);
    expect(swapped.status).toBe(0);
    expect(used.status).toBe(0);
    const swaps = parse(swapped.stdout);
    const use = parse(used.stdout);
    console.log(`guest swapper: ${swaps.ops} swaps; user: ${use.ops} operations, ${use.leaks} leaks`);
    expect(swaps.ops).toBeGreaterThan(100);
    expect(use.ops).toBeGreaterThan(100);
    expect(use.leaks).toBe(0);
    expectNothingOutside();
  }, (SECONDS + 90) * 1000);

  for (const rootOption of ['--root', '--sysroot']) test(`a host process swaps the directory for a symlink climbing out of the root (${rootOption})`, async () => {
    // from <root>/tmp/race/b, ../../../outside is the outside directory for the host kernel
    const swapper = runNative(RACE, { args: ['swap', tree.hostDir, String(SECONDS), '../../../outside'], timeoutMs: (SECONDS + 60) * 1000 });
    const [swapped, used] = await Promise.all([swapper, user(rootOption)]);
    expect(swapped.status).toBe(0);
    expect(used.status).toBe(0);
    const swaps = parse(swapped.stdout);
    const use = parse(used.stdout);
    console.log(`host swapper: ${swaps.ops} swaps; user: ${use.ops} operations, ${use.leaks} leaks`);
    expect(swaps.ops).toBeGreaterThan(1000);
    expect(use.ops).toBeGreaterThan(100);
    expect(use.leaks).toBe(0);
    expectNothingOutside();
  }, (SECONDS + 90) * 1000);
});
