// Starting a program: find and check the executable, build the machine and
// process, load it (with its interpreter), and run it to completion.
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { createRequire } from 'node:module';
import { parseElf } from '../loader/elf/elf-file.js';
import { ElfError } from '../loader/elf/errors.js';
import { startProgram, StartupMemory, InterpreterError } from '../loader/startup.js';
import { Machine } from './machine.js';
import { Process, ExitStatus } from './process.js';
import { Vfs } from './files/vfs.js';
import { HostStream } from './files/host-stream.js';
import { O_ACCMODE, O_APPEND, O_RDONLY, O_WRONLY, O_RDWR } from './files/description.js';
import { hostGetFl } from './host/file-calls.js';
import { SyscallDispatcher } from './syscalls/dispatch.js';
import { allSyscallRows } from './syscalls/table.js';
import { Runner } from './runner.js';
import { Reg } from './engine/unicorn-consts.js';
import { createLogger, Logger } from './log.js';
import { LinuxError, ENOENT, errnoOf, errnoName } from './abi/errno.js';
import { TASK_SIZE } from './memory/address-space.js';
import { handleFault, deliverSignals } from './signals/delivery.js';
import { attachHostSignals } from './signals/host.js';
import { LOOPBACK_ONLY, NetPolicy } from './net/policy.js';
import { hostRlimit } from './host/clock.js';

export const STACK_TOP = TASK_SIZE - 0x1000;
export const STACK_SIZE = 8 * 1024 * 1024;

/** A program that cannot be started: missing, not executable, malformed. */
export class LaunchError extends Error {
  constructor(message: string, readonly exitCode: number) {
    super(message);
  }
}

export interface RunOptions {
  program: string;
  args: string[];
  root?: string;
  rw?: string[];
  /** Extra environment, KEY=VALUE. */
  env?: string[];
  strace?: boolean;
  quantumMs?: number;
  log?: Logger;
  /** Write run statistics (JSON) to this host file at exit. */
  statsFile?: string;
  /** Network sandbox (default: loopback only). */
  net?: NetPolicy;
  /** Time the syscall handlers too, for the profile in the stats file. */
  profile?: boolean;
  /** Apply live patches only at dsu_update_point() (the invoke model). */
  updatePoints?: boolean;
  /** How many of the newest patches can always be rolled back (older superseded ones are released). */
  rollbackDepth?: number;
  /** Host fds given to the guest as its fds 0, 1 and 2 (default: the host's own 0, 1, 2). */
  stdio?: [number, number, number];
}

export interface Session {
  proc: Process;
  runner: Runner;
  /** Live patches wait for dsu_update_point(). */
  updatePoints: boolean;
  rollbackDepth: number;
  /** Resolves with the exit status when the guest is gone. */
  done: Promise<ExitStatus>;
}

function findProgram(vfs: Vfs, program: string, envPath: string): { guest: string; host: string } {
  const candidates = program.includes('/')
    ? [program]
    : envPath.split(':').filter((d) => d.length > 0).map((d) => path.posix.join(d, program));
  for (const c of candidates) {
    let r;
    try {
      r = vfs.resolve(c);
    } catch {
      continue;
    }
    if (fs.existsSync(r.host)) return r;
  }
  throw new LaunchError(`${program}: No such file or directory`, 127);
}

function readProgram(host: string, shown: string): Uint8Array {
  let st: fs.Stats;
  try {
    st = fs.statSync(host);
  } catch {
    throw new LaunchError(`${shown}: No such file or directory`, 127);
  }
  if (st.isDirectory()) throw new LaunchError(`${shown}: Is a directory`, 126);
  try {
    fs.accessSync(host, fs.constants.X_OK);
  } catch {
    throw new LaunchError(`${shown}: Permission denied`, 126);
  }
  try {
    return fs.readFileSync(host);
  } catch (e) {
    throw new LaunchError(`${shown}: cannot read (${errnoName(errnoOf(e))})`, 126);
  }
}

