// The escapes of vfs-escape.test.ts under --sysroot, where the host is seen
// behind the sysroot by design (read-only outside the writable directories,
// as with qemu-i386 -L): reading a host file by its own path is allowed, but
// nothing outside the writable directories may be created, linked, changed
// or reached through a symlink planted in the sysroot, and the sysroot's own
// symlinks never resolve on the host. The guest runs from a directory inside
// the sysroot, so only that directory and /tmp are writable.
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BUILD, runDsu } from '../helpers/run.js';

const ESCAPE = path.join(BUILD, 'hostile', 'vfs_escape');
const MARKER = 'OUTSIDE-THE-ROOT-5e21';
const ENOENT = 'No such file or directory';
const EROFS = 'Read-only file system';

let host: string;
let root: string;
let outside: string;

beforeEach(() => {
  host = fs.mkdtempSync(path.join(os.tmpdir(), 'dsu-sysroot-escape-'));
  root = path.join(host, 'root');
  outside = path.join(host, 'outside');
  for (const d of ['bin', 'ro', 'dev', 'tmp']) fs.mkdirSync(path.join(root, d), { recursive: true });
  fs.mkdirSync(outside);
  fs.writeFileSync(path.join(outside, 'secret'), MARKER + '\n');
  fs.writeFileSync(path.join(root, 'ro', 'file'), 'read-only\n');
  fs.copyFileSync(ESCAPE, path.join(root, 'bin', 'vfs_escape'));
  fs.chmodSync(path.join(root, 'bin', 'vfs_escape'), 0o755);
  execFileSync('mknod', [path.join(root, 'dev', 'blk'), 'b', '7', '0']);
  execFileSync('mknod', [path.join(root, 'dev', 'memdev'), 'c', '1', '1']);
  execFileSync('mknod', ['-m', '666', path.join(root, 'dev', 'null'), 'c', '1', '3']);
});

afterEach(() => {
  fs.rmSync(host, { recursive: true, force: true });
});

describe('escapes from --sysroot', () => {
  test('the host is read-only behind the sysroot: nothing outside is created, linked or changed', async () => {
    const r = await runDsu('/bin/vfs_escape', { args: [outside, MARKER], cwd: path.join(root, 'tmp') }, ['--sysroot', root]);
    expect(r.status).toBe(0);
    const lines = r.stdout.toString().trim().split('\n');
    const seen = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 2)]));
    expect(seen).toEqual({
      // the host's files by their own paths: visible, as qemu -L shows them
      'dotdot-at-root': ENOENT,
      'dotdot-then-host-path': 'LEAK',
      'host-absolute-path': 'LEAK',
      'proc-self-root': 'LEAK',
      'proc-self-cwd': 'LEAK',
      // `..` from the sysroot's /tmp climbs on the host, as the kernel's would under qemu -L
      'magic-link-dotdot': 'LEAK',
      // a symlink planted in the sysroot resolves in the sysroot, never on the host
      'absolute-symlink': ENOENT,
      'climbing-symlink': ENOENT,
      'create-through-symlink': ENOENT,
      'mkdir-through-symlink': ENOENT,
      'create-through-dangling-symlink': EROFS,
      'proc-1-root': ENOENT,
      'proc-1-environ': ENOENT,
      'opath-dirfd-dotdot': ENOENT,
      'file-as-dirfd': 'Not a directory',
      'cwd-after-dotdots': '/',
      'relative-after-dotdots': ENOENT,
      // a hard link would make a host file writable through the writable directory
      'hardlink-outside-file': EROFS,
      'hardlink-readonly-file': EROFS,
      'block-device': 'Permission denied',
      'mem-device': 'Permission denied',
      'null-device-write': 'ok',
      'mknod-char-device': 'Operation not permitted',
      'bind-through-symlink': ENOENT,
      'bind-abstract': 'Operation not permitted',
    });
    expect(fs.readdirSync(outside)).toEqual(['secret']);
    expect(fs.readFileSync(path.join(outside, 'secret'), 'utf8')).toBe(MARKER + '\n');
    expect(fs.statSync(path.join(outside, 'secret')).nlink).toBe(1);
    expect(fs.readdirSync(host).sort()).toEqual(['outside', 'root']);
  }, 120_000);
});
