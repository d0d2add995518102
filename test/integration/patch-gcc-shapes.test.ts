// Patches meeting what gcc -O2 makes of a program: a static that takes its
// argument in a register, a global array that grows, and --relaxed over a
// main loop. Each checks what the program then does, not only the exit code.
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { BUILD } from '../helpers/run.js';
import { PATCH } from '../helpers/patch-cases.js';
import { applyOk } from '../helpers/patching.js';
import { Ledger } from '../helpers/ledger-target.js';
import { Counter } from '../helpers/patch-targets.js';

const LEDGER = path.join(BUILD, 'ledger', 'ledger-v1');
type Warned = { warnings: string[] };

describe('patches and gcc -O2 code', () => {
  test('a regparm(3) replacement of a register-argument static computes from the real argument', async () => {
    const l = await Ledger.start(LEDGER);
    try {
      expect(await l.ask('fee 1000')).toBe('net 990 fees 10');
      await applyOk(l.dsu.socket, PATCH('ledger-regparm'));
      expect(await l.ask('fee 1000')).toBe('net 980 fees 30');
      expect(await l.ask('fee 500')).toBe('net 490 fees 40');
    } finally {
      await l.stop();
    }
  }, 120_000);

  test('a grown global array gets new storage: the old entries are copied, the variables after it are untouched', async () => {
    const l = await Ledger.start(LEDGER);
    try {
      expect(await l.ask('set 1 10')).toBe('set 0');
      expect(await l.ask('fee 1000')).toBe('net 990 fees 10');
      const report = (await applyOk(l.dsu.socket, PATCH('ledger-grow-global'))) as unknown as Warned;
      expect(report.warnings.join('\n')).toMatch(/accounts: the patch's global has 32 bytes, the live one 16: it gets new storage/);
      expect(await l.ask('get 1')).toBe('get 10');
      for (let i = 4; i < 8; i++) expect(await l.ask(`set ${i} ${i * 111}`)).toBe('set 0');
      expect(await l.ask('get 7')).toBe('get 777');
      // fee_total and guard follow the program's 16-byte array: still intact
      expect(await l.ask('fee 1000')).toBe('net 990 fees 20');
      expect(await l.ask('guard')).toBe('guard 12345');
    } finally {
      await l.stop();
    }
  }, 120_000);

  test('--relaxed over a running main says that activation stays on the old code', async () => {
    const c = await Counter.start();
    try {
      expect(await c.send('1 2')).toEqual({ f: 3, num: 1 });
      const report = (await applyOk(c.socket, PATCH('fail-main-loop'), ['--relaxed'])) as unknown as Warned;
      expect(report.warnings.join('\n')).toMatch(/--relaxed: main \(counter-v1\) was running; that activation goes on in the old code/);
      expect((await c.send('3 4')).num).toBe(2);
    } finally {
      await c.stop();
    }
  }, 120_000);
});
