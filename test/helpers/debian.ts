// Real programs from Debian for dsu mkpatch: a source package (fetched by
// scripts/debian-sources.sh into c-samples/build/debian-src/), unpacked
// without its patches, and the trees "before" and "after" each fix of its
// debian/patches series: tree(k) has the first k patches applied, in order.
import { execFile, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BUILD, REPO } from './run.js';

const SOURCES = path.join(BUILD, 'debian-src');

function dscOf(pkg: string): string {
  const find = (): string | undefined => (fs.existsSync(SOURCES) ? fs.readdirSync(SOURCES).find((f) => f.startsWith(`${pkg}_`) && f.endsWith('.dsc')) : undefined);
  if (!find()) {
    const r = spawnSync('bash', [path.join(REPO, 'scripts', 'debian-sources.sh'), pkg], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`cannot fetch the Debian source of ${pkg}: ${r.stderr.trim()}`);
  }
  const dsc = find();
  if (!dsc) throw new Error(`no ${pkg} source package in ${SOURCES}`);
  return path.join(SOURCES, dsc);
}

export interface PatchSeries {
  /** The package's debian/patches/series, in order. */
  patches: string[];
  /** A tree with the first k patches applied (made once, under the work directory). */
  tree(k: number): string;
}

/** `prepare(dir)` runs on every tree, as Debian's rules would before building (generated headers...). */
export function patchSeries(pkg: string, work: string, prepare?: (dir: string) => void): PatchSeries {
  const pristine = path.join(work, `${pkg}-pristine`);
  if (!fs.existsSync(pristine)) {
    const r = spawnSync('dpkg-source', ['-x', '--skip-patches', dscOf(pkg), pristine], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`dpkg-source -x ${pkg}: ${r.stderr.trim()}`);
  }
  const seriesFile = path.join(pristine, 'debian', 'patches', 'series');
  const patches = fs.existsSync(seriesFile)
    ? fs.readFileSync(seriesFile, 'utf8').split('\n').map((l) => l.replace(/#.*/, '').trim()).filter((l) => l !== '').map((l) => l.split(/\s+/)[0])
    : [];
  return {
    patches,
    tree(k: number): string {
      const dir = path.join(work, `${pkg}-${k}`);
      if (fs.existsSync(dir)) return dir;
      fs.cpSync(pristine, dir, { recursive: true });
      for (const p of patches.slice(0, k)) {
        const r = spawnSync('patch', ['-p1', '-s', '-N', '-i', path.join(pristine, 'debian', 'patches', p)], { cwd: dir, encoding: 'utf8' });
        if (r.status !== 0) throw new Error(`${pkg}: ${p} does not apply: ${r.stdout}${r.stderr}`);
      }
      prepare?.(dir);
      return dir;
    },
  };
}

/**
 * Runs a build command in a tree (as the user built the program that runs);
 * rejects with its output when it fails. Asynchronous: a build of minutes
 * must not block the test worker's event loop (vitest's own messages time out).
 */
export function buildTree(dir: string, command: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile('sh', ['-c', command], { cwd: dir, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${command} in ${dir}: ${stdout.slice(-2000)}${stderr.slice(-2000)}`));
      else resolve();
    });
  });
}

/** How Debian's dpkg-buildflags compiles for bookworm, for -m32. */
export const DEBIAN_CFLAGS = '-m32 -O2 -g -fstack-protector-strong -Wformat -Werror=format-security -D_FORTIFY_SOURCE=2';
