// A server that blocks SIGTERM/SIGINT/SIGHUP and takes them through a
// signalfd in its epoll loop: signals sent from outside to `dsu run` must
// reach that signalfd (not a handler, not the default action), so SIGHUP
// keeps it running and SIGTERM or SIGINT ends it cleanly with status 0.
// Each case runs the same binary natively too; both must say the same.
import { describe, expect, test } from 'vitest';
import path from 'node:path';
import { BUILD, DSU } from '../helpers/run.js';
import { runAndSignal } from '../helpers/signal-run.js';

const PROGRAM = path.join(BUILD, 'programs', 'signalfd_server');

describe('host signals reach a guest signalfd', () => {
  for (const variant of ['dyn', 'static']) {
    const binary = `${PROGRAM}.${variant}`;
    const cases: [string, NodeJS.Signals[], string][] = [
      ['SIGTERM ends the loop cleanly', ['SIGTERM'], 'ready\nSIGTERM: shutting down after 0 reload(s), code SI_USER 1\n'],
      ['SIGHUP twice keeps it running, then SIGINT ends it', ['SIGHUP', 'SIGHUP', 'SIGINT'],
        'ready\nSIGHUP: reload 1\nSIGHUP: reload 2\nSIGINT: shutting down after 2 reload(s), code SI_USER 1\n'],
    ];
    for (const [what, signals, expected] of cases) {
      test(`${what} (${variant})`, async () => {
        const native = await runAndSignal([binary], signals);
        const dsu = await runAndSignal([process.execPath, DSU, 'run', binary], signals);
        expect(native.stdout).toBe(expected);
        expect(native.status).toBe(0);
        expect(dsu.stderr).toBe(native.stderr);
        expect(dsu.stdout).toBe(native.stdout);
        expect(dsu.signal).toBeNull();
        expect(dsu.status).toBe(0);
      });
    }
  }
});
