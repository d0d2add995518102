// Exec: a program image into a process, as execve does. Find the program
// (PATH search inside the root), check and read it, parse it, map it and its
// interpreter into the process's address space, build the initial stack, and
// set the registers of the thread that will run it. What the process had
// before (its memory, threads) is the caller's to clear: a new session starts
// from an empty machine, and execve (the processes issue) from a fresh one.
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { parseElf } from '../loader/elf/elf-file.js';
import { ElfError } from '../loader/elf/errors.js';
import { startProgram, StartupMemory, InterpreterError, type StartupPlan } from '../loader/startup.js';
import type { ElfFile } from '../loader/elf/elf-file.js';
import type { ArgString } from '../loader/stack.js';
import type { Machine } from './machine.js';
import type { Process } from './process.js';
import type { HostHandle, Vfs } from './files/vfs.js';
import { Reg } from './engine/unicorn-consts.js';
import { LinuxError, EACCES, EISDIR, ELIBBAD, ENOENT, ENOEXEC, errnoOf, errnoName } from './abi/errno.js';
import { FILE_LIMITS, FileReadError, readRegularFile } from '../loader/files/regular-file.js';
import { PAGE_SIZE, TASK_SIZE } from './memory/address-space.js';
import { mapSigreturnPage, type SigreturnStubs } from './signals/sigreturn-page.js';
import { LEAF1_EDX } from './engine/cpu-features.js';
import { READ_IMPLIES_EXEC } from './syscalls/mm.js';

const STACK_TOP = TASK_SIZE;
const STACK_SIZE = 8 * 1024 * 1024;

/** A program that cannot be started: missing, not executable, malformed. */
export class LaunchError extends Error {
  constructor(
    message: string,
    /** What a shell would exit with (127 not found, 126 not executable). */
    readonly exitCode: number,
    /** What execve would fail with. */
    readonly errno: number = exitCode === 127 ? ENOENT : EACCES,
  ) {
    super(message);
  }
}

export interface ExecRequest {
  /** As the user or the guest named it (searched in PATH when it has no slash). */
  program: string;
  argv: string[];
  envp: string[];
}

/** The program, found inside the root and held open (an O_PATH fd) until it is read. */
function findProgram(vfs: Vfs, program: string, envPath: string): HostHandle {
  const candidates = program.includes('/')
    ? [program]
    : envPath.split(':').filter((d) => d.length > 0).map((d) => path.posix.join(d, program));
  for (const c of candidates) {
    try {
      return vfs.openForDsu(c);
    } catch {
      continue;
    }
  }
  throw new LaunchError(`${program}: No such file or directory`, 127);
}

export function readProgram(host: string, shown: string): Uint8Array {
  try {
    fs.accessSync(host, fs.constants.X_OK);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new LaunchError(`${shown}: No such file or directory`, 127);
    throw new LaunchError(`${shown}: Permission denied`, 126);
  }
  try {
    // a regular file only, of bounded size (execve gives EACCES for anything else)
    return readRegularFile(host, FILE_LIMITS.program);
  } catch (e) {
    if (!(e instanceof FileReadError)) throw e;
    const errno = errnoOf(e);
    throw new LaunchError(`${shown}: ${e.reason}`, errno === ENOENT ? 127 : 126, errno === EISDIR ? EACCES : errno);
  }
}

/** A file the loader asks for (the interpreter, libraries), found inside the root. */
function readGuestFile(vfs: Vfs, guest: string, maxBytes: number): Buffer {
  const h = vfs.openForDsu(guest);
  try {
    return readRegularFile(h.host, maxBytes);
  } finally {
    h.close();
  }
}

/**
 * Load `req.program` into `proc` (whose address space must be empty) and
 * point its main thread at the entry. Returns the entry address.
 */
export function execProgram(proc: Process, req: ExecRequest): number {
  const envPath = req.envp.find((e) => e.startsWith('PATH='))?.slice(5) ?? '/usr/local/bin:/usr/bin:/bin';
  const exe = findProgram(proc.vfs, req.program, envPath);
  let bytes;
  try {
    bytes = readProgram(exe.host, req.program);
  } finally {
    exe.close();
  }
  const elf = parseProgram(bytes, req.program);
  const image = loadImage(proc.machine, proc.vfs, proc.ids, elf, { argv: req.argv, envp: req.envp, execPath: req.program });
  adoptImage(proc, image, exe.guest, req.argv);
  return image.plan.entry;
}

