// Program start-up as the kernel's execve does it: map the executable, map
// its PT_INTERP (the guest's own ld-linux.so.2) if it has one, build the
// stack, and say where the first instruction is. Returns a plain description.
import { parseElf, ElfFile } from './elf/elf-file.js';
import { ElfError } from './elf/errors.js';
import { PF_X, PT_GNU_STACK } from './elf/constants.js';
import { mapImage, LoadedImage, LoaderMemory } from './image.js';
import {
  buildStack, AT_PHDR, AT_PHENT, AT_PHNUM, AT_PAGESZ, AT_BASE, AT_FLAGS, AT_ENTRY, AT_UID, AT_EUID,
  AT_GID, AT_EGID, AT_HWCAP, AT_CLKTCK, AT_SECURE, AT_HWCAP2, type ArgString,
} from './stack.js';

/**
 * Where a PIE executable goes (what the kernel picks for i386 with ASLR off).
 * @public test/helpers/elf-probe-worker.mjs reads it through dist/, where knip cannot follow
 */
export const PIE_BASE = 0x56555000;
/** CPUID.1:EDX of an i686 with SSE2, passed as AT_HWCAP when the caller gives no CPUID of its own. */
const HWCAP_I686 = 0x078bfbff;

/** The program's PT_INTERP could not be read; `reason` is what readFile threw. */
export class InterpreterError extends ElfError {
  constructor(file: string, readonly interpreter: string, readonly reason: unknown) {
    super(file, 'PT_INTERP', `cannot read its interpreter ${interpreter}`);
  }
}

export interface StartupMemory extends LoaderMemory {
  write(address: number, bytes: Uint8Array): void;
}

export interface StartupOptions {
  argv: ArgString[];
  envp: ArgString[];
  /** Guest path of the program (AT_EXECFN). */
  execPath: ArgString;
  /** Reads a file of the guest's file system (the interpreter); what it throws is kept in an InterpreterError. */
  readFile(guestPath: string): Uint8Array;
  ids: { uid: number; euid: number; gid: number; egid: number };
  random: Uint8Array;
  stackTop: number;
  stackSize: number;
  /** CPUID.1:EDX of the emulated CPU, passed as AT_HWCAP like the kernel does. */
  hwcap?: number;
}

export interface StartupPlan {
  exe: LoadedImage;
  interp: LoadedImage | null;
  /** First instruction: the interpreter's entry, else the program's. */
  entry: number;
  sp: number;
  brk: number;
  auxv: [number, number][];
  /**
   * The program has no PT_GNU_STACK: like the kernel, readable mappings are
   * also executable (READ_IMPLIES_EXEC), its own and those it makes later.
   */
  readImpliesExec: boolean;
}

const PROT_READ = 1;
const PROT_WRITE = 2;
const PROT_EXEC = 4;

export function startProgram(exeElf: ElfFile, opts: StartupOptions, startupMem: StartupMemory): StartupPlan {
  // PT_GNU_STACK says whether the stack is executable (PF_X); without one,
  // everything readable is (elf_read_implies_exec for a 32-bit program)
  const gnuStack = exeElf.segments.find((s) => s.type === PT_GNU_STACK);
  const readImpliesExec = gnuStack === undefined;
  const execStack = readImpliesExec || (gnuStack.flags & PF_X) !== 0;
  const mem: StartupMemory = !readImpliesExec ? startupMem : {
    map: (start, length, prot, name, fill) => startupMem.map(start, length, prot & PROT_READ ? prot | PROT_EXEC : prot, name, fill),
    isFree: (start, end) => startupMem.isFree(start, end),
    findFree: (length) => startupMem.findFree(length),
    write: (address, bytes) => startupMem.write(address, bytes),
  };
  const exe = mapImage(exeElf, mem, PIE_BASE);
  let interp: LoadedImage | null = null;
  if (exeElf.interpreter !== null) {
    let bytes: Uint8Array;
    try {
      bytes = opts.readFile(exeElf.interpreter);
    } catch (e) {
      throw new InterpreterError(exeElf.path, exeElf.interpreter, e);
    }
    const interpElf = parseElf(bytes, exeElf.interpreter, { exec: true });
    interp = mapImage(interpElf, mem, null);
  }
  mem.map(opts.stackTop - opts.stackSize, opts.stackSize, PROT_READ | PROT_WRITE | (execStack ? PROT_EXEC : 0), '[stack]');
  const auxv: [number, number][] = [
    [AT_HWCAP, opts.hwcap ?? HWCAP_I686],
    [AT_PAGESZ, 4096],
    [AT_CLKTCK, 100],
    [AT_PHDR, exe.phdr],
    [AT_PHENT, 32],
    [AT_PHNUM, exeElf.phnum],
    [AT_BASE, interp ? interp.start : 0],
    [AT_FLAGS, 0],
    [AT_ENTRY, exe.entry],
    [AT_UID, opts.ids.uid],
    [AT_EUID, opts.ids.euid],
    [AT_GID, opts.ids.gid],
    [AT_EGID, opts.ids.egid],
    [AT_SECURE, 0],
    [AT_HWCAP2, 0],
  ];
  const layout = buildStack(
    { top: opts.stackTop, argv: opts.argv, envp: opts.envp, execfn: opts.execPath, auxv, random: opts.random },
    (address, bytes) => mem.write(address, bytes),
  );
  return { exe, interp, entry: interp ? interp.entry : exe.entry, sp: layout.sp, brk: exe.brk, auxv: layout.auxv, readImpliesExec };
}
