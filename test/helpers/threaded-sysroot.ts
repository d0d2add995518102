// Debian's i386 multi-threaded programs (redis-server, memcached, xz,
// python3.11) unpacked with their libraries into one root under the build
// directory by scripts/sysroot.sh, which scripts/setup.sh runs with the same
// list (the stamp is the list, in this order: keep both the same). Natively
// they run through the root's own loader and libraries; under dsu with
// --root.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BUILD, REPO, runDsu, runNative, type Outcome, type RunSpec } from './run.js';

const THREADED_ROOT = path.join(BUILD, 'sysroots', 'threaded');
const PACKAGES = ['redis-server', 'memcached', 'xz-utils', 'python3.11-minimal'];

/** Unpacks the root if set-up has not (idempotent); gives it the users a daemon may switch to. */
export function threadedSysroot(): string {
  const r = spawnSync('bash', [path.join(REPO, 'scripts', 'sysroot.sh'), THREADED_ROOT, ...PACKAGES], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`scripts/sysroot.sh could not unpack ${PACKAGES.join(', ')} (i386) into ${THREADED_ROOT}`);
  const etc = path.join(THREADED_ROOT, 'etc');
  if (!fs.existsSync(path.join(etc, 'passwd'))) {
    fs.writeFileSync(path.join(etc, 'passwd'), 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n');
    fs.writeFileSync(path.join(etc, 'group'), 'root:x:0:\nnogroup:x:65534:\n');
  }
  return THREADED_ROOT;
}

/** A host path for a guest path inside the root. */
export const inRoot = (guestPath: string): string => path.join(THREADED_ROOT, guestPath);

/**
 * Runs a program of the root (its guest path) natively, through the root's
 * loader and libraries, with the guest path as its argv[0]; paths in the
 * arguments are the caller's to give as host paths (inRoot).
 */
export function runRootNative(program: string, spec: RunSpec = {}): Promise<Outcome> {
  const libs = ['usr/lib/i386-linux-gnu', 'lib/i386-linux-gnu'].map(inRoot).join(':');
  return runNative(inRoot('usr/lib/ld-linux.so.2'), { ...spec, args: ['--library-path', libs, '--argv0', program, inRoot(program), ...(spec.args ?? [])] });
}

/** Runs a program of the root under `dsu run --root`. */
export function runRootDsu(program: string, spec: RunSpec = {}, dsuOptions: string[] = []): Promise<Outcome> {
  return runDsu(program, spec, ['--root', THREADED_ROOT, ...dsuOptions]);
}