function guestEnvironment(extra: string[]): string[] {
  const env = new Map<string, string>();
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env.set(k, v);
  for (const kv of extra) {
    const i = kv.indexOf('=');
    if (i <= 0) throw new LaunchError(`--env ${kv}: expected KEY=VALUE`, 2);
    env.set(kv.slice(0, i), kv.slice(i + 1));
  }
  return [...env].map(([k, v]) => `${k}=${v}`);
}

/** How a handed-over host fd is open: its access mode and O_APPEND (same values on i386 and x86-64). */
function statusFlagsOf(fd: number, guestFd = fd): number {
  try {
    return hostGetFl(fd) & (O_ACCMODE | O_APPEND);
  } catch {
    // fall back to a guess from the file type
  }
  try {
    const st = fs.fstatSync(fd);
    return st.isFile() && guestFd === 0 ? O_RDONLY : guestFd === 0 ? O_RDWR : st.isFile() ? O_WRONLY : O_RDWR;
  } catch {
    return O_RDWR;
  }
}

export function startSession(opts: RunOptions): Session {
  const log = opts.log ?? createLogger();
  const root = opts.root ?? '/';
  if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) throw new LaunchError(`--root ${root}: not a directory`, 2);
  const probe = new Vfs({ root, cwd: '/', writable: [] });
  const cwd = probe.toGuest(process.cwd()) ?? '/';
  const vfs = new Vfs({ root, cwd, writable: opts.rw ?? [] });
  const envp = guestEnvironment(opts.env ?? []);
  const envPath = envp.find((e) => e.startsWith('PATH='))?.slice(5) ?? '/usr/local/bin:/usr/bin:/bin';
  const exe = findProgram(vfs, opts.program, envPath);
  const bytes = readProgram(exe.host, opts.program);
  let elf;
  try {
    elf = parseElf(bytes, opts.program);
  } catch (e) {
    if (e instanceof ElfError) throw new LaunchError(e.message, 126);
    throw e;
  }

  const machine = new Machine();
  const euid = process.geteuid?.() ?? 0;
  const egid = process.getegid?.() ?? 0;
  const ids = {
    pid: process.pid, ppid: process.ppid,
    uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0,
    euid, egid, suid: euid, sgid: egid, fsuid: euid, fsgid: egid,
    groups: hostGroups(),
  };
  const proc = new Process(machine, vfs, ids, log);
  proc.exePath = exe.guest;
  proc.policy = opts.net ?? LOOPBACK_ONLY;
  const nofile = hostRlimit(7);
  // descriptor numbers are bounded by RLIMIT_NOFILE, as getrlimit reports it
  if (typeof nofile !== 'number') proc.fds.limit = Number(nofile[0] < 1n << 20n ? nofile[0] : 1n << 20n);
  proc.argv = [opts.program, ...opts.args];
  proc.comm = path.basename(exe.guest).slice(0, 15);
  const space = machine.space;
  const mem: StartupMemory = {
    map: (start, length, prot, name, fill) => space.map(start, length, prot, name === '[stack]' ? 'stack' : 'image', name, { fill }),
    isFree: (start, end) => space.isFree(start, end),
    findFree: (length) => space.findFree(length),
    write: (address, data) => machine.memory.bytes.set(data, address),
  };
  let plan;
  try {
    plan = startProgram(elf, {
      argv: proc.argv,
      envp,
      execPath: opts.program,
      readFile: (p) => fs.readFileSync(vfs.resolve(p).host),
      ids,
      random: crypto.randomBytes(16),
      stackTop: STACK_TOP,
      stackSize: STACK_SIZE,
    }, mem);
  } catch (e) {
    machine.release();
    if (e instanceof InterpreterError) {
      // Like execve: a missing interpreter is ENOENT, which a shell reports as 127.
      const errno = errnoOf(e.reason);
      const why = errno === ENOENT ? 'not found' : `cannot be read (${errnoName(errno)})`;
      throw new LaunchError(`${opts.program}: interpreter ${e.interpreter} ${why}`, errno === ENOENT ? 127 : 126);
    }
    if (e instanceof ElfError) throw new LaunchError(e.message, 126);
    if (e instanceof LinuxError) throw new LaunchError(`${opts.program}: cannot load: ${e.message}`, 126);
    throw e;
  }
  proc.exe = plan.exe;
  proc.interp = plan.interp;
  proc.auxv = plan.auxv;
  space.brkStart = space.brkEnd = plan.brk;
  space.mmapTop = STACK_TOP - STACK_SIZE - 128 * 1024 * 1024;
  machine.cpu.setReg(Reg.ESP, plan.sp);
  machine.cpu.setReg(Reg.EDX, 0);
  const stdio = opts.stdio ?? [0, 1, 2];
  stdio.forEach((hostFd, fd) => proc.fds.place(fd, new HostStream(hostFd, statusFlagsOf(hostFd, fd), `/dev/fd/${fd}`, false)));

  const dispatcher = new SyscallDispatcher(allSyscallRows(), { strace: opts.strace ?? false, profile: opts.profile ?? false });
  let release: () => void = () => {};
  const runner = new Runner(proc, dispatcher, {
    onFault: (fault, thread) => handleFault(proc, runner, fault, thread),
    beforeResume: (thread) => deliverSignals(proc, runner, thread),
    onExit: () => release(),
  }, { quantumMs: opts.quantumMs ?? 2, koffiPath: createRequire(import.meta.url).resolve('koffi') });
  proc.notifySignal = () => runner.interrupt();
  const detachSignals = attachHostSignals(proc);
  release = () => {
    detachSignals();
    proc.fds.closeAll();
  };
  const started = performance.now();
  const done = runner.start(plan.entry).then((status) => {
    machine.release();
    if (opts.statsFile) writeStats(opts.statsFile, status, started, runner, dispatcher, opts.profile ?? false);
    return status;
  });
  return { proc, runner, done, updatePoints: opts.updatePoints ?? false, rollbackDepth: opts.rollbackDepth ?? 10 };
}

