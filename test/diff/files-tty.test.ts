// Terminal ioctls on a real terminal: tty_ioctl (a conformance program,
// which sees pipes there) is run on a pseudo-terminal made by script(1),
// natively and under dsu; the terminal requests go to the host's terminal
// and both runs must print the same.
import { describe, expect, test } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BUILD, DSU, runNative } from '../helpers/run.js';

const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** Run a shell command line on a fresh pseudo-terminal; returns what the terminal showed. */
async function onTerminal(command: string): Promise<string> {
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'dsu-tty-'));
  try {
    const out = await runNative('script', { args: ['-qec', command, '/dev/null'], cwd });
    expect(out.status).toBe(0);
    return out.stdout.toString();
  } finally {
    fs.rmSync(cwd, { recursive: true, force: true });
  }
}

describe('terminal ioctls on a pseudo-terminal', () => {
  for (const variant of ['dyn', 'static']) {
    test(`tty_ioctl (${variant}) under script(1)`, async () => {
      const binary = path.join(BUILD, 'conformance', `tty_ioctl.${variant}`);
      const native = await onTerminal(quote(binary));
      const emulated = await onTerminal(`${quote(process.execPath)} ${quote(DSU)} run ${quote(binary)}`);
      // the run really happened on a terminal
      expect(native).toContain('isatty(stdout) = 1');
      expect(native).toContain('TIOCGWINSZ = 0: 33x77');
      expect(emulated).toBe(native);
    });
  }
});
