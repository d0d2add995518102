// The syscall boundary: reads the calling convention (number in EAX,
// arguments in EBX, ECX, EDX, ESI, EDI, EBP), runs the row's handler, and
// writes the result to EAX. It is the only code that touches EAX.
import { ENOMEM, ENOSYS, LinuxError, errnoOf } from '../abi/errno.js';
import { Blocked } from '../kernel/wait.js';
import { I386_SYSCALL_NAMES } from './names.js';
import type { ArgKind, SyscallContext, SyscallRow } from './types.js';
import { escapeText } from '../../loader/text/terminal-text.js';

export interface DispatchOptions {
  /** Measure the time spent in syscall handlers (dsu run --profile). */
  profile?: boolean;
}

type Args = [number, number, number, number, number, number];

export class SyscallDispatcher {
  private readonly rows: (SyscallRow | undefined)[] = [];
  /** Syscalls entered so far (for --stats). */
  count = 0;
  /** Milliseconds spent in handlers called from the engine (inside a slice), host I/O included (only with `profile`). */
  handlerMs = 0;
  /** Milliseconds spent re-running blocked syscalls when their wait fired (between slices). */
  retryMs = 0;
  private retrying = false;

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
    this.count++;
    ctx.thread.syscalls++;
    const row = this.rows[nr];
    const args: Args = [regs[1], regs[2], regs[3], regs[4], regs[5], regs[6]];
    const tracer = ctx.proc.kernel.tracer;
    if (row === undefined) {
      this.unsupported(ctx, nr);
      if (tracer) {
        tracer.begin(ctx, unsupportedRow(nr), args);
        tracer.end(ctx, -ENOSYS);
      }
      ctx.proc.machine.cpu.setEax(-ENOSYS);
      return;
    }
    ctx.thread.syscallState = null;
    tracer?.begin(ctx, row, args);
    const result = this.invoke(ctx, row, args);
    if (result instanceof Blocked) {
      ctx.thread.pending = { row, args, blocked: result, cancel: null, state: {} };
      ctx.thread.state = 'blocked';
      tracer?.waiting(ctx.thread);
      ctx.stopCpu();
      return;
    }
    this.complete(ctx, row, args, result);
  }

  /** Retry a blocked syscall; returns true when it completed. */
  retry(ctx: SyscallContext): boolean {
    const p = ctx.thread.pending;
    if (!p) return true;
    this.retrying = true;
    let result: number | Blocked;
    try {
      result = this.invoke(ctx, p.row, p.args);
    } finally {
      this.retrying = false;
    }
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
  complete(ctx: SyscallContext, _row: SyscallRow, _args: readonly number[], result: number): void {
    ctx.proc.kernel.tracer?.end(ctx, result);
    if (!ctx.proc.exited) ctx.proc.machine.cpu.setEax(result);
  }

  /**
   * End the blocked syscall early because a signal handler is about to run:
   * with `result` (usually -EINTR), or, when `result` is null, to be
   * restarted (the caller points EIP back at the int 0x80).
   */
  interrupt(ctx: SyscallContext, result: number | null): void {
    const p = ctx.thread.pending;
    if (!p) return;
    p.cancel?.();
    p.cancel = null;
    p.blocked.abandon?.();
    ctx.thread.pending = null;
    ctx.thread.woken = false;
    ctx.thread.syscallState = null;
    ctx.thread.state = 'runnable';
    if (result !== null) {
      ctx.proc.kernel.tracer?.end(ctx, result, 'interrupted');
      if (!ctx.proc.exited) ctx.proc.machine.cpu.setEax(result);
    } else {
      ctx.proc.kernel.tracer?.end(ctx, 0, 'restarting');
    }
  }

  private invoke(ctx: SyscallContext, row: SyscallRow, a: Args): number | Blocked {
    const tracer = ctx.proc.kernel.tracer;
    if (!this.opts.profile && !tracer) return this.run(ctx, row, a);
    const t = performance.now();
    try {
      return this.run(ctx, row, a);
    } finally {
      const ms = performance.now() - t;
      tracer?.handled(ctx.thread, ms);
      if (this.retrying) this.retryMs += ms;
      else this.handlerMs += ms;
    }
  }

  private run(ctx: SyscallContext, row: SyscallRow, a: Args): number | Blocked {
    try {
      return row.handler(ctx, a[0], a[1], a[2], a[3], a[4], a[5]);
    } catch (e) {
      if (e instanceof LinuxError) return -e.errno;
      // a host buffer the size the guest asked for could not be had (a host
      // RLIMIT_AS): the kernel's answer when it cannot allocate
      if (e instanceof RangeError && /allocation failed/.test(e.message)) return -ENOMEM;
      const errno = errnoOf(e);
      if ((e as { code?: unknown }).code === undefined) {
        ctx.proc.log.line(`dsu: internal error in ${row.name}: ${escapeText((e as Error).message)}`);
      }
      return -errno;
    }
  }

  private unsupported(ctx: SyscallContext, nr: number): void {
    if (ctx.proc.reportedUnsupported.has(nr)) return;
    ctx.proc.reportedUnsupported.add(nr);
    const name = I386_SYSCALL_NAMES[nr] ?? `syscall ${nr}`;
    ctx.proc.log.line(`dsu: unsupported syscall ${nr} (${name}) returns ENOSYS`);
  }
}

const RAW_ARGS: readonly ArgKind[] = ['hex', 'hex', 'hex', 'hex', 'hex', 'hex'];

/** A syscall dsu has no row for, as strace shows one it cannot decode: its name and six raw arguments. */
function unsupportedRow(nr: number): SyscallRow {
  return { nr, name: I386_SYSCALL_NAMES[nr] ?? `syscall_0x${nr.toString(16)}`, args: RAW_ARGS, handler: () => -ENOSYS };
}
