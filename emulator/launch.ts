// A session: the run of one program under dsu. It builds the machine and
// the first process with its files and policies, execs the program into it
// (exec.ts), runs it and every process it starts (session.ts) to completion
// and writes the statistics (stats.ts).
import fs from 'node:fs';
import os from 'node:os';
import { createRequire } from 'node:module';
import { MachinePool } from './machine-pool.js';
import { Kernel } from './kernel/kernel.js';
import { GuestSession } from './session.js';
import { Process, ExitStatus } from './process.js';
import { Vfs } from './files/vfs.js';
import { HostStream } from './files/host-stream.js';
import { O_ACCMODE, O_APPEND, O_RDONLY, O_WRONLY, O_RDWR } from './files/description.js';
import { hostGetFl } from './host/file-calls.js';
import { SyscallDispatcher } from './syscalls/dispatch.js';
import { allSyscallRows } from './syscalls/table.js';
import { Runner } from './runner.js';
import { createLogger, Logger } from './log.js';
import { LOOPBACK_ONLY, NetPolicy } from './net/policy.js';
import { processLimit, RLIMIT_NOFILE } from './syscalls/limits.js';
import { execProgram, LaunchError } from './exec.js';
import { writeStats } from './stats.js';
import { Reg } from './engine/unicorn-consts.js';
import type { Tracer } from './strace/tracer.js';
import { cannotStartUnderLimit } from './memory/host-budget.js';
import { ENOMEM } from './abi/errno.js';

export interface RunOptions {
  program: string;
  /**
   * A sysroot (qemu-i386 -L's meaning): guest paths are looked up under it
   * first, then on the host. Exclusive with `root`, the strict form.
   */
  sysroot?: string;
  args: string[];
  root?: string;
  rw?: string[];
  /** Extra environment, KEY=VALUE. */
  env?: string[];
  /**
   * Trace system calls, signals and exits as strace -f does (--strace and
   * its options): makes the session's tracer, given the first task's id
   * (emulator/strace/settings.ts's prepareTracer).
   */
  tracer?: (firstTask: number) => Tracer;
  quantumMs?: number;
  log?: Logger;
  /** Write run statistics (JSON) to this host file at exit. */
  statsFile?: string;
  /** Network sandbox (default: loopback only). */
  net?: NetPolicy;
  /** Time the syscall handlers too, for the profile in the stats file. */
  profile?: boolean;
  /** Host fds given to the guest as its fds 0, 1 and 2 (default: the host's own 0, 1, 2). */
  stdio?: [number, number, number];
}

export interface Session {
  /** The first process. */
  proc: Process;
  /** Its run loop. */
  runner: Runner;
  /** Every process of the run. */
  guests: GuestSession;
  /** Resolves with the first process's status when every guest process is gone. */
  done: Promise<ExitStatus>;
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
  if (opts.root !== undefined && opts.sysroot !== undefined) throw new LaunchError('--root and --sysroot both given', 2);
  const root = opts.sysroot ?? opts.root ?? '/';
  const option = opts.sysroot !== undefined ? '--sysroot' : '--root';
  if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) throw new LaunchError(`${option} ${root}: not a directory`, 2);
  const fallbackToHost = opts.sysroot !== undefined;
  const probe = new Vfs({ root, cwd: '/', writable: [], fallbackToHost });
  // with a sysroot, the host's directories are the guest's too: its cwd is dsu's
  const cwd = probe.toGuest(process.cwd()) ?? '/';
  probe.devices.close();
  const vfs = new Vfs({ root, cwd, writable: opts.rw ?? [], fallbackToHost });
  const envp = guestEnvironment(opts.env ?? []);

  // before the engine exists: it ends the process itself when the host refuses its buffer
  const tooSmall = cannotStartUnderLimit();
  if (tooSmall !== null) throw new LaunchError(tooSmall, 1, ENOMEM);
  const machines = new MachinePool();
  const machine = machines.acquire();
  const euid = process.geteuid?.() ?? 0;
  const egid = process.getegid?.() ?? 0;
  const ids = {
    pid: process.pid, ppid: 0,
    uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0,
    euid, egid, suid: euid, sgid: egid, fsuid: euid, fsgid: egid,
    groups: hostGroups(),
  };
  const kernel = new Kernel(ids.pid);
  const proc = new Process(machine, vfs, ids, log, kernel);
  // the group and session dsu was started in are outside the guest's namespace (0),
  // unless dsu leads them, as the program would natively
  const host = hostGroupAndSession();
  proc.family.pgid = host.pgid === process.pid ? proc.pid : 0;
  proc.family.sid = host.sid === process.pid ? proc.pid : 0;
  proc.policy = opts.net ?? LOOPBACK_ONLY;
  // the nice value is inherited, as by any child of the shell (`nice dsu run ...`)
  proc.sched.nice = os.getPriority();
  // descriptor numbers are bounded by RLIMIT_NOFILE, as getrlimit reports it (below dsu's reserve)
  proc.fds.limit = Number(processLimit(proc, RLIMIT_NOFILE)[0]);
  const loading = performance.now();
  try {
    execProgram(proc, { program: opts.program, argv: [opts.program, ...opts.args], envp });
  } catch (e) {
    machines.closeAll();
    throw e;
  }
  if (opts.tracer) {
    proc.kernel.tracer = opts.tracer(proc.pid);
    // ESP is at argc, then argv's pointers and a NULL, then the environment's
    proc.kernel.tracer.started(proc, machine.cpu.reg(Reg.ESP) + 4 * (proc.argv.length + 2), envp.length, performance.now() - loading);
  }
  const stdio = opts.stdio ?? [0, 1, 2];
  stdio.forEach((hostFd, fd) => proc.fds.place(fd, new HostStream(hostFd, statusFlagsOf(hostFd, fd), `/dev/fd/${fd}`, false)));

  const dispatcher = new SyscallDispatcher(allSyscallRows(), { profile: opts.profile ?? false });
  const guests = new GuestSession(kernel, dispatcher, machines, {
    quantumMs: opts.quantumMs ?? 2,
    koffiPath: createRequire(import.meta.url).resolve('koffi'),
  });
  const started = performance.now();
  const { runner } = guests.run(proc);
  const done = guests.done.then((status) => {
    proc.kernel.tracer?.finish();
    if (opts.statsFile) writeStats(opts.statsFile, status, started, runner, dispatcher, opts.profile ?? false);
    guests.release();
    return status;
  });
  return { proc, runner, guests, done };
}

/** This host process's process group and session (fields 5 and 6 of /proc/self/stat). */
function hostGroupAndSession(): { pgid: number; sid: number } {
  try {
    const stat = fs.readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { pgid: Number(fields[2]), sid: Number(fields[3]) };
  } catch {
    return { pgid: 0, sid: 0 };
  }
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
