// File leases on host files: a guest takes a read lease; when another host
// process (the test) opens the file for writing, its non-blocking open
// fails with EWOULDBLOCK while the guest is told through its F_SETSIG
// signal (POLL_MSG, si_fd); once the guest releases the lease, a blocking
// open goes through. The same binary runs natively; both must print the same.
import { describe, expect, test } from 'vitest';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BUILD, DSU } from '../helpers/run.js';

const PROGRAM = path.join(BUILD, 'programs', 'lease_holder');

interface LeaseRun {
  stdout: string;
  status: number | null;
  /** What the test's own open for writing met while the lease was held. */
  openWhileLeased: string;
  openAfter: string;
}

function run(argv: string[], file: string): Promise<LeaseRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0], [...argv.slice(1), file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let openWhileLeased = 'not tried';
    let openAfter = 'not tried';
    let tried = false;
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (!tried && stdout.includes('ready\n')) {
        tried = true;
        try {
          fs.closeSync(fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK));
          openWhileLeased = 'opened';
        } catch (e) {
          openWhileLeased = (e as NodeJS.ErrnoException).code ?? 'error';
        }
      }
      if (stdout.includes('released\n') && openAfter === 'not tried') {
        try {
          fs.closeSync(fs.openSync(file, fs.constants.O_WRONLY));
          openAfter = 'opened';
        } catch (e) {
          openAfter = (e as NodeJS.ErrnoException).code ?? 'error';
        }
      }
    });
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ stdout, status, openWhileLeased, openAfter });
    });
  });
}

describe('file leases on host files', () => {
  for (const variant of ['dyn', 'static']) {
    test(`another process's open breaks the guest's lease (${variant})`, async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dsu-lease-'));
      try {
        const file = path.join(dir, 'leased');
        fs.writeFileSync(file, 'data');
        const binary = `${PROGRAM}.${variant}`;
        const native = await run([binary], file);
        const dsu = await run([process.execPath, DSU, 'run', binary], file);
        expect(native.stdout).toBe([
          'F_SETSIG: ok',
          'F_SETLEASE F_RDLCK: ok, F_GETLEASE is F_RDLCK 1',
          'F_GETOWN is self 1',
          'a write lease while the file is open elsewhere: EAGAIN',
          'ready',
          'break: signal is ours 1, code POLL_MSG 1, fd matches 1',
          'F_GETLEASE during the break is F_UNLCK 1',
          'F_SETLEASE F_UNLCK: ok',
          'released',
          '',
        ].join('\n'));
        expect(native.openWhileLeased).toBe('EAGAIN');
        expect(dsu.stdout).toBe(native.stdout);
        expect(dsu.openWhileLeased).toBe(native.openWhileLeased);
        expect(dsu.openAfter).toBe('opened');
        expect(dsu.status).toBe(0);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
