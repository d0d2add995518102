// execve and execveat inside the sandbox: the program is looked up through
// the guest's root (so a path never leads outside it), read by dsu's own
// reader, and must be an i386 ELF program (static, or dynamic through its
// own PT_INTERP found in the root) or a #! script whose interpreter is one
// (followed up to four levels, as Linux does). Anything else fails with the
// kernel's errno; a well-formed program for another architecture also gets
// a one-line message, since nothing outside the sandbox is ever run.
//
// The new program is built in a fresh machine while the old one is intact,
// so a failure (a missing interpreter, a bad ELF) returns an error to a
// caller that goes on. Then, at the point of no return, the process drops
// its other threads, its close-on-exec descriptors, its signal handlers and
// POSIX timers, and takes the new machine; the run loop lets the old one go
// when the engine stops (runner.ts adoptMachine).
import path from 'node:path';
import { EACCES, ELOOP, ENOENT, ENOEXEC, LinuxError } from './abi/errno.js';
import { SIG_DFL, SIG_IGN } from './abi/signal.js';
import { TLS_COUNT } from './engine/descriptors.js';
import { adoptImage, LaunchError, loadImage, parseProgram, readProgram, type LoadedProgram } from './exec.js';
import { hostClose, hostOpenPath } from './host/fs-at.js';
import { withLookup } from './files/lookup.js';
import { isDir, isSymlink } from './files/host-names.js';
import { vforkFinished } from './kernel/process-exit.js';
import { timersOf } from './signals/timers.js';
import type { SyscallContext } from './syscalls/types.js';
import type { Process } from './process.js';
import type { Thread } from './thread.js';
import type { ArgString } from '../loader/stack.js';

/** What the kernel reads of a file to decide how to run it (BINPRM_BUF_SIZE). */
const BINPRM_BUF_SIZE = 256;
/** #! rewrites allowed before ELOOP. */
const MAX_REWRITES = 4;
const EM_386 = 3;

export interface ExecveRequest {
  dirfd: number;
  path: string;
  /** The strings exactly as the caller's memory holds them. */
  argv: Uint8Array[];
  envp: Uint8Array[];
  /** AT_EMPTY_PATH: `dirfd` itself is the program. */
  emptyPath: boolean;
  /** AT_SYMLINK_NOFOLLOW: a symlink as the last component is ELOOP. */
  noFollow: boolean;
}

/** A program file found and read: its bytes and the guest path /proc/self/exe will show. */
interface ProgramFile {
  bytes: Uint8Array;
  guest: string;
}

/** Find `p` (relative to `dirfd`) in the root and read it, as open_exec and the permission checks do. */
function readExecutable(ctx: SyscallContext, dirfd: number, p: string, opts: { emptyPath: boolean; noFollow: boolean }): ProgramFile {
  return withLookup(ctx, dirfd, p, { follow: !opts.noFollow, emptyPath: opts.emptyPath }, (r) => {
    if (r.node?.kind === 'magic') {
      const hostFd = r.node.object.hostFd();
      if (hostFd === null) throw new LinuxError(EACCES);
      return { bytes: readOrThrow(`/proc/self/fd/${hostFd}`, p), guest: r.node.object.path };
    }
    if (r.node) throw new LinuxError(EACCES);
    if (r.stat === null) throw new LinuxError(ENOENT);
    if (isSymlink(r.stat)) throw new LinuxError(ELOOP);
    if (isDir(r.stat)) throw new LinuxError(EACCES);
    const fd = hostOpenPath(r.dir.fd, r.name);
    try {
      return { bytes: readOrThrow(`/proc/self/fd/${fd}`, p), guest: r.guest };
    } finally {
      hostClose(fd);
    }
  });
}

function readOrThrow(host: string, shown: string): Uint8Array {
  try {
    return readProgram(host, shown);
  } catch (e) {
    if (e instanceof LaunchError) throw new LinuxError(e.errno, e.message);
    throw e;
  }
}