/** An ELF program as execve checks it: anything it cannot run is ENOEXEC. */
export function parseProgram(bytes: Uint8Array, shown: string): ElfFile {
  try {
    // as execve reads it: a malformed section table does not stop the kernel
    return parseElf(bytes, shown, { exec: true });
  } catch (e) {
    if (e instanceof ElfError) throw new LaunchError(e.message, 126, ENOEXEC);
    throw e;
  }
}

/** A program mapped into a machine, its stack built and its registers set. */
export interface LoadedProgram {
  machine: Machine;
  plan: StartupPlan;
  sigreturnStubs: SigreturnStubs | null;
}

/**
 * Map `elf` and its interpreter into `machine` (whose address space must be
 * empty), build the stack and set ESP and EDX as the i386 ELF ABI has them.
 * Nothing of a process changes: execve keeps its old program until this
 * has worked.
 */
export function loadImage(machine: Machine, vfs: Vfs, ids: Process['ids'], elf: ElfFile,
  req: { argv: ArgString[]; envp: ArgString[]; execPath: string }): LoadedProgram {
  const space = machine.space;
  const mem: StartupMemory = {
    map: (start, length, prot, name, fill) => space.map(start, length, prot, name === '[stack]' ? 'stack' : 'image', name, { fill }),
    isFree: (start, end) => space.isFree(start, end),
    findFree: (length) => space.findFree(length),
    write: (address, data) => machine.memory.bytes.set(data, address),
  };
  const shown = req.execPath;
  let plan;
  try {
    plan = startProgram(elf, {
      argv: req.argv,
      envp: req.envp,
      execPath: req.execPath,
      readFile: (p) => readGuestFile(vfs, p, FILE_LIMITS.program),
      ids,
      random: crypto.randomBytes(16),
      stackTop: STACK_TOP,
      stackSize: STACK_SIZE,
      hwcap: machine.cpuFields ? LEAF1_EDX : undefined,
    }, mem);
  } catch (e) {
    if (e instanceof InterpreterError) {
      // Like execve: a missing interpreter is ENOENT, which a shell reports as
      // 127; one that is not a regular file (a directory included) is EACCES.
      const errno = errnoOf(e.reason);
      const why = errno === ENOENT ? 'not found' : e.reason instanceof FileReadError ? `cannot be used: ${e.reason.reason}` : `cannot be read (${errnoName(errno)})`;
      throw new LaunchError(`${shown}: interpreter ${e.interpreter} ${why}`, errno === ENOENT ? 127 : 126, errno === EISDIR ? EACCES : errno);
    }
    // a malformed interpreter: named as the program's, as execve fails the program (ELIBBAD)
    if (e instanceof ElfError && e.file !== shown) throw new LaunchError(`${shown}: interpreter ${e.message}`, 126, ELIBBAD);
    if (e instanceof ElfError) throw new LaunchError(e.message, 126, ENOEXEC);
    if (e instanceof LinuxError) throw new LaunchError(`${shown}: cannot load: ${e.message}`, 126, e.errno);
    throw e;
  }
  space.brkStart = space.brkEnd = plan.brk;
  space.mmapTop = STACK_TOP - STACK_SIZE - 128 * 1024 * 1024;
  // the kernel's vDSO: where handlers installed without SA_RESTORER return
  const vdso = space.findFree(PAGE_SIZE);
  const sigreturnStubs = vdso === null ? null : mapSigreturnPage(space, vdso);
  // the i386 ELF ABI: ESP at argc, EDX 0 (no exit function from the loader)
  machine.cpu.setReg(Reg.ESP, plan.sp);
  machine.cpu.setReg(Reg.EDX, 0);
  return { machine, plan, sigreturnStubs };
}

/** Make a loaded program the process's: its names, images and auxv, and its main thread at the entry. */
export function adoptImage(proc: Process, image: LoadedProgram, guestPath: string, argv: string[]): void {
  proc.exePath = guestPath;
  proc.argv = argv;
  proc.comm = path.basename(guestPath).slice(0, 15);
  proc.exe = image.plan.exe;
  proc.interp = image.plan.interp;
  proc.auxv = image.plan.auxv;
  proc.sigreturnStubs = image.sigreturnStubs;
  proc.personality = image.plan.readImpliesExec ? proc.personality | READ_IMPLIES_EXEC : proc.personality & ~READ_IMPLIES_EXEC;
  proc.mainThread.eip = image.plan.entry >>> 0;
}
