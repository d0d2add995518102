// Signals sent from outside to the dsu process reach the guest: its handler
// runs (and the guest decides when to exit), its SIG_IGN holds, and without
// a handler the default action ends it with 128+signal. Each case runs the
// same binary natively too, and both must say and return the same.
import { describe, expect, test } from 'vitest';
import path from 'node:path';
import { BUILD, DSU } from '../helpers/run.js';
import { runAndSignal, type SignalledRun } from '../helpers/signal-run.js';

const PROGRAM = path.join(BUILD, 'programs', 'wait_signal');

/** Exit status as a shell reports it. */
const shellStatus = (r: SignalledRun): number => r.status ?? 128 + (r.signal === 'SIGTERM' ? 15 : r.signal === 'SIGINT' ? 2 : 0);

describe('host signals reach the guest', () => {
  for (const variant of ['dyn', 'static']) {
    const binary = `${PROGRAM}.${variant}`;

    test(`SIGTERM runs the guest's handler, which decides to exit (${variant})`, async () => {
      const native = await runAndSignal([binary, 'handler'], ['SIGTERM']);
      const dsu = await runAndSignal([process.execPath, DSU, 'run', binary, 'handler'], ['SIGTERM']);
      expect(native.stdout).toBe('ready\nhandler ran\nwoken by signal 15\n');
      expect(dsu.stdout).toBe(native.stdout);
      expect(native.status).toBe(42);
      expect(dsu.status).toBe(42);
    });

    test(`SIGTERM without a handler ends the guest with status 143 (${variant})`, async () => {
      const native = await runAndSignal([binary, 'default'], ['SIGTERM']);
      const dsu = await runAndSignal([process.execPath, DSU, 'run', binary, 'default'], ['SIGTERM']);
      expect(shellStatus(native)).toBe(143);
      expect(dsu.status).toBe(143);
      expect(dsu.stdout).toBe(native.stdout);
      expect(dsu.stdout).toBe('ready\n');
    });

    test(`signals the guest ignores do not stop it; SIGUSR1 then wakes it (${variant})`, async () => {
      const sequence: NodeJS.Signals[] = ['SIGTERM', 'SIGINT', 'SIGUSR1'];
      const native = await runAndSignal([binary, 'ignore'], sequence);
      const dsu = await runAndSignal([process.execPath, DSU, 'run', binary, 'ignore'], sequence);
      expect(native.stdout).toBe('ready\nhandler ran\nwoken by signal 10\n');
      expect(dsu.stdout).toBe(native.stdout);
      expect(dsu.status).toBe(0);
    });

    test(`SIGWINCH reaches a guest that handles it (${variant})`, async () => {
      const native = await runAndSignal([binary, 'winch'], ['SIGWINCH']);
      const dsu = await runAndSignal([process.execPath, DSU, 'run', binary, 'winch'], ['SIGWINCH']);
      expect(native.stdout).toBe('ready\nhandler ran\nwoken by signal 28\n');
      expect(dsu.stdout).toBe(native.stdout);
      expect(dsu.status).toBe(0);
    });

    test(`SIGINT without a handler ends the guest with status 130 (${variant})`, async () => {
      const dsu = await runAndSignal([process.execPath, DSU, 'run', binary, 'default'], ['SIGINT']);
      const native = await runAndSignal([binary, 'default'], ['SIGINT']);
      expect(shellStatus(native)).toBe(130);
      expect(dsu.status).toBe(130);
    });
  }
});