const isSpaceTab = (c: number): boolean => c === 0x20 || c === 0x09;
const isTerminator = (c: number): boolean => isSpaceTab(c) || c === 0;

/**
 * The interpreter and optional argument of a #! line, parsed as the
 * kernel's binfmt_script does from the first 256 bytes; null when the line
 * names no interpreter (ENOEXEC).
 */
function parseShebang(bytes: Uint8Array): { interpreter: string; arg: string | null } | null {
  const buf = new Uint8Array(BINPRM_BUF_SIZE);
  buf.set(bytes.subarray(0, BINPRM_BUF_SIZE));
  const bufEnd = BINPRM_BUF_SIZE - 1;
  const nextNonSpaceTab = (from: number, end: number): number => {
    for (let i = from; i < end; i++) if (!isSpaceTab(buf[i])) return i;
    return -1;
  };
  const nextTerminator = (from: number, end: number): number => {
    for (let i = from; i < end; i++) if (isTerminator(buf[i])) return i;
    return -1;
  };
  let iEnd = buf.subarray(0, BINPRM_BUF_SIZE).indexOf(0x0a);
  if (iEnd < 0) {
    const first = nextNonSpaceTab(2, bufEnd);
    if (first < 0) return null;
    // no space, tab or NUL after it: the interpreter's name is cut off
    if (nextTerminator(first, bufEnd) < 0) return null;
    iEnd = bufEnd;
  }
  while (iEnd > 2 && isSpaceTab(buf[iEnd - 1])) iEnd--;
  const iName = nextNonSpaceTab(2, iEnd);
  if (iName < 0 || iName === iEnd) return null;
  const iSep = nextTerminator(iName, iEnd);
  const text = (a: number, b: number): string => {
    const nul = buf.subarray(a, b).indexOf(0);
    return Buffer.from(buf.subarray(a, nul < 0 ? b : a + nul)).toString('latin1');
  };
  const interpreter = text(iName, iSep < 0 ? iEnd : iSep);
  let arg: string | null = null;
  if (iSep >= 0 && buf[iSep] !== 0) {
    const iArg = nextNonSpaceTab(iSep, iEnd);
    if (iArg >= 0) arg = text(iArg, iEnd);
  }
  return { interpreter, arg };
}

/** Whether `bytes` is an ELF file for a machine dsu does not emulate (worth a message). */
function foreignElf(bytes: Uint8Array): boolean {
  if (bytes.length < 20 || bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46) return false;
  const cls = bytes[4];
  const data = bytes[5];
  if ((cls !== 1 && cls !== 2) || (data !== 1 && data !== 2)) return false;
  const machine = data === 1 ? bytes[18] | (bytes[19] << 8) : (bytes[18] << 8) | bytes[19];
  return cls !== 1 || data !== 1 || machine !== EM_386;
}

/** The filename a script's interpreter gets (bprm->filename). */
function scriptName(req: ExecveRequest): string {
  if (req.path.startsWith('/') || req.dirfd === -100) return req.path;
  return req.path.length === 0 ? `/dev/fd/${req.dirfd}` : `/dev/fd/${req.dirfd}/${req.path}`;
}

