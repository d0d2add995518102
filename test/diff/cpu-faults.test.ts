// The CPU as a native process meets it, compared with the host kernel:
// privileged instructions and every other CPU exception reported with the
// kernel's signal, si_code, si_addr, trap number and error code
// (fault_info); no-execute pages, with and without an executable stack and
// with READ_IMPLIES_EXEC (nx_probe); a program that rewrites its own code,
// as a JIT does (smc_jit); modify_ldt and the segments it describes
// (ldt_segments). Each program prints what it sees relative to its
// own code, so the native and emulated runs must print the same bytes.
import { describe, expect, test } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BUILD, runDsu, runNative } from '../helpers/run.js';

const PROGRAMS: Array<[string, string[]]> = [
  ['fault_info', ['dyn', 'static']],
  ['nx_probe', ['dyn', 'static', 'execstack', 'nognustack']],
  ['smc_jit', ['dyn', 'static']],
  ['ldt_segments', ['dyn', 'static']],
];

describe('CPU faults, no-execute and self-modifying code: native vs dsu', () => {
  for (const [name, variants] of PROGRAMS) {
    for (const variant of variants) {
      test(`${name} (${variant})`, async () => {
        const program = path.join(BUILD, 'cpu', `${name}.${variant}`);
        const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'dsu-cpu-'));
        try {
          const native = await runNative(program, { cwd });
          const dsu = await runDsu(program, { cwd });
          expect(native.status).toBe(0);
          expect(dsu.stderr.toString()).toBe(native.stderr.toString());
          expect(dsu.stdout.toString()).toBe(native.stdout.toString());
          expect(dsu.status).toBe(native.status);
        } finally {
          fs.rmSync(cwd, { recursive: true, force: true });
        }
      });
    }
  }

  test('the programs see what they test: signals for privileged code, NX faults, fresh code after rewrites', async () => {
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'dsu-cpu-'));
    try {
      const faults = (await runDsu(path.join(BUILD, 'cpu', 'fault_info.static'), { cwd })).stdout.toString();
      expect(faults).toMatch(/^selectors cs=0x23 ds=0x2b ss=0x2b es=0x2b$/m);
      expect(faults).toMatch(/^push %cs; lret and ljmp through %cs: 2 of 2 came back$/m);
      expect(faults).toMatch(/^p_cli +SIGSEGV code=128 trapno=13 err=0 /m);
      expect(faults).toMatch(/^p_out +SIGSEGV code=128 trapno=13 /m);
      expect(faults).toMatch(/^i_int81 +SIGSEGV code=128 trapno=13 err=0x40a addr=0 eip=start\+0 /m);
      expect(faults).toMatch(/^e_x87_inv +SIGFPE code=7 trapno=16 /m);
      expect(faults).toMatch(/^e_sse_den +SIGFPE code=5 trapno=19 /m);
      expect(faults).toMatch(/^write_unmapped +SIGSEGV code=1 trapno=14 err=0x6 /m);
      expect(faults).toMatch(/^write_top +SIGSEGV code=1 trapno=14 err=0x6 /m);
      const nx = (await runDsu(path.join(BUILD, 'cpu', 'nx_probe.dyn'), { cwd })).stdout.toString();
      expect(nx).toMatch(/^stack:\n {2}SIGSEGV\(11\) code 2, at the code 1, err 0x15, trapno 14$/m);
      const smc = (await runDsu(path.join(BUILD, 'cpu', 'smc_jit.dyn'), { cwd })).stdout.toString();
      expect(smc).toMatch(/^rewrite 2000 times: sum 13995000, stale results 0$/m);
    } finally {
      fs.rmSync(cwd, { recursive: true, force: true });
    }
  });
});
