// A guest that takes all the address space a host RLIMIT_AS (ulimit -v)
// leaves it does not take dsu down or lock the operator out. Under the
// limit, dsu's own memory (Node, V8, the engine's translation buffer) and
// the guest's count against the same total: the guest gets a share fixed
// when dsu starts (emulator/memory/host-budget.ts) and ENOMEM past it, as
// natively past the limit. The guest fills its share by mmap and by the
// heap; while it holds everything, `dsu status` and `dsu modules` answer on
// the control channel; then everything it wrote is intact, what it gives
// back it can take again, and it prints what the same program prints
// natively under the same limit.
import { describe, expect, test } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BUILD, DSU, REPO } from '../helpers/run.js';
import { dsuCli } from '../helpers/control-session.js';

const PROGRAM = path.join(BUILD, 'hostile', 'as_exhaust');
const LIMIT_KIB = 3_500_000;

describe('address-space exhaustion under a host RLIMIT_AS', () => {
  for (const variant of ['dyn', 'static']) {
    test(`dsu keeps running and answering while the guest holds all it may (${variant})`, async () => {
      const binary = `${PROGRAM}.${variant}`;
      const native = spawnSync('sh', ['-c', `ulimit -v ${LIMIT_KIB} && exec "$@"`, 'sh', binary], { input: 'next\n', encoding: 'utf8', timeout: 60_000 });
      expect(native.status).toBe(0);
      expect(native.stdout).toContain('everything intact 1\ntaken again 1\n');

      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dsu-as-'));
      const socket = path.join(dir, 'control.sock');
      const child = spawn('sh', ['-c', `ulimit -v ${LIMIT_KIB} && exec "$@"`, 'sh', process.execPath, DSU, 'run', '--control', socket, binary], {
        cwd: REPO, stdio: ['pipe', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      const closed = new Promise<{ code: number | null; signal: string | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
      try {
        const deadline = Date.now() + 90_000;
        while (!out.includes('holding memory\n')) {
          if (child.exitCode !== null || child.signalCode !== null || Date.now() > deadline) {
            throw new Error(`no "holding memory"\nstdout: ${out}\nstderr: ${err}`);
          }
          await new Promise((r) => setTimeout(r, 50));
        }
        const status = await dsuCli(['status', '--control', socket], 20_000);
        expect(status.stderr).toBe('');
        expect(status.status).toBe(0);
        const modules = await dsuCli(['modules', '--control', socket], 20_000);
        expect(modules.status).toBe(0);
        expect(modules.stdout).toContain(path.basename(PROGRAM));
        child.stdin.end('next\n');
        const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
        const end = await closed;
        clearTimeout(timer);
        expect(err).toBe('');
        expect(end).toEqual({ code: 0, signal: null });
        expect(out).toBe(native.stdout);
      } finally {
        child.kill('SIGKILL');
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
