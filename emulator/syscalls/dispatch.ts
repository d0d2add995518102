// The syscall boundary: reads the calling convention (number in EAX,
// arguments in EBX, ECX, EDX, ESI, EDI, EBP), runs the row's handler, and
// writes the result to EAX. It is the only code that touches EAX.
import { Reg } from '../engine/unicorn-consts.js';
import { ENOSYS, LinuxError, errnoOf } from '../abi/errno.js';
import { Blocked } from '../kernel/wait.js';
import { formatCall, formatResult } from './strace.js';
import type { SyscallContext, SyscallRow } from './types.js';

export interface DispatchOptions {
  strace: boolean;
}

type Args = [number, number, number, number, number, number];

export class SyscallDispatcher {
  private readonly rows: (SyscallRow | undefined)[] = [];

  constructor(rows: SyscallRow[], private readonly opts: DispatchOptions) {
    for (const r of rows) {
      if (this.rows[r.nr]) throw new Error(`duplicate syscall row ${r.nr} (${r.name})`);
      this.rows[r.nr] = r;
    }
  }

  rowFor(nr: number): SyscallRow | undefined {
    return this.rows[nr];
  }

  /** Handle `int 0x80` for the running thread. */
  enter(ctx: SyscallContext): void {
    const regs = ctx.proc.machine.cpu.syscallRegs();
    const nr = regs[0];
    const row = this.rows[nr];
    if (row === undefined) {
      this.unsupported(ctx, nr);
      ctx.proc.machine.cpu.setReg(Reg.EAX, -ENOSYS);
      return;
    }
    const args: Args = [regs[1], regs[2], regs[3], regs[4], regs[5], regs[6]];
    const result = this.invoke(ctx, row, args);
    if (result instanceof Blocked) {
      ctx.thread.pending = { row, args, blocked: result, cancel: null, state: {} };
      ctx.thread.state = 'blocked';
      ctx.stopCpu();
      return;
    }
    this.complete(ctx, row, args, result);
  }

  /** Retry a blocked syscall; returns true when it completed. */
  retry(ctx: SyscallContext): boolean {
    const p = ctx.thread.pending;
    if (!p) return true;
    const result = this.invoke(ctx, p.row, p.args);
    if (result instanceof Blocked) {
      p.blocked = result;
      return false;
    }
    ctx.thread.pending = null;
    ctx.thread.syscallState = null;
    ctx.thread.state = 'runnable';
    this.complete(ctx, p.row, p.args, result);
    return true;
  }

  /** Finish a syscall with `result` (also used to interrupt one with -EINTR). */
  complete(ctx: SyscallContext, row: SyscallRow, args: readonly number[], result: number): void {
    if (this.opts.strace) ctx.proc.log.line(`${formatCall(ctx, row, args)} = ${formatResult(ctx, row, args, result)}`);
    if (!ctx.proc.exited) ctx.proc.machine.cpu.setReg(Reg.EAX, result);
  }

  private invoke(ctx: SyscallContext, row: SyscallRow, a: Args): number | Blocked {
    try {
      return row.handler(ctx, a[0], a[1], a[2], a[3], a[4], a[5]);
    } catch (e) {
      if (e instanceof LinuxError) return -e.errno;
      const errno = errnoOf(e);
      if ((e as { code?: unknown }).code === undefined) {
        ctx.proc.log.line(`dsu: internal error in ${row.name}: ${(e as Error).message}`);
      }
      return -errno;
    }
  }

  private unsupported(ctx: SyscallContext, nr: number): void {
    if (ctx.proc.reportedUnsupported.has(nr)) return;
    ctx.proc.reportedUnsupported.add(nr);
    const name = SYSCALL_NAMES[nr] ?? `syscall ${nr}`;
    ctx.proc.log.line(`dsu: unsupported syscall ${nr} (${name}) returns ENOSYS`);
  }
}

/** Names of i386 syscalls we do not implement, for the "unsupported" message. */
export const SYSCALL_NAMES: Record<number, string> = {
  0: 'restart_syscall', 2: 'fork', 11: 'execve', 21: 'mount', 26: 'ptrace', 48: 'signal', 51: 'acct', 52: 'umount2',
  86: 'uselib', 87: 'swapon', 88: 'reboot', 101: 'ioperm', 110: 'iopl', 120: 'clone', 123: 'modify_ldt',
  128: 'init_module', 129: 'delete_module', 172: 'prctl', 190: 'vfork', 243: 'set_thread_area', 244: 'get_thread_area',
  253: 'lookup_dcookie', 254: 'epoll_create', 292: 'inotify_add_watch', 306: 'fchmodat', 386: 'rseq', 383: 'statx',
  384: 'arch_prctl', 390: 'clock_adjtime64', 403: 'clock_gettime64', 435: 'clone3', 437: 'openat2', 439: 'faccessat2',
  426: 'io_uring_setup', 434: 'pidfd_open', 436: 'close_range', 377: 'copy_file_range', 355: 'getrandom',
  374: 'userfaultfd', 375: 'membarrier', 376: 'mlock2', 380: 'pkey_mprotect', 412: 'utimensat_time64',
  174: 'rt_sigaction', 175: 'rt_sigprocmask', 186: 'sigaltstack', 240: 'futex', 270: 'tgkill', 311: 'set_robust_list',
  258: 'set_tid_address', 191: 'ugetrlimit', 340: 'prlimit64', 219: 'madvise', 274: 'mbind', 275: 'get_mempolicy',
  276: 'set_mempolicy', 294: 'migrate_pages', 317: 'move_pages', 318: 'getcpu', 322: 'timerfd_create',
  323: 'eventfd', 328: 'eventfd2', 329: 'epoll_create1', 331: 'pipe2', 332: 'inotify_init1', 336: 'perf_event_open',
  338: 'fanotify_init', 341: 'name_to_handle_at', 343: 'clock_adjtime', 344: 'syncfs', 346: 'setns', 347: 'process_vm_readv',
  349: 'kcmp', 350: 'finit_module', 351: 'sched_setattr', 352: 'sched_getattr', 353: 'renameat2', 354: 'seccomp',
  356: 'memfd_create', 357: 'bpf', 358: 'execveat', 359: 'socket', 360: 'socketpair', 361: 'bind', 362: 'connect',
  363: 'listen', 364: 'accept4', 365: 'getsockopt', 366: 'setsockopt', 367: 'getsockname', 368: 'getpeername',
  369: 'sendto', 370: 'sendmsg', 371: 'recvfrom', 372: 'recvmsg', 373: 'shutdown', 102: 'socketcall',
};
