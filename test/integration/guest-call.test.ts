// The patcher's guest calls: a function of the running program called from
// the host returns its value; a fault or a timeout ends the call cleanly;
// and in every case the program continues exactly where it was.
import { afterEach, describe, expect, test } from 'vitest';
import path from 'node:path';
import { BUILD } from '../helpers/run.js';
import { Guest, startGuest } from '../helpers/guest.js';
import { callGuest } from '../../patcher/mechanism/guest-call.js';
import { PROT_EXEC, PROT_WRITE } from '../../emulator/memory/address-space.js';

let guest: Guest | null = null;
afterEach(async () => {
  if (!guest) return;
  guest.dispose();
  await guest.session.done;
  guest = null;
});

for (const variant of ['dyn', 'static']) {
  describe(`guest calls (${variant})`, () => {
    test('call, fault, timeout, then the program goes on unchanged', async () => {
      guest = startGuest(path.join(BUILD, 'programs', `callee.${variant}`));
      const g = guest;
      await g.waitFor('ready\n');
      g.send('first\n');
      await g.waitFor('first counter=100 hidden=7\n');
      // the program is now blocked reading stdin
      const { runner, proc } = g.session;
      // the descriptor table the CPU uses, which the calls must leave alone
      const gdt = (): [number, number][] => Array.from({ length: 16 }, (_, i) => proc.machine.gdt.read(i));
      const before = gdt();
      runner.hold();
      const sum = await callGuest(g.session, g.symbol('add'), [40, 2], 2000);
      expect(sum).toEqual({ ok: true, value: 42 });
      const bumped = await callGuest(g.session, g.symbol('bump'), [5], 2000);
      expect(bumped).toEqual({ ok: true, value: 3 });
      const crashed = await callGuest(g.session, g.symbol('crash'), [], 2000);
      expect(crashed.ok).toBe(false);
      if (!crashed.ok) expect(crashed.reason).toMatch(/^SIGSEGV \(invalid memory access at address 0x0\) at 0x[0-9a-f]+ in crash/);
      const spun = await callGuest(g.session, g.symbol('spin'), [], 300);
      expect(spun).toEqual({ ok: false, reason: 'did not return within 300 ms (time limit: dsu patch --transfer-timeout)' });
      // the calls returned into a page of the guest's own range, not over the GDT
      expect(gdt()).toEqual(before);
      const trampoline = proc.space.regions.find((r) => r.name === '[dsu]');
      expect(trampoline && trampoline.end <= 0xffffe000).toBe(true);
      runner.release();
      g.send('second\n');
      await g.waitFor('second counter=105 hidden=12\n');
      g.closeInput();
      expect(await g.session.done).toEqual({ code: 0 });
      expect(g.output()).toBe('ready\nfirst counter=100 hidden=7\nsecond counter=105 hidden=12\n');
    });

    // The linker invalidates every page of a patch it maps, data included. The
    // engine translates the start of a range as an instruction fetch: on a
    // no-execute page that raised a page fault inside the engine, which left
    // a double fault "in flight", and the guest's next page fault (the first
    // write of a state transfer under the write journal) became a triple
    // fault the engine took as a silent halt: the call never returned.
    test('invalidating code over data pages leaves the next page fault intact', async () => {
      guest = startGuest(path.join(BUILD, 'programs', `callee.${variant}`));
      const g = guest;
      await g.waitFor('ready\n');
      const { runner, proc } = g.session;
      const data = proc.space.regions.filter((r) => r.prot & PROT_WRITE && !(r.prot & PROT_EXEC) && proc.machine.tables.isPresent(r.start));
      expect(data.length).toBeGreaterThan(0);
      // the case only exists where the guest cannot fetch from its data
      expect(data.some((r) => !proc.machine.tables.canFetch(r.start, proc.machine.userMode))).toBe(true);
      runner.hold();
      for (const r of data) proc.machine.invalidateCode(r.start, r.end);
      for (const r of data) proc.machine.invalidateCode(r.start, r.end);
      const crashed = await callGuest(g.session, g.symbol('crash'), [], 5000);
      expect(crashed.ok).toBe(false);
      if (!crashed.ok) expect(crashed.reason).toMatch(/^SIGSEGV \(invalid memory access at address 0x0\) at 0x[0-9a-f]+ in crash/);
      expect(await callGuest(g.session, g.symbol('add'), [40, 2], 5000)).toEqual({ ok: true, value: 42 });
      runner.release();
      g.send('first\n');
      await g.waitFor('first counter=100 hidden=7\n');
      // ended by its input, as a program blocked reading a pipe that the test closes may not be
      g.closeInput();
      expect(await g.session.done).toEqual({ code: 0 });
    });
  });
}
