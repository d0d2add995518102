// The file-system write policy and the root's confinement, on a real guest
// program (c-samples/conformance/fs_ops.c, static, copied into a temporary
// --root tree). The guest may write only under its cwd, /tmp and --rw
// directories: anything else fails with EROFS and the host file stays as it
// was. No path, `..` or symlink (relative, absolute, climbing) reaches a
// host file outside the root.
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BUILD, runDsu } from '../helpers/run.js';

const FS_OPS = path.join(BUILD, 'conformance', 'fs_ops.static');
const EROFS = 'Read-only file system';
const ENOENT = 'No such file or directory';

interface Tree {
  /** Temporary host directory holding the root and a file outside it. */
  host: string;
  /** The guest's "/". */
  root: string;
  /** Host file outside the root that no guest path may reach. */
  outside: string;
}

let tree: Tree;

function makeTree(): Tree {
  const host = fs.mkdtempSync(path.join(os.tmpdir(), 'dsu-policy-'));
  const root = path.join(host, 'root');
  for (const d of ['bin', 'ro/sub', 'work', 'tmp', 'rwdir']) fs.mkdirSync(path.join(root, d), { recursive: true });
  fs.copyFileSync(FS_OPS, path.join(root, 'bin', 'fs_ops'));
  fs.chmodSync(path.join(root, 'bin', 'fs_ops'), 0o755);
  const keep = path.join(root, 'ro', 'keep.txt');
  fs.writeFileSync(keep, 'original\n', { mode: 0o644 });
  fs.utimesSync(keep, 1_000_000_000, 1_000_000_000);
  execFileSync('mkfifo', ['-m', '0666', path.join(root, 'ro', 'fifo')]);
  const outside = path.join(host, 'outside.txt');
  fs.writeFileSync(outside, 'outside\n');
  fs.symlinkSync('../../..', path.join(root, 'work', 'escape'));
  fs.symlinkSync('/ro', path.join(root, 'work', 'abs'));
  fs.symlinkSync(outside, path.join(root, 'work', 'hostabs'));
  fs.symlinkSync('../../outside.txt', path.join(root, 'work', 'up'));
  return { host, root, outside };
}

/** Everything about a host tree a write could change: type, mode, size, mtime, contents, link targets. */
function snapshot(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of fs.readdirSync(d).sort()) {
      const p = path.join(d, name);
      const st = fs.lstatSync(p);
      const rel = path.relative(dir, p);
      if (st.isSymbolicLink()) out.push(`${rel} -> ${fs.readlinkSync(p)}`);
      else if (st.isDirectory()) {
        out.push(`${rel}/ ${st.mode.toString(8)} ${st.mtimeMs}`);
        walk(p);
      } else {
        const contents = st.isFile() ? fs.readFileSync(p, 'utf8') : '';
        out.push(`${rel} ${st.mode.toString(8)} ${st.size} ${st.mtimeMs} ${st.ctimeMs} ${contents}`);
      }
    }
  };
  walk(dir);
  return out;
}

/** Run fs_ops under --root; returns each operation's result ("ok" or the error text). */
async function ops(list: string[], opts: { cwd?: string; rw?: string[] } = {}): Promise<Map<string, string>> {
  const dsuOptions = ['--root', tree.root, ...(opts.rw ?? []).flatMap((d) => ['--rw', d])];
  const out = await runDsu('/bin/fs_ops', { cwd: opts.cwd ?? path.join(tree.root, 'work'), args: list }, dsuOptions);
  expect(out.stderr.toString()).toBe('');
  expect(out.status).toBe(0);
  const results = new Map<string, string>();
  const lines = out.stdout.toString().split('\n');
  for (const line of lines) {
    const op = list.find((o) => line.startsWith(o + ': '));
    if (op !== undefined) results.set(op, line.slice(op.length + 2));
  }
  expect([...results.keys()]).toEqual(list);
  return results;
}

