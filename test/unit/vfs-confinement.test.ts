// Path confinement of the Vfs against a temporary directory tree full of
// symlink traps: every lookup ends inside the root (its guest path and the
// object it holds), the one-call fast path and the component walk agree,
// a directory swapped for a symlink between two lookups is followed inside
// the root, and the write policy is decided on directories, not strings.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { errnoName, errnoOf } from '../../emulator/abi/errno.js';
import { release, Vfs } from '../../emulator/files/vfs.js';
import { fastResolve } from '../../emulator/files/vfs-fast.js';
import { fstatFd } from '../../emulator/files/host-names.js';
import { releaseDir, walk, type Resolved } from '../../emulator/files/walk.js';

let host: string;
let root: string;
let vfs: Vfs;

beforeAll(() => {
  host = fs.mkdtempSync(path.join(os.tmpdir(), 'dsu-vfs-unit-'));
  root = path.join(host, 'root');
  for (const d of ['etc', 'tmp/w', 'data/sub', 'ro/deep/er']) fs.mkdirSync(path.join(root, d), { recursive: true });
  fs.writeFileSync(path.join(root, 'etc', 'passwd'), 'inside\n');
  fs.writeFileSync(path.join(host, 'passwd'), 'outside\n');
  fs.mkdirSync(path.join(host, 'outdir'));
  fs.symlinkSync(path.join(host, 'passwd'), path.join(root, 'tmp', 'abs'));
  fs.symlinkSync('../../../../passwd', path.join(root, 'tmp', 'climb'));
  fs.symlinkSync('/etc', path.join(root, 'tmp', 'etc'));
  fs.symlinkSync('loop2', path.join(root, 'tmp', 'loop1'));
  fs.symlinkSync('loop1', path.join(root, 'tmp', 'loop2'));
  fs.symlinkSync(path.join(host, 'outdir'), path.join(root, 'tmp', 'outdir'));
  fs.symlinkSync('../tmp/w', path.join(root, 'ro', 'into-tmp'));
  vfs = new Vfs({ root, cwd: '/ro/deep', writable: ['/data'] });
});

afterAll(() => {
  fs.rmSync(host, { recursive: true, force: true });
});

type Outcome = { guest: string; ino: bigint | null } | string;

/** Guest path and inode a lookup ends at (null inode: a missing final name), or the error's name. */
function where(p: string, follow = true): Outcome {
  let r;
  try {
    r = vfs.resolve(p, { followLast: follow });
  } catch (e) {
    return errnoName(errnoOf(e));
  }
  try {
    return { guest: r.guest, ino: r.stat?.ino ?? null };
  } finally {
    release(r);
  }
}

const ino = (p: string): bigint => BigInt(fs.statSync(path.join(root, p), { bigint: true }).ino);

describe('lookups stay inside the root', () => {
  test('.. at the root and absolute host paths', () => {
    expect(where('/../../etc/passwd')).toEqual({ guest: '/etc/passwd', ino: ino('etc/passwd') });
    expect(where('../../../../../../etc/passwd')).toEqual({ guest: '/etc/passwd', ino: ino('etc/passwd') });
    // a host path names nothing inside the root (its first directories are missing there)
    expect(where(path.join(host, 'passwd'))).toBe('ENOENT');
  });

  test('symlinks to host paths and climbing symlinks resolve inside', () => {
    expect(where('/tmp/abs')).toBe('ENOENT');
    expect(where('/tmp/climb')).toEqual({ guest: '/passwd', ino: null });
    expect(where('/tmp/etc/passwd')).toEqual({ guest: '/etc/passwd', ino: ino('etc/passwd') });
    expect(where('/tmp/outdir/x')).toBe('ENOENT');
  });

  test('a symlink loop is ELOOP, a final symlink is kept when not followed', () => {
    expect(where('/tmp/loop1')).toBe('ELOOP');
    expect(where('/tmp/abs', false)).toEqual({ guest: '/tmp/abs', ino: BigInt(fs.lstatSync(path.join(root, 'tmp', 'abs'), { bigint: true }).ino) });
  });

  test('the fast path and the component walk agree', () => {
    const rootRef = { fd: vfs.rootRef.fd, id: fstatFd(vfs.rootRef.fd) };
    const summary = (r: Resolved): string => `${r.guest} ${r.name} ${r.stat?.ino ?? 'missing'}`;
    const attempt = (fn: () => Resolved | null): string | null => {
      try {
        const r = fn();
        if (r === null) return null;
        releaseDir(r.dir);
        return summary(r);
      } catch (e) {
        return errnoName(errnoOf(e));
      }
    };
    const cases = ['/etc/passwd', '/tmp/w', '/data/sub/../sub', 'x/../../etc/passwd', '/ro/deep/er/', '/missing', '../er', '/missing/x', '/etc/passwd/x', 'er/..'];
    let fastAnswers = 0;
    for (const p of cases) {
      const opts = { base: vfs.cwdDir, followLast: true };
      const slow = attempt(() => walk(rootRef, p, opts));
      const fast = attempt(() => fastResolve(rootRef, p, opts));
      if (fast === null) continue;
      fastAnswers++;
      expect(fast, p).toBe(slow);
    }
    expect(fastAnswers).toBeGreaterThan(5);
  });

  test('a directory swapped for a symlink outside is followed inside the root', () => {
    const dir = path.join(root, 'tmp', 'swap');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'passwd'), 'swap-inside\n');
    const before = where('/tmp/swap/passwd');
    fs.renameSync(dir, dir + '.away');
    fs.symlinkSync(host, dir);
    const after = where('/tmp/swap/passwd');
    expect(before).toEqual({ guest: '/tmp/swap/passwd', ino: ino('tmp/swap.away/passwd') });
    // host/passwd exists outside; inside, /tmp/swap -> <host> is a path under the root that does not exist
    expect(after).toBe('ENOENT');
  });
});

describe('the write policy is decided on directories', () => {
  const mayCreate = (p: string): boolean => {
    const r = vfs.resolve(p, { followLast: false });
    try {
      return vfs.policy.mayChangeIn(r.dir.fd);
    } finally {
      release(r);
    }
  };

  test('/tmp and --rw directories and what is below them', () => {
    expect(mayCreate('/tmp/new')).toBe(true);
    expect(mayCreate('/tmp/w/new')).toBe(true);
    expect(mayCreate('/data/sub/new')).toBe(true);
    expect(mayCreate('/etc/new')).toBe(false);
    expect(mayCreate('/new')).toBe(false);
    // the cwd is writable only when it is where dsu was started
    expect(mayCreate('/ro/deep/new')).toBe(false);
  });

  test('a path through a read-only directory that leads into a writable one is writable, and the reverse is not', () => {
    expect(mayCreate('/ro/into-tmp/new')).toBe(true);
    expect(mayCreate('/tmp/etc/new')).toBe(false);
  });

  test('a relative --rw is relative to where dsu started, and must be inside the root', () => {
    expect(() => new Vfs({ root, cwd: '/', writable: ['definitely-not-in-root'] })).toThrow(/outside the root/);
  });
});