function writeStats(file: string, status: ExitStatus, started: number, runner: Runner, dispatcher: SyscallDispatcher, profile: boolean): void {
  const usage = process.resourceUsage();
  const cpuMs = (usage.userCPUTime + usage.systemCPUTime) / 1000;
  const stats = {
    status, slices: runner.slices, syscalls: dispatcher.count,
    wallMs: Math.round(performance.now() - started),
    userCpuMs: Math.round(usage.userCPUTime / 1000),
    systemCpuMs: Math.round(usage.systemCPUTime / 1000),
    maxRssKiB: usage.maxRSS,
    // where the host's time went: guest code, syscall handlers (host I/O
    // included), and the rest of the host process's CPU time (event loop,
    // start-up, control channel)
    ...(profile ? {
      profile: {
        guestMs: Math.round(runner.emulateMs - dispatcher.handlerMs),
        syscallMs: Math.round(dispatcher.handlerMs + dispatcher.retryMs),
        // wall-clock parts of a CPU-time total: may come out slightly negative on a busy machine
        otherCpuMs: Math.round(cpuMs - runner.emulateMs - dispatcher.retryMs),
      },
    } : {}),
  };
  try {
    fs.writeFileSync(file, JSON.stringify(stats) + '\n');
  } catch (e) {
    process.stderr.write(`dsu: cannot write stats to ${file}: ${(e as Error).message}\n`);
  }
}

export async function runProgram(opts: RunOptions): Promise<ExitStatus> {
  return startSession(opts).done;
}

/**
 * The host process's supplementary groups as the kernel lists them (Node's
 * process.getgroups() adds the effective group, which getgroups(2) does not).
 */
function hostGroups(): number[] {
  try {
    const line = fs.readFileSync('/proc/self/status', 'utf8').split('\n').find((l) => l.startsWith('Groups:'));
    if (line !== undefined) return line.slice(7).trim().split(/\s+/).filter((g) => g.length > 0).map(Number);
  } catch {
    // no /proc: fall back on Node's list
  }
  return process.getgroups?.() ?? [];
}
