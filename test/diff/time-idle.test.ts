// A guest that sleeps leaves the host idle: sleeping syscalls block the
// guest on a host timer instead of polling. The sleepers program waits about
// 2.5 s in five different ways; under dsu it must say what it says natively,
// take as long, and cost the host far less CPU time than the wait lasts.
import { describe, expect, test } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BUILD, runDsu, runNative } from '../helpers/run.js';

interface Stats {
  status: { code?: number };
  slices: number;
  wallMs: number;
  userCpuMs: number;
  systemCpuMs: number;
}

describe('sleeping guests keep the host idle', () => {
  for (const variant of ['dyn', 'static']) {
    test(`sleepers (${variant})`, async () => {
      const binary = path.join(BUILD, 'programs', `sleepers.${variant}`);
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dsu-idle-'));
      const statsFile = path.join(dir, 'stats.json');
      try {
        const native = await runNative(binary);
        const dsu = await runDsu(binary, {}, ['--stats', statsFile]);
        expect(dsu.stdout.toString()).toBe(native.stdout.toString());
        expect(native.stdout.toString()).not.toMatch(/ 0\n/);
        expect(dsu.status).toBe(0);
        const stats = JSON.parse(fs.readFileSync(statsFile, 'utf8')) as Stats;
        expect(stats.wallMs).toBeGreaterThanOrEqual(2500);
        // start-up costs a few hundred ms of CPU; polling through 2.5 s of waits would cost seconds
        expect(stats.userCpuMs + stats.systemCpuMs).toBeLessThan(1200);
        // each wait is one blocked syscall woken once, not a run of short slices
        expect(stats.slices).toBeLessThan(40);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
