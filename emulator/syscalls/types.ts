// The syscall table's row type: one row per syscall, with the argument kinds
// strace output and error messages are derived from.
import type { Process } from '../process.js';
import type { Thread } from '../thread.js';
import type { GuestMemory } from '../memory/guest-memory.js';
import type { Blocked } from '../kernel/wait.js';
import type { Cpu } from '../engine/cpu.js';

/**
 * How an argument is shown by --strace (and read, for strings); the
 * printers are in emulator/strace/kinds.ts. Kinds named "...out" are what
 * the call writes, shown once it returned.
 */
export type ArgKind =
  | 'int' | 'uint' | 'hex' | 'fd' | 'ptr' | 'str' | 'size' | 'off' | 'mode' | 'oflags'
  | 'prot' | 'mapflags' | 'signal' | 'buf' | 'outbuf' | 'dirfd' | 'strarray'
  // files
  | 'atflags' | 'statxflags' | 'statxmask' | 'statxout' | 'statout' | 'access' | 'whence' | 'flockop'
  | 'renameflags' | 'direntsout' | 'fdpairout' | 'intout' | 'loffout' | 'iovec' | 'iovecout'
  // a 64-bit value split in two arguments: low word shown whole, high word hidden
  | 'loff' | 'hi'
  // memory, time, limits, processes
  | 'madvice' | 'mremapflags' | 'msyncflags' | 'mlockallflags' | 'clockid' | 'timespec' | 'timespec64'
  | 'timespecout' | 'timespec64out' | 'itimerspec' | 'itimerspec64' | 'itimerspecout' | 'itimerspec64out'
  | 'timevalout' | 'itimerval' | 'itimervalout' | 'schedpolicy'
  | 'timerflags' | 'tfdflags' | 'tfdsetflags' | 'efdflags' | 'rlimres' | 'rlimit' | 'rlimitout' | 'rlimit64'
  | 'rlimit64out' | 'grndflags' | 'randout' | 'waitoptions' | 'waitstatusout' | 'utsnameout'
  | 'inotifymask' | 'closerangeflags' | 'cwdout' | 'idtype' | 'intin' | 'gidsout' | 'gids'
  | 'xattrflags' | 'rwfflags'
  | 'userdesc' | 'cloneflags' | 'itimerwhich' | 'rusagewho' | 'inotifyflags' | 'memfdflags'
  // signals
  | 'sighow' | 'sigset' | 'sigsetout' | 'sigaction' | 'sigactionout' | 'oldsigaction' | 'oldsigactionout'
  | 'stack' | 'stackout'
  // sockets
  | 'family' | 'socktype' | 'sockflags' | 'sockaddr' | 'sockaddrout' | 'socklenout' | 'msgflags'
  | 'shuthow' | 'msghdr' | 'msghdrout' | 'epollop' | 'epollevent' | 'epolleventsout' | 'epollflags';

export interface SyscallContext {
  proc: Process;
  thread: Thread;
  mem: GuestMemory;
  /** Stop the CPU after this syscall (exit, exec, fatal signal, yield: another thread may run next). */
  stopCpu(): void;
  /** The run loop's side of creating threads. */
  threads: ThreadStarter;
}

/** How a syscall handler starts a thread on the process's engine. */
export interface ThreadStarter {
  /**
   * Add `child` to the process, runnable, with a copy of the calling
   * thread's CPU state as `prepare` leaves it: `prepare` runs with the
   * child's state on the engine and its TLS descriptors in the GDT, and
   * resumes where the caller will. The caller's state is untouched.
   */
  startThread(child: Thread, prepare: (cpu: Cpu) => void): void;
}

export type SyscallResult = number | Blocked;
export type Handler = (ctx: SyscallContext, a: number, b: number, c: number, d: number, e: number, f: number) => SyscallResult;

export interface SyscallRow {
  nr: number;
  name: string;
  args: readonly ArgKind[];
  handler: Handler;
  /** Result shown in hex (addresses) by --strace. */
  hexResult?: boolean;
}

export function row(nr: number, name: string, args: readonly ArgKind[], handler: Handler, hexResult = false): SyscallRow {
  return { nr, name, args, handler, hexResult };
}
