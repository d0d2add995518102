// Differential testing: every c-samples/<group>/NAME.c, built both as a PIE
// (NAME.dyn) and -static, must behave under `dsu run` exactly as it does
// natively: same stdout, stderr and exit status, byte for byte.
//
// Optional sidecar files next to NAME.c:
//   NAME.args   one argument per line
//   NAME.stdin  bytes fed to standard input
//   NAME.env    KEY=VALUE lines added to the environment
//   NAME.dsu    options for `dsu run`, one per line (a policy the program
//               needs that the sandbox refuses by default, said here)
//   NAME.xfail  a known divergence that dsu cannot fix yet, with its reason:
//               the test then asserts that the outputs still differ, so the
//               mark goes away as soon as the divergence does
// Each run starts in a fresh empty temporary directory (its cwd), so programs
// may create files there.
import { describe, expect, test } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BUILD, REPO, runDsu, runNative, RunSpec } from './run.js';

function sidecar(dir: string, name: string, ext: string): string | null {
  const p = path.join(dir, `${name}.${ext}`);
  return fs.existsSync(p) ? fs.readFileSync(p, 'utf8') : null;
}

function specFor(dir: string, name: string, cwd: string): RunSpec {
  const args = sidecar(dir, name, 'args');
  const env = sidecar(dir, name, 'env');
  return {
    cwd,
    args: args === null ? [] : args.split('\n').filter((l) => l.length > 0),
    stdin: sidecar(dir, name, 'stdin') ?? '',
    env: Object.fromEntries((env ?? '').split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)])),
  };
}

export function differentialSuite(group: string, minPrograms: number): void {
  const dir = path.join(REPO, 'c-samples', group);
  const programs = fs.readdirSync(dir).filter((f) => f.endsWith('.c')).map((f) => f.slice(0, -2)).sort();
  describe(`${group}: native vs dsu run`, () => {
    test(`there are at least ${minPrograms} programs`, () => {
      expect(programs.length).toBeGreaterThanOrEqual(minPrograms);
    });
    for (const name of programs) {
      const xfail = sidecar(dir, name, 'xfail');
      for (const variant of ['dyn', 'static']) {
        const declare = xfail === null ? test : test.fails;
        declare(`${name} (${variant})${xfail === null ? '' : ' [known divergence: ' + xfail.trim().split('\n')[0] + ']'}`, async () => {
          const binary = path.join(BUILD, group, `${name}.${variant}`);
          const nativeDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dsu-diff-'));
          const dsuDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dsu-diff-'));
          try {
            const native = await runNative(binary, specFor(dir, name, nativeDir));
            const options = (sidecar(dir, name, 'dsu') ?? '').split('\n').filter((l) => l.length > 0);
            const emulated = await runDsu(binary, specFor(dir, name, dsuDir), options);
            expect(emulated.stderr.toString()).toBe(native.stderr.toString());
            expect(emulated.stdout.toString()).toBe(native.stdout.toString());
            expect(emulated.status).toBe(native.status);
            expect(Buffer.compare(emulated.stdout, native.stdout)).toBe(0);
          } finally {
            fs.rmSync(nativeDir, { recursive: true, force: true });
            fs.rmSync(dsuDir, { recursive: true, force: true });
          }
        });
      }
    }
  });
}
