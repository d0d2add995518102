// Signals sent from outside to a multi-threaded guest are process-directed:
// each goes to a thread that does not block it, as the kernel chooses
// (c-samples/threads-host/host_signals.c: a handler thread for SIGUSR1, a
// sigwait thread for SIGUSR2 and SIGTERM, SIGHUP blocked everywhere and left
// pending). Native and dsu must print and return the same.
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { BUILD, DSU } from '../helpers/run.js';
import { runAndSignal } from '../helpers/signal-run.js';

const PROGRAM = path.join(BUILD, 'threads-host', 'host_signals');
const SEQUENCE: NodeJS.Signals[] = ['SIGUSR1', 'SIGHUP', 'SIGUSR2', 'SIGTERM'];

describe('host signals to a multi-threaded guest', () => {
  for (const variant of ['dyn', 'static']) {
    test(`each goes to the thread that takes it; a blocked one stays pending (${variant})`, async () => {
      const binary = `${PROGRAM}.${variant}`;
      const native = await runAndSignal([binary], SEQUENCE);
      const dsu = await runAndSignal([process.execPath, DSU, 'run', binary], SEQUENCE);
      expect(native.stdout).toBe('ready\nSIGUSR1: 1 in the thread that does not block it, 0 elsewhere\nsigwait in the waiter: 12 15\nSIGHUP pending for the process: 1\n');
      expect(native.status).toBe(0);
      expect(dsu.stderr).toBe('');
      expect(dsu.stdout).toBe(native.stdout);
      expect(dsu.status).toBe(0);
    }, 60_000);
  }
});
