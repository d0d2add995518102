// A host RLIMIT_AS (ulimit -v) does not stop dsu from starting, and it is
// the guest's own limit: under it dsu maps only what the guest maps
// (emulator/memory/host-memory.ts), the guest reads the host's limit, lowers
// it, and is held to what it set, as natively. Both runs must print the
// same. Under a limit that leaves too little beside dsu's own needs (Node,
// V8, the engine's 1 GiB translation buffer), dsu says so in one line and
// what limit would do, instead of dying inside the engine.
import { describe, expect, test } from 'vitest';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BUILD, DSU } from '../helpers/run.js';

const PROGRAM = path.join(BUILD, 'programs', 'as_limit');

function underLimit(kib: number, argv: string[]): { stdout: string; stderr: string; status: number | null } {
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'dsu-as-'));
  try {
    const r = spawnSync('sh', ['-c', `ulimit -v ${kib} && exec "$@"`, 'sh', ...argv], { cwd, encoding: 'utf8', timeout: 60_000 });
    return { stdout: r.stdout, stderr: r.stderr, status: r.status };
  } finally {
    fs.rmSync(cwd, { recursive: true, force: true });
  }
}

describe('a host RLIMIT_AS is the guest\'s limit', () => {
  for (const kib of [4_500_000, 3_500_000]) {
    for (const variant of ['dyn', 'static']) {
      test(`ulimit -v ${kib} (${variant})`, () => {
        const binary = `${PROGRAM}.${variant}`;
        const native = underLimit(kib, [binary]);
        const dsu = underLimit(kib, [process.execPath, DSU, 'run', binary]);
        expect(native.stdout).toBe([
          `RLIMIT_AS soft ${kib * 1024} hard ${kib * 1024}`,
          'lower to 256 MiB: 0',
          'mmap 512 MiB: ENOMEM',
          'mmap 64 MiB: mapped',
          'heap stopped below the limit 1, after some 1, errno ENOMEM',
          'earlier memory intact 1',
          '',
        ].join('\n'));
        expect(dsu.stderr).toBe('');
        expect(dsu.stdout).toBe(native.stdout);
        expect(dsu.status).toBe(native.status);
      });
    }
  }

  for (const variant of ['dyn', 'static']) {
    test(`a limit too small for dsu itself: one clear line, no crash (${variant})`, () => {
      const kib = 1_500_000;
      const dsu = underLimit(kib, [process.execPath, DSU, 'run', `${PROGRAM}.${variant}`]);
      expect(dsu.stdout).toBe('');
      expect(dsu.status).toBe(1);
      expect(dsu.stderr).toMatch(new RegExp(`^dsu: the host's address-space limit \\(ulimit -v ${kib}\\) is too small for dsu: .*; run it under ulimit -v (\\d+) or more\n$`));
      // and the limit it names is enough
      const enough = Number(/ulimit -v (\d+) or more/.exec(dsu.stderr)![1]);
      const again = underLimit(enough, [process.execPath, DSU, 'run', `${PROGRAM}.${variant}`]);
      expect(again.stderr).toBe('');
      expect(again.status).toBe(0);
      // the program runs (with the least memory dsu starts it with, it gets ENOMEM sooner than natively)
      expect(again.stdout).toMatch(new RegExp(`^RLIMIT_AS soft ${enough * 1024} hard ${enough * 1024}\nlower to 256 MiB: 0\nmmap 512 MiB: ENOMEM\n`));
    });
  }

  // every guest process lives in dsu's one host process, with an engine of its
  // own: natively the child has the limit to itself, under dsu it shares it
  for (const variant of ['dyn', 'static']) {
    test(`fork with room for another engine works; without, it is ENOMEM and dsu goes on (${variant})`, () => {
      const binary = path.join(BUILD, 'programs', `as_fork.${variant}`);
      const roomy = underLimit(8_000_000, [process.execPath, DSU, 'run', binary]);
      expect(roomy.stderr).toBe('');
      expect(roomy.stdout).toBe(underLimit(8_000_000, [binary]).stdout);
      expect(roomy.stdout).toBe('child exit 3, parent\'s memory intact 1\n');
      const tight = underLimit(3_000_000, [process.execPath, DSU, 'run', binary]);
      expect(tight.stderr).toBe('');
      expect(tight.stdout).toBe('fork: ENOMEM\n');
      expect(tight.status).toBe(0);
    });
  }
});
