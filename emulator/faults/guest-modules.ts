// The running guest as the loader's symbolizer and unwinder see it: its
// modules (executable, interpreter, and the libraries ld.so mapped, found
// from file-backed mappings), a memory reader, and the thread's registers.
import fs from 'node:fs';
import path from 'node:path';
import { ElfFile, parseElf } from '../../loader/elf/elf-file.js';
import { DebugFileFinder, Module, ModuleCache, ModuleData, ModuleMap, moduleName, modulesFromMappings } from '../../loader/symbols/modules.js';
import { debugFileCandidates, openDebugFile } from '../../loader/symbols/debug-file.js';
import { ReadU32, Registers } from '../../loader/unwind/unwind.js';
import { PROT_READ } from '../memory/address-space.js';
import { Reg } from '../engine/unicorn-consts.js';
import type { Cpu } from '../engine/cpu.js';
import type { Process } from '../process.js';
import { FILE_LIMITS, readRegularFileOrNull } from '../../loader/files/regular-file.js';

function hasElfMagic(proc: Process, address: number): boolean {
  if (!proc.space.isAccessible(address, 4, PROT_READ)) return false;
  const b = proc.space.memory.bytes;
  return b[address] === 0x7f && b[address + 1] === 0x45 && b[address + 2] === 0x4c && b[address + 3] === 0x46;
}

export function openGuestFile(proc: Process, cache: ModuleCache, guestPath: string): ModuleData | null {
  // the file found inside the root, through a host path that names only it
  return proc.vfs.withHostPath(guestPath, null, (host) => {
    const st = fs.statSync(host);
    // the stat only names the cache entry; what is read is checked on the opened file
    if (!st.isFile()) return null;
    return cache.forFile(`${guestPath}:${st.dev}:${st.ino}:${st.size}:${st.mtimeMs}`, () => {
      const bytes = readRegularFileOrNull(host, FILE_LIMITS.program);
      try {
        return bytes && parseElf(bytes, guestPath);
      } catch {
        return null;
      }
    });
  });
}

/** A regular file of the guest's file namespace, read, or null. */
export function readGuestFile(proc: Process, guestPath: string): Uint8Array | null {
  return proc.vfs.withHostPath(guestPath, null, (host) => readRegularFileOrNull(host, FILE_LIMITS.debug));
}

/** Debug files are looked up inside the guest's root, as a debugger inside it would. */
export function guestDebugFiles(proc: Process): DebugFileFinder {
  return (elf: ElfFile) => {
    const objectPath = elf === proc.exe?.elf ? proc.exePath : path.posix.resolve(proc.vfs.cwd, elf.path);
    for (const candidate of debugFileCandidates(elf, objectPath)) {
      const bytes = readGuestFile(proc, candidate.path);
      const debug = bytes && openDebugFile(candidate, bytes);
      if (debug) return debug;
    }
    return null;
  };
}

/** Every ELF module mapped in `proc`. */
export function guestModules(proc: Process, cache: ModuleCache): ModuleMap {
  const list: Module[] = [];
  for (const image of [proc.exe, proc.interp]) {
    if (!image) continue;
    list.push({ path: image.path, name: moduleName(image.path), start: image.start, end: image.end, bias: image.bias, data: cache.forElf(image.elf) });
  }
  const files = proc.space.regions.filter((r) => r.kind === 'file' && r.name.startsWith('/'));
  // only files whose first page, as mapped, is an ELF header (not data files)
  const elfPaths = new Set(files.filter((r) => r.offset === 0 && hasElfMagic(proc, r.start)).map((r) => r.name));
  const mappings = files.filter((r) => elfPaths.has(r.name)).map((r) => ({ path: r.name, start: r.start, end: r.end, offset: r.offset }));
  list.push(...modulesFromMappings(mappings, (p) => openGuestFile(proc, cache, p)));
  return new ModuleMap(list);
}

export function guestReader(proc: Process): ReadU32 {
  const space = proc.space;
  const view = space.memory.view;
  return (address) => (space.isAccessible(address, 4, PROT_READ) ? view.getUint32(address, true) : null);
}

/** Up to `max` readable bytes at `address` (fewer at the end of a mapping). */
export function guestBytes(proc: Process, address: number, max: number): Uint8Array {
  let n = 0;
  while (n < max && proc.space.isAccessible(address + n, 1, PROT_READ)) n++;
  return proc.space.memory.bytes.slice(address, address + n);
}

export function cpuRegisters(cpu: Cpu): Registers {
  return {
    eip: cpu.reg(Reg.EIP), esp: cpu.reg(Reg.ESP), ebp: cpu.reg(Reg.EBP), ebx: cpu.reg(Reg.EBX),
    esi: cpu.reg(Reg.ESI), edi: cpu.reg(Reg.EDI), eax: cpu.reg(Reg.EAX), ecx: cpu.reg(Reg.ECX), edx: cpu.reg(Reg.EDX),
  };
}