/** Build the new program in a fresh machine; the process is not changed. */
function prepare(ctx: SyscallContext, req: ExecveRequest): { image: LoadedProgram; guest: string; argv: ArgString[] } {
  const starter = ctx.proc.kernel.starter;
  if (starter === null) throw new LinuxError(ENOEXEC, 'this session cannot start programs');
  let file = readExecutable(ctx, req.dirfd, req.path, req);
  let argv: ArgString[] = req.argv;
  let shown = req.path;
  for (let rewrites = 0; file.bytes[0] === 0x23 && file.bytes[1] === 0x21; rewrites++) {
    if (rewrites >= MAX_REWRITES) throw new LinuxError(ELOOP);
    const line = parseShebang(file.bytes);
    if (line === null) throw new LinuxError(ENOEXEC);
    const filename = rewrites === 0 ? scriptName(req) : shown;
    argv = [line.interpreter, ...(line.arg !== null ? [line.arg] : []), filename, ...argv.slice(1)];
    shown = line.interpreter;
    file = readExecutable(ctx, -100, line.interpreter, { emptyPath: false, noFollow: false });
  }
  if (foreignElf(file.bytes)) {
    let why = 'not an i386 program';
    try {
      parseProgram(file.bytes, shown);
    } catch (e) {
      if (e instanceof LaunchError) why = e.message;
    }
    ctx.proc.log.line(`dsu: execve ${shown}: ${why}; it cannot be emulated, execve returns ENOEXEC`);
    throw new LinuxError(ENOEXEC);
  }
  let elf;
  try {
    elf = parseProgram(file.bytes, shown);
  } catch (e) {
    if (e instanceof LaunchError) throw new LinuxError(ENOEXEC, e.message);
    throw e;
  }
  const machine = starter.machines.acquire();
  try {
    const image = loadImage(machine, ctx.proc.vfs, ctx.proc.ids, elf, { argv, envp: req.envp, execPath: shown });
    return { image, guest: file.guest, argv };
  } catch (e) {
    starter.machines.recycle(machine);
    if (e instanceof LaunchError) throw new LinuxError(e.errno, e.message);
    throw e;
  }
}

/** de_thread: the other threads go, and the caller becomes the main thread with the process's id. */
function dropOtherThreads(proc: Process, caller: Thread): void {
  for (const t of proc.threads) {
    if (t === caller) continue;
    t.pending?.cancel?.();
    t.pending = null;
    t.cpu?.free();
    t.cpu = null;
    t.state = 'exited';
    if (t.tid !== proc.pid) proc.kernel.releaseId(t.tid);
  }
  if (caller.tid !== proc.pid) {
    proc.kernel.releaseId(caller.tid);
    // the kernel gives the exec'ing thread the leader's pid
    (caller as { tid: number }).tid = proc.pid;
  }
  proc.threads.splice(0, proc.threads.length, caller);
}

/** The point of no return: the process becomes the new program. */
function commit(ctx: SyscallContext, image: LoadedProgram, guest: string, argv: ArgString[]): void {
  const proc = ctx.proc;
  const thread = ctx.thread;
  dropOtherThreads(proc, thread);
  for (const fd of proc.fds.fds()) if (proc.fds.cloexec(fd)) proc.fds.close(fd);
  for (const action of proc.signalActions) {
    if (action.handler !== SIG_IGN) action.handler = SIG_DFL;
    action.flags = 0;
    action.restorer = 0;
    action.mask = 0n;
  }
  const timers = timersOf(proc);
  for (const t of timers.posix.values()) t.timer.cancel();
  timers.posix.clear();
  thread.altStack = { sp: 0, size: 0, flags: 0 };
  thread.robustList = 0;
  thread.clearChildTid = 0;
  for (let i = 0; i < TLS_COUNT; i++) thread.tls[i] = [0, 0];
  proc.family.execed = true;
  proc.codeVersion = null;
  proc.replaceMachine(image.machine);
  adoptImage(proc, image, guest, argv.map((a) => (typeof a === 'string' ? a : Buffer.from(a).toString('utf8'))));
  vforkFinished(proc);
  ctx.stopCpu();
}

/** execve/execveat: 0 once the new program is in place, or throws the errno the caller gets. */
export function execve(ctx: SyscallContext, req: ExecveRequest): number {
  if (req.path.length === 0 && !req.emptyPath) throw new LinuxError(ENOENT);
  if (req.argv.length === 0) {
    // Linux 5.18+ runs it with argv[0] = "" rather than none
    req = { ...req, argv: [new Uint8Array(0)] };
  }
  const { image, guest, argv } = prepare(ctx, req);
  commit(ctx, image, path.posix.normalize(guest), argv);
  return 0;
}

