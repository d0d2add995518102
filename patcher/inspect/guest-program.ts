// The running guest as the loader's module and GOT models see it
// (loader/program/program-modules.ts): its memory through the guest's own
// mappings, the images the loader mapped, the objects dsu linked, and its
// files through its root.
import type { Process } from '../../emulator/process.js';
import { PROT_READ } from '../../emulator/memory/address-space.js';
import { environ } from '../../emulator/files/proc-content.js';
import { guestDebugFiles, openGuestFile } from '../../emulator/faults/guest-modules.js';
import { ModuleCache } from '../../loader/symbols/modules.js';
import { PageRun, ProgramMemory } from '../../loader/program/program-memory.js';
import { ProgramView } from '../../loader/program/program-modules.js';
import type { RuntimeModule } from '../../loader/program/runtime-module.js';

const SPACE_END = 2 ** 32;

function guestProgramMemory(proc: Process): ProgramMemory {
  const space = proc.space;
  const { bytes, view } = space.memory;
  return {
    u32(address) {
      if (!Number.isInteger(address) || address < 0 || address + 4 > SPACE_END) return null;
      return space.isAccessible(address, 4, PROT_READ) ? view.getUint32(address, true) : null;
    },
    cstring(address, max) {
      if (!Number.isInteger(address) || address < 0) return null;
      for (let end = address; end < address + max && end < SPACE_END; end++) {
        if ((end === address || end % 4096 === 0) && !space.isAccessible(end, 1, PROT_READ)) return null;
        if (bytes[end] === 0) return Buffer.from(bytes.buffer, bytes.byteOffset + address, end - address).toString('latin1');
      }
      return null;
    },
    protections(start, end) {
      const runs: PageRun[] = [];
      for (const r of space.regions) {
        if (r.end <= start || r.start >= end || r.kind === 'reserved') continue;
        runs.push({ start: Math.max(r.start, start), end: Math.min(r.end, end), prot: r.prot });
      }
      return runs;
    },
  };
}

/** A view of `proc` for the module model; `cache` keeps parsed files between queries; `linked`: the objects dsu linked. */
export function guestProgram(proc: Process, cache: ModuleCache, linked: readonly RuntimeModule[]): ProgramView {
  return {
    memory: guestProgramMemory(proc),
    exe: proc.exe ? { path: proc.exePath || proc.exe.path, elf: proc.exe.elf, bias: proc.exe.bias } : null,
    interp: proc.interp ? { path: proc.interp.path, elf: proc.interp.elf, bias: proc.interp.bias } : null,
    linked,
    dataOf: (elf) => cache.forElf(elf),
    open: (guestPath) => openGuestFile(proc, cache, guestPath),
  };
}

/** The cache a long-lived inspector keeps for `proc` (debug files looked up inside its root). */
export function guestModuleCache(proc: Process): ModuleCache {
  return new ModuleCache(guestDebugFiles(proc));
}

/** ld.so binds every slot at start-up when LD_BIND_NOW is set to anything non-empty in its initial environment. */
export function ldBindNow(proc: Process): boolean {
  const env = Buffer.from(environ(proc)).toString('latin1').split('\0');
  return env.some((e) => e.startsWith('LD_BIND_NOW=') && e.length > 'LD_BIND_NOW='.length);
}