/** Lines the program printed for an operation's output (file contents, listings). */
async function outputOf(list: string[], cwd?: string): Promise<string> {
  const out = await runDsu('/bin/fs_ops', { cwd: cwd ?? path.join(tree.root, 'work'), args: list }, ['--root', tree.root]);
  return out.stdout.toString();
}

beforeEach(() => {
  tree = makeTree();
});

afterEach(() => {
  fs.rmSync(tree.host, { recursive: true, force: true });
});

describe('write policy', () => {
  test('creating, changing or removing anything outside the writable directories fails with EROFS and leaves the host untouched', async () => {
    const denied = [
      'create:/ro/new.txt', 'excl:/ro/new.txt', 'rdonly-creat:/ro/new2.txt', 'write:/ro/keep.txt',
      'append:/ro/keep.txt', 'rdwr:/ro/keep.txt', 'unlink:/ro/keep.txt', 'mkdir:/ro/newdir', 'rmdir:/ro/sub',
      'rename:/ro/keep.txt:/ro/renamed.txt', 'rename:/ro/keep.txt:/work/stolen.txt', 'link:/ro/keep.txt:/work/hard.txt',
      'symlink:x:/ro/link', 'chmod:/ro/keep.txt', 'chown:/ro/keep.txt', 'truncate:/ro/keep.txt', 'utime:/ro/keep.txt',
      'mkfifo:/ro/fifo2', 'access-w:/ro/keep.txt', 'fchmod-ro:/ro/keep.txt', 'at-create:/ro:new3.txt',
      'write:../ro/keep.txt', 'write:abs/keep.txt', 'create:escape/ro/new4.txt', 'create:/tmp/../ro/new5.txt',
      'create:/new-at-root.txt', 'mkdir:/bin/x', 'reopen-w:/ro/keep.txt', 'reopen-w:/ro/fifo', 'write:/ro/fifo',
    ];
    const before = snapshot(tree.root);
    const results = await ops(denied);
    for (const op of denied) expect(`${op}: ${results.get(op)}`).toBe(`${op}: ${EROFS}`);
    expect(snapshot(tree.root)).toEqual(before);
  });

  test('a writable name for a read-only file does not make it writable', async () => {
    const before = snapshot(path.join(tree.root, 'ro'));
    const list = [
      'symlink:/ro/keep.txt:/work/lnk', 'write:/work/lnk', 'append:lnk', 'chmod:lnk', 'truncate:lnk',
      'create:/work/mine.txt', 'rename:/work/mine.txt:/ro/mine.txt', 'read:lnk',
      'cd:/ro', 'create:rel.txt', 'read:keep.txt',
    ];
    const results = await ops(list);
    expect(Object.fromEntries(results)).toEqual({
      'symlink:/ro/keep.txt:/work/lnk': 'ok', 'write:/work/lnk': EROFS, 'append:lnk': EROFS, 'chmod:lnk': EROFS,
      'truncate:lnk': EROFS, 'create:/work/mine.txt': 'ok', 'rename:/work/mine.txt:/ro/mine.txt': EROFS,
      'read:lnk': 'ok', 'cd:/ro': 'ok', 'create:rel.txt': EROFS, 'read:keep.txt': 'ok',
    });
    expect(snapshot(path.join(tree.root, 'ro'))).toEqual(before);
    expect(fs.readdirSync(path.join(tree.root, 'work')).sort()).toEqual(['abs', 'escape', 'hostabs', 'lnk', 'mine.txt', 'up']);
  });

  test('the cwd, /tmp and --rw directories are writable', async () => {
    const list = [
      'create:here.txt', 'create:/tmp/t.txt', 'create:/rwdir/new.txt', 'mkdir:/rwdir/sub',
      'rename:/rwdir/new.txt:/rwdir/sub/moved.txt', 'create:/ro/x',
    ];
    const without = await ops(list);
    expect(without.get('create:here.txt')).toBe('ok');
    expect(without.get('create:/tmp/t.txt')).toBe('ok');
    expect(without.get('create:/rwdir/new.txt')).toBe(EROFS);
    expect(without.get('mkdir:/rwdir/sub')).toBe(EROFS);
    expect(fs.readdirSync(path.join(tree.root, 'rwdir'))).toEqual([]);

    const withRw = await ops(list, { rw: ['/rwdir'] });
    expect(Object.fromEntries(withRw)).toEqual({
      'create:here.txt': 'ok', 'create:/tmp/t.txt': 'ok', 'create:/rwdir/new.txt': 'ok', 'mkdir:/rwdir/sub': 'ok',
      'rename:/rwdir/new.txt:/rwdir/sub/moved.txt': 'ok', 'create:/ro/x': EROFS,
    });
    expect(fs.readFileSync(path.join(tree.root, 'rwdir', 'sub', 'moved.txt'), 'utf8')).toBe('created\n');
    expect(fs.readFileSync(path.join(tree.root, 'tmp', 't.txt'), 'utf8')).toBe('created\n');
    expect(fs.readFileSync(path.join(tree.root, 'work', 'here.txt'), 'utf8')).toBe('created\n');
  });

  test('a host cwd outside the root does not make the root writable', async () => {
    const results = await ops(['create:x.txt', 'create:/work/x.txt', 'create:/tmp/x.txt'], { cwd: tree.host });
    expect(Object.fromEntries(results)).toEqual({ 'create:x.txt': EROFS, 'create:/work/x.txt': EROFS, 'create:/tmp/x.txt': 'ok' });
    expect(fs.readdirSync(tree.host).sort()).toEqual(['outside.txt', 'root']);
  });
});

