// A guest that takes every descriptor it may have does not lock the
// operator out. The guest fills its descriptor table to RLIMIT_NOFILE, then
// keeps host descriptors alive through shared file mappings closed after
// mmap, then through epoll sets holding one socket under many descriptors;
// each route ends in the kernel's error for it (EMFILE, ENOSPC), and while
// the guest holds everything, `dsu status` and `dsu modules` (which reads
// the guest's files) still answer on the control channel. The guest cannot
// raise its hard limit past what dsu gives it. dsu runs with a host limit
// of 1024 descriptors (a common default), which also keeps the run short.
import { describe, expect, test } from 'vitest';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BUILD, DSU, REPO } from '../helpers/run.js';
import { dsuCli } from '../helpers/control-session.js';

const PROGRAM = path.join(BUILD, 'hostile', 'fd_exhaust');
const HOST_LIMIT = 1024;

/** `dsu run --control SOCK PROGRAM ARGS` under `ulimit -n HOST_LIMIT`, with stdin a pipe the test writes. */
function startGuest(program: string, args: string[]) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dsu-fds-'));
  const socket = path.join(dir, 'control.sock');
  const child = spawn('sh', ['-c', `ulimit -n ${HOST_LIMIT} && exec "$@"`, 'sh', process.execPath, DSU, 'run', '--control', socket, program, ...args], {
    cwd: REPO, stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  child.stdin.on('error', () => {});
  const closed = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return {
    socket,
    child,
    async waitForLine(line: string, timeoutMs: number): Promise<void> {
      const deadline = Date.now() + timeoutMs;
      while (!out.split('\n').includes(line)) {
        if (child.exitCode !== null || Date.now() > deadline) throw new Error(`no line "${line}"\nstdout: ${out}\nstderr: ${err}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    write: (text: string) => void child.stdin.write(text),
    async finish(timeoutMs: number) {
      child.stdin.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      const status = await closed;
      clearTimeout(timer);
      fs.rmSync(dir, { recursive: true, force: true });
      return { status, stdout: out, stderr: err };
    },
  };
}

describe('fd exhaustion leaves dsu its own descriptors', () => {
  for (const variant of ['dyn', 'static']) {
    test(`the control channel answers while the guest holds every descriptor it may have (${variant})`, async () => {
      const guest = startGuest(`${PROGRAM}.${variant}`, [PROGRAM + '.dyn']);
      try {
        for (const phase of ['table', 'mappings', 'epoll']) {
          await guest.waitForLine(`holding ${phase}`, 90_000);
          const status = await dsuCli(['status', '--control', guest.socket], 20_000);
          expect(status.stderr).toBe('');
          expect(status.status).toBe(0);
          const modules = await dsuCli(['modules', '--control', guest.socket], 20_000);
          expect(modules.status).toBe(0);
          expect(modules.stdout).toContain(path.basename(PROGRAM));
          guest.write('next\n');
        }
        const r = await guest.finish(60_000);
        expect(r.status).toBe(0);
        const lines = r.stdout.split('\n');
        expect(lines[0]).toMatch(/^open: \d+ fds, then EMFILE; highest fd \+ 1 == soft limit 1$/);
        // most of the host's descriptors go to the guest; dsu keeps its reserve
        const opened = Number(/open: (\d+)/.exec(lines[0])![1]);
        expect(opened).toBeGreaterThan(HOST_LIMIT * 3 / 4);
        expect(opened).toBeLessThan(HOST_LIMIT - 64);
        expect(lines.slice(1)).toEqual([
          'socket at the limit: EMFILE',
          'epoll_create1 at the limit: EMFILE',
          'pipe at the limit: EMFILE',
          'holding table',
          'mappings kept after close: many 1, then open says EMFILE',
          'holding mappings',
          'epoll: many watches 1, then ENOSPC',
          'holding epoll',
          'raise hard NOFILE by one: EPERM',
          'soft NOFILE up to hard: ok',
          '',
        ]);
      } finally {
        guest.child.kill('SIGKILL');
      }
    });
  }
});
