// A guest tries every way out of its --root one after another
// (c-samples/hostile/vfs_escape.c): `..` at the root, absolute and climbing
// symlinks, dangling symlinks with O_CREAT, /proc/self/root and cwd, other
// processes' /proc entries, O_PATH dirfds and magic links with `..`, a file
// as a dirfd, chdir("..") past the root, hard links, host devices in the
// root, device nodes, Unix sockets through a symlink and the abstract
// namespace. Each attempt must fail the way the kernel fails it for a
// confined process, and nothing outside the root is read or written.
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BUILD, runDsu } from '../helpers/run.js';

const ESCAPE = path.join(BUILD, 'hostile', 'vfs_escape');
const MARKER = 'OUTSIDE-THE-ROOT-c41d';
const ENOENT = 'No such file or directory';

let host: string;
let root: string;
let outside: string;

beforeEach(() => {
  host = fs.mkdtempSync(path.join(os.tmpdir(), 'dsu-escape-'));
  root = path.join(host, 'root');
  outside = path.join(host, 'outside');
  for (const d of ['bin', 'ro', 'dev', 'tmp']) fs.mkdirSync(path.join(root, d), { recursive: true });
  fs.mkdirSync(outside);
  fs.writeFileSync(path.join(outside, 'secret'), MARKER + '\n');
  fs.writeFileSync(path.join(root, 'ro', 'file'), 'read-only\n');
  fs.copyFileSync(ESCAPE, path.join(root, 'bin', 'vfs_escape'));
  fs.chmodSync(path.join(root, 'bin', 'vfs_escape'), 0o755);
  // host devices a root could hold: a disk (loop0) and /dev/mem, and /dev/null
  execFileSync('mknod', [path.join(root, 'dev', 'blk'), 'b', '7', '0']);
  execFileSync('mknod', [path.join(root, 'dev', 'memdev'), 'c', '1', '1']);
  execFileSync('mknod', ['-m', '666', path.join(root, 'dev', 'null'), 'c', '1', '3']);
});

afterEach(() => {
  fs.rmSync(host, { recursive: true, force: true });
});

async function attempts(dsuOptions: string[] = []): Promise<Map<string, string>> {
  const r = await runDsu('/bin/vfs_escape', { args: [outside, MARKER], cwd: host }, ['--root', root, ...dsuOptions]);
  expect(r.status).toBe(0);
  const lines = r.stdout.toString().trim().split('\n');
  return new Map(lines.map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 2)]));
}

describe('escapes from --root', () => {
  test('every attempt fails as for a confined process, and nothing outside changes', async () => {
    const seen = await attempts();
    for (const [name, result] of seen) expect(result, name).not.toBe('LEAK');
    expect(Object.fromEntries(seen)).toEqual({
      'dotdot-at-root': ENOENT,
      'dotdot-then-host-path': ENOENT,
      'host-absolute-path': ENOENT,
      'absolute-symlink': ENOENT,
      'climbing-symlink': ENOENT,
      'create-through-symlink': ENOENT,
      'mkdir-through-symlink': ENOENT,
      'create-through-dangling-symlink': ENOENT,
      'proc-self-root': ENOENT,
      'proc-self-cwd': ENOENT,
      'proc-1-root': ENOENT,
      'proc-1-environ': ENOENT,
      'opath-dirfd-dotdot': ENOENT,
      'magic-link-dotdot': ENOENT,
      'file-as-dirfd': 'Not a directory',
      'cwd-after-dotdots': '/',
      'relative-after-dotdots': ENOENT,
      'hardlink-outside-file': ENOENT,
      'hardlink-readonly-file': 'Read-only file system',
      'block-device': 'Permission denied',
      'mem-device': 'Permission denied',
      'null-device-write': 'ok',
      'mknod-char-device': 'Operation not permitted',
      'bind-through-symlink': ENOENT,
      'bind-abstract': 'Operation not permitted',
    });
    expect(fs.readdirSync(outside)).toEqual(['secret']);
    expect(fs.readdirSync(host).sort()).toEqual(['outside', 'root']);
    // what the guest made stayed inside: its symlinks and files in its /tmp
    expect(fs.readdirSync(path.join(root, 'tmp')).sort()).toEqual(['abs', 'dangling', 'plain', 'rel']);
  });

  test('--unix-abstract lets the guest use abstract socket names', async () => {
    const seen = await attempts(['--unix-abstract']);
    expect(seen.get('bind-abstract')).toBe('ok');
  });
});
