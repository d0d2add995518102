// Standard streams that are regular files (`prog < in > out`), not the pipes
// the conformance harness gives: stream_seek is run with its .stdin file as
// stdin and a fresh file as stdout, natively and under dsu; seeking works on
// both streams and the two output files must be identical.
import { describe, expect, test } from 'vitest';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BUILD, DSU, REPO } from '../helpers/run.js';

const INPUT = path.join(REPO, 'c-samples', 'conformance', 'stream_seek.stdin');

function runWithFiles(argv: string[]): { out: string; status: number | null } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dsu-stdio-'));
  const outPath = path.join(dir, 'out');
  const input = fs.openSync(INPUT, 'r');
  const output = fs.openSync(outPath, 'w');
  try {
    const r = spawnSync(argv[0], argv.slice(1), { cwd: dir, stdio: [input, output, 'inherit'], timeout: 60_000 });
    return { out: fs.readFileSync(outPath, 'utf8'), status: r.status };
  } finally {
    fs.closeSync(input);
    fs.closeSync(output);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('standard streams redirected to files', () => {
  for (const variant of ['dyn', 'static']) {
    test(`stream_seek (${variant}) with stdin and stdout as files`, () => {
      const binary = path.join(BUILD, 'conformance', `stream_seek.${variant}`);
      const native = runWithFiles([binary]);
      const emulated = runWithFiles([process.execPath, DSU, 'run', binary]);
      // the streams really were files
      expect(native.out).toContain('ftell(stdout) = ');
      expect(native.out).not.toContain('ftell(stdout) = -1');
      expect(native.out).toContain('after rewind: first line');
      expect(emulated.out).toBe(native.out);
      expect(emulated.status).toBe(native.status);
    });
  }
});