describe('confinement to --root', () => {
  test('neither .. nor symlinks reach a host file outside the root', async () => {
    const list = [
      'read:/../../outside.txt', 'read:../../../../outside.txt', 'read:escape/outside.txt', 'read:escape/../../outside.txt',
      'read:hostabs', 'read:up', `read:${tree.outside}`, `symlink:${tree.outside}:/work/mine`, 'read:mine',
      'symlink:../../../../../..:/work/deep', 'read:deep/outside.txt', 'create:hostabs', 'create:up',
      'create:escape/work/inside.txt',
    ];
    const results = await ops(list);
    expect(Object.fromEntries(results)).toEqual({
      'read:/../../outside.txt': ENOENT, 'read:../../../../outside.txt': ENOENT, 'read:escape/outside.txt': ENOENT,
      'read:escape/../../outside.txt': ENOENT, 'read:hostabs': ENOENT, 'read:up': ENOENT, [`read:${tree.outside}`]: ENOENT,
      [`symlink:${tree.outside}:/work/mine`]: 'ok', 'read:mine': ENOENT, 'symlink:../../../../../..:/work/deep': 'ok',
      'read:deep/outside.txt': ENOENT,
      // /tmp is writable, but the host path does not exist inside the root's /tmp
      'create:hostabs': ENOENT,
      // up -> ../../outside.txt is /outside.txt in the guest: not writable
      'create:up': EROFS,
      'create:escape/work/inside.txt': 'ok',
    });
    expect(fs.readFileSync(tree.outside, 'utf8')).toBe('outside\n');
    expect(fs.readdirSync(tree.host).sort()).toEqual(['outside.txt', 'root']);
    expect(fs.readFileSync(path.join(tree.root, 'work', 'inside.txt'), 'utf8')).toBe('created\n');
  });

  test('the root is the top: listing above it shows the root, and /proc/self describes the guest', async () => {
    const out = await outputOf(['ls:/..', 'ls:escape', 'ls:deep', 'readlink:/proc/self/exe', 'readlink:/proc/self/root', 'readlink:/proc/self/cwd']);
    expect(out).toBe([
      '  [bin ro rwdir tmp work]', 'ls:/..: ok',
      '  [bin ro rwdir tmp work]', 'ls:escape: ok',
      'ls:deep: No such file or directory',
      '  -> /bin/fs_ops', 'readlink:/proc/self/exe: ok',
      '  -> /', 'readlink:/proc/self/root: ok',
      '  -> /work', 'readlink:/proc/self/cwd: ok',
      '',
    ].join('\n'));
  });
});
