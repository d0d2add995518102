// --sysroot DIR (qemu-i386 -L's meaning) and --root DIR (the strict form)
// with a root holding only a program and its own library: no /dev, no
// /proc, and, for --sysroot, no dynamic loader or libc of its own. The probe
// (c-samples/sysroot/sysroot_probe.c) reports what it finds of its library,
// the devices, /dev/fd, /dev/shm, /proc and its current directory; its
// output must be the native run's (where the host's / has everything), and
// for --sysroot also qemu-i386 -L's on the same root.
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BUILD, runDsu, runNative } from '../helpers/run.js';

const PROBE = path.join(BUILD, 'sysroot', 'sysroot_probe');
const LIBRARY = path.join(BUILD, 'sysroot', 'libgreet.so');

let host: string;
let root: string;

beforeEach(() => {
  host = fs.mkdtempSync(path.join(os.tmpdir(), 'dsu-sysroot-'));
  root = path.join(host, 'root');
  fs.mkdirSync(path.join(root, 'app', 'lib'), { recursive: true });
  fs.copyFileSync(PROBE, path.join(root, 'app', 'sysroot_probe'));
  fs.chmodSync(path.join(root, 'app', 'sysroot_probe'), 0o755);
  fs.copyFileSync(LIBRARY, path.join(root, 'app', 'lib', 'libgreet.so'));
});

afterEach(() => {
  fs.rmSync(host, { recursive: true, force: true });
});

/** The probe run natively, its library found through LD_LIBRARY_PATH (the host has no /app/lib). */
async function nativeReport(): Promise<string> {
  const cwd = path.join(host, 'native');
  fs.mkdirSync(cwd);
  const r = await runNative(path.join(root, 'app', 'sysroot_probe'), { cwd, env: { LD_LIBRARY_PATH: path.join(root, 'app', 'lib') } });
  expect(r.stderr.toString()).toBe('');
  expect(r.status).toBe(0);
  return r.stdout.toString();
}

/** The host's i386 dynamic loader and libc, as a strict root must hold them. */
function copyHostLibc(): void {
  const lib = path.join(root, 'lib');
  fs.mkdirSync(lib, { recursive: true });
  const ldd = spawnSync('ldd', [PROBE], { encoding: 'utf8', env: { ...process.env, LD_LIBRARY_PATH: path.dirname(LIBRARY) } }).stdout;
  const libc = /libc\.so\.6 => (\S+)/.exec(ldd)?.[1];
  expect(libc, ldd).toBeDefined();
  fs.copyFileSync(fs.realpathSync('/lib/ld-linux.so.2'), path.join(lib, 'ld-linux.so.2'));
  fs.copyFileSync(fs.realpathSync(libc!), path.join(lib, 'libc.so.6'));
}

describe('--sysroot: the root first, then the host', () => {
  test('a root with only the program and its library runs as natively and as under qemu-i386 -L', async () => {
    const native = await nativeReport();
    expect(native).toContain('library: hello from the program\'s own library\n');
    const cwd = path.join(host, 'work');
    fs.mkdirSync(cwd);
    for (const program of [path.join(root, 'app', 'sysroot_probe'), '/app/sysroot_probe']) {
      const r = await runDsu(program, { cwd }, ['--sysroot', root]);
      expect(r.stderr.toString(), program).toBe('');
      expect(r.status, program).toBe(0);
      expect(r.stdout.toString(), program).toBe(native);
    }
    const qemu = spawnSync('qemu-i386', ['-L', root, path.join(root, 'app', 'sysroot_probe')], { cwd, encoding: 'utf8' });
    expect(qemu.status).toBe(0);
    // qemu's own name is what /proc/self/comm shows under it
    expect(qemu.stdout.replace('/proc/self/comm: qemu-i386', '/proc/self/comm: sysroot_probe')).toBe(native);
    // nothing of the session is left behind: /dev/shm was dsu's own, and the probe cleaned up after itself
    expect(fs.readdirSync(cwd)).toEqual([]);
    expect(fs.readdirSync(root).sort()).toEqual(['app']);
  }, 120_000);

  test('--root and --sysroot together are refused', async () => {
    const r = await runDsu('/app/sysroot_probe', {}, ['--root', root, '--sysroot', root]);
    expect(r.status).toBe(2);
    expect(r.stderr.toString()).toMatch(/--root and --sysroot/);
  }, 60_000);
});

describe('--root: strict, with a minimal /dev and /proc when the root has none', () => {
  test('a root with the program, its library, ld.so and libc, but no /dev or /proc, runs as natively', async () => {
    copyHostLibc();
    const native = await nativeReport();
    const cwd = path.join(root, 'work');
    fs.mkdirSync(cwd);
    const r = await runDsu('/app/sysroot_probe', { cwd }, ['--root', root]);
    expect(r.stderr.toString()).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout.toString()).toBe(native);
    expect(fs.readdirSync(root).sort()).toEqual(['app', 'lib', 'work']);
    expect(fs.readdirSync(cwd)).toEqual([]);
  }, 120_000);

  test('without a dynamic loader of its own, the strict root cannot start the program (as chroot)', async () => {
    const r = await runDsu('/app/sysroot_probe', { cwd: host }, ['--root', root]);
    expect(r.status).toBe(127);
    expect(r.stderr.toString()).toMatch(/interpreter \/lib\/ld-linux\.so\.2 not found/);
  }, 60_000);
});
