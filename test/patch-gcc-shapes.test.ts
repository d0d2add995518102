// Patches meeting what gcc -O2 makes of a program. Each checks what the
// program then does, not only the exit code.
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { BUILD } from './helpers/run.js';
import { PATCH } from './helpers/patch-cases.js';
import { applyOk } from './helpers/patching.js';
import { Ledger } from './helpers/ledger-target.js';

const LEDGER = path.join(BUILD, 'ledger', 'ledger-v1');

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
});
