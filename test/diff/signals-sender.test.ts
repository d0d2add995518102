// Signals sent from outside carry their sender: a guest SA_SIGINFO handler
// and a guest signalfd see si_pid (the sending process, here the test, the
// program's parent), si_uid and si_code as they do natively. Each case runs
// the same binary natively too; both must print the same.
import { describe, expect, test } from 'vitest';
import path from 'node:path';
import { BUILD, DSU } from '../helpers/run.js';
import { runAndSignal } from '../helpers/signal-run.js';

const PROGRAM = path.join(BUILD, 'programs', 'signal_sender');
const EXPECTED = [
  'ready',
  'SIGUSR1 handler: from parent 1, uid 1, code 0',
  'SIGUSR2 signalfd: from parent 1, uid 1, code 0',
  'SIGTERM handler: from parent 1, uid 1, code 0',
  '',
].join('\n');

describe('host signals carry their sender', () => {
  for (const variant of ['dyn', 'static']) {
    test(`si_pid, si_uid and si_code through a handler and a signalfd (${variant})`, async () => {
      const binary = `${PROGRAM}.${variant}`;
      const signals: NodeJS.Signals[] = ['SIGUSR1', 'SIGUSR2', 'SIGTERM'];
      const native = await runAndSignal([binary], signals);
      const dsu = await runAndSignal([process.execPath, DSU, 'run', binary], signals);
      expect(native.stdout).toBe(EXPECTED);
      expect(dsu.stdout).toBe(native.stdout);
      expect(dsu.stderr).toBe(native.stderr);
      expect(dsu.status).toBe(0);
    });
  }
});
