// writeSlot, the API a patch uses to redirect a GOT slot: it returns the old
// value, lifts a read-only (RELRO) page only for the write, and the guest
// really calls the new target. Each case runs got_wait, stopped while it
// waits for stdin, redirects its not-yet-called rand() to libc's getpid(),
// then lets it print "rand N" where N must now be its pid modulo 100.
import { describe, expect, test } from 'vitest';
import path from 'node:path';
import { BUILD } from '../helpers/run.js';
import { startInProcess } from '../helpers/in-process.js';
import { guestModuleCache, guestProgram } from '../../patcher/inspect/guest-program.js';
import { programModules } from '../../loader/program/program-modules.js';
import { liveSlots } from '../../loader/program/got.js';
import { dynamicSymbols } from '../../loader/elf/symbols.js';
import { SlotWriteError, writeSlot } from '../../patcher/got/slot-write.js';
import { PROT_READ, PROT_WRITE } from '../../emulator/memory/address-space.js';
import { LinuxError } from '../../emulator/abi/errno.js';
import type { Process } from '../../emulator/process.js';

const program = (name: string) => path.join(BUILD, 'programs', name);

function model(proc: Process) {
  const view = guestProgram(proc, guestModuleCache(proc), []);
  const modules = programModules(view);
  const slots = liveSlots(modules, view.memory);
  const libc = modules.find((m) => m.name === 'libc.so.6')!;
  const libcSymbol = (name: string): number => libc.bias + dynamicSymbols(libc.data.elf).find((s) => s.name === name && s.shndx !== 0)!.value;
  const slot = (module: string, symbol: string) => slots.find((s) => s.module.name === module && s.import.symbol === symbol)!;
  return { view, slot, libcSymbol };
}

describe('writeSlot', () => {
  for (const [name, relro] of [['got_wait.dyn', false], ['got_wait.now', true]] as const) {
    test(`${name}: redirecting rand's ${relro ? 'read-only (RELRO)' : 'writable, lazy'} slot changes what the guest calls`, async () => {
      const guest = startInProcess(program(name));
      try {
        await guest.waitUntilBlockedAfter('ready');
        const proc = guest.session.proc;
        const { view, slot, libcSymbol } = model(proc);
        const rand = slot(name, 'rand');
        const before = view.memory.u32(rand.slot);
        expect(rand.state).toBe(relro ? 'bound' : 'lazy');
        expect(rand.readOnly).toBe(relro);
        const pageProt = proc.space.regionAt(rand.slot)!.prot;

        const w = writeSlot(proc, rand.slot, libcSymbol('getpid'));
        expect(w.old).toBe(before);
        expect(w.lifted).toBe(relro);
        expect(view.memory.u32(rand.slot)).toBe(libcSymbol('getpid'));
        // the guest's protection is back as it was
        expect(proc.space.regionAt(rand.slot)!.prot).toBe(pageProt);
        if (relro) expect(() => proc.mem.setU32(rand.slot, 0)).toThrow(LinuxError);
        // and the model sees the new target
        const after = model(proc).slot(name, 'rand');
        expect(after).toMatchObject({ state: 'bound', targetSymbol: 'getpid', readOnly: relro });
      } finally {
        const end = await guest.finish();
        expect(end.code).toBe(0);
        expect(end.output).toBe(`ready\nrand ${process.pid % 100}\n`);
      }
    });
  }

  test('undo: writing the old value back restores the slot; a RELRO data slot stays read-only throughout', async () => {
    const guest = startInProcess(program('got_wait.dyn'));
    try {
      await guest.waitUntilBlockedAfter('ready');
      const proc = guest.session.proc;
      const { view, slot } = model(proc);
      const stdout = slot('got_wait.dyn', 'stdout');
      expect(stdout.readOnly).toBe(true);
      const original = view.memory.u32(stdout.slot)!;
      const w = writeSlot(proc, stdout.slot, 0x12345678);
      expect(w).toEqual({ slot: stdout.slot, old: original, value: 0x12345678, lifted: true });
      expect(view.memory.u32(stdout.slot)).toBe(0x12345678);
      expect(proc.space.regionAt(stdout.slot)!.prot & PROT_WRITE).toBe(0);
      expect(proc.space.regionAt(stdout.slot)!.prot & PROT_READ).toBe(PROT_READ);
      const undo = writeSlot(proc, stdout.slot, w.old);
      expect(undo.old).toBe(0x12345678);
      expect(view.memory.u32(stdout.slot)).toBe(original);
      expect(() => writeSlot(proc, stdout.slot + 2, 0)).toThrow(SlotWriteError);
      expect(() => writeSlot(proc, 0x1000, 0)).toThrow(/not in readable guest memory/);
    } finally {
      const end = await guest.finish();
      expect(end.code).toBe(0);
      // stdout was put back before the guest used it again
      expect(end.output).toMatch(/^ready\nrand \d+\n$/);
    }
  });
});
