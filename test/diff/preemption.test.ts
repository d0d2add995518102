// A guest that computes without system calls must still be stoppable often
// and cleanly: preempting a memory-heavy program over a thousand times must
// not change a single byte of its output, and the host's event loop must
// keep running while the guest computes.
import { describe, expect, test } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BUILD, runDsu, runNative } from '../helpers/run.js';
import { startSession } from '../../emulator/launch.js';
import { createLogger } from '../../emulator/log.js';

const program = (variant: string) => path.join(BUILD, 'programs', `memheavy.${variant}`);

describe('preemption', () => {
  for (const variant of ['static', 'dyn']) {
    test(`memheavy (${variant}) interrupted 1000+ times gives native's output`, async () => {
      const stats = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dsu-preempt-')), 'stats.json');
      // about two seconds of guest time: well over a thousand 1 ms quanta on any machine
      const spec = { args: ['30'] };
      const native = await runNative(program(variant), spec);
      const emulated = await runDsu(program(variant), spec, ['--quantum', '1', '--stats', stats]);
      expect(emulated.stdout.toString()).toBe(native.stdout.toString());
      expect(emulated.status).toBe(native.status);
      const s = JSON.parse(fs.readFileSync(stats, 'utf8'));
      expect(s.slices).toBeGreaterThanOrEqual(1000);
    });
  }

  test('the host event loop keeps running while the guest computes', async () => {
    const devnull = fs.openSync('/dev/null', 'w');
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    try {
      const session = startSession({
        program: program('static'),
        args: ['4'],
        quantumMs: 2,
        log: createLogger({ fd: devnull }),
      });
      const started = Date.now();
      const status = await session.done;
      const elapsed = Date.now() - started;
      expect(status).toEqual({ code: 0 });
      // with the event loop blocked for the whole run there would be no tick at all
      expect(elapsed).toBeGreaterThan(100);
      expect(ticks).toBeGreaterThan(5);
    } finally {
      clearInterval(timer);
      fs.closeSync(devnull);
    }
  });
});
