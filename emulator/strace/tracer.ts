// The session's tracer (dsu run --strace and its options): what strace -f
// prints, line by line. One per session, shared by its processes through
// the Kernel; the syscall dispatcher, signal delivery and the run loop tell
// it what happens.
//
// Lines are as strace -f writes them: "[pid N] " before each line while
// several tasks live (to stderr), or "N " before every line (to a file, as
// with strace -f -o); -tt timestamps; -T durations; "--- SIGSEGV {...} ---"
// for a signal delivered, "+++ exited with N +++" for each task that ends.
// A call that waits is shown whole when it returns, unless a line of
// another task comes first: it is then cut as strace cuts it,
// "read(0,  <unfinished ...>" and later "<... read resumed>...) = 1".
import type { SyscallContext, SyscallRow } from '../syscalls/types.js';
import type { Process, ExitStatus } from '../process.js';
import type { Thread } from '../thread.js';
import type { SiginfoFields } from '../abi/siginfo.js';
import { signalName } from '../faults/fault.js';
import { describeErrno } from './errno.js';
import { entryText, resultText, resumedText } from './format.js';
import { siginfoText } from './structs-signal.js';
import { shownCall } from './subcalls.js';
import { SyscallSummary } from './summary.js';
import { hex, quote, STRING_LIMIT } from './quote.js';
import type { CallStatus, SyscallFilter } from './filter.js';
import type { TraceOutput } from './output.js';

export interface TraceOptions {
  /** Print each call (false for --strace-summary alone, as strace -c). */
  calls: boolean;
  /** Count calls for the table printed at the end (strace -c). */
  summary: boolean;
  /** strace -T: the time spent in each call, " <0.000012>". */
  durations: boolean;
  /** strace -tt: each line starts with the time of day, with microseconds. */
  timestamps: boolean;
  /** strace -r: each line starts with the time since the previous line's start. */
  relative: boolean;
  filter: SyscallFilter | null;
  output: TraceOutput;
}

/** A call entered and not yet returned. */
interface InFlight {
  row: SyscallRow;
  args: readonly number[];
  traced: boolean;
  /** Prefix and timestamp as they were when the call started, and "name(args, ". */
  leader: string;
  entry: string;
  saved: Map<number, unknown>;
  startedMs: number;
  handlerMs: number;
  /** Its first half was printed with "<unfinished ...>". */
  cut: boolean;
}

/** strace starts "= result" at this column when the line is shorter. */
const RESULT_COLUMN = 40;

/** What an interrupted call returns to strace (the kernel's restart codes). */
const RESTART_CODES: Record<string, number> = {
  pause: 514, rt_sigsuspend: 514, sigsuspend: 514, poll: 514, ppoll: 514, ppoll_time64: 514,
  select: 514, _newselect: 514, pselect6: 514, pselect6_time64: 514,
  nanosleep: 516, clock_nanosleep: 516, clock_nanosleep_time64: 516,
  epoll_wait: 4, epoll_pwait: 4, epoll_pwait2: 4, rt_sigtimedwait: 4, rt_sigtimedwait_time64: 4,
};
const ERESTARTSYS = 512;
const SIGKILL = 9;
const EINTR = 4;

/** Arguments strace shows of an argv before "..." (its -s default is for strings, this for arrays). */
const ARGV_LIMIT = 32;

/** Calls that end their task: they never return, strace shows them "= ?" before the task's end. */
const ENDS_TASK = new Set(['exit', 'exit_group']);

/** Calls that create a task: their result is its id. */
const CREATES_TASK = new Set(['clone', 'clone3', 'fork', 'vfork']);

export class Tracer {
  private readonly live = new Set<number>();
  private readonly inFlight = new Map<number, InFlight>();
  /** The waiting call whose first half strace would have printed last, not yet cut. */
  private open: number | null = null;
  private readonly summary: SyscallSummary | null;
  /** Lines of ignored signals that arrived while their thread was in a call, by tid. */
  private readonly discardedLater = new Map<number, (() => string)[]>();
  /** When the previous line started (strace -r counts from it). */
  private lastLineMs: number | null = null;

  constructor(private readonly opts: TraceOptions, firstTask: number) {
    this.live.add(firstTask);
    this.summary = opts.summary ? new SyscallSummary() : null;
  }

  /**
   * The program was loaded: strace's first line, the execve that started
   * it, execve(path, [argv], envp with its count of variables) = 0; `envp` is where
   * the environment's pointers are on the new stack; `loadMs` how long
   * loading the program took.
   */
  started(proc: Process, envp: number, envCount: number, loadMs: number): void {
    if (this.opts.filter && !this.opts.filter.traces('execve')) return;
    this.summary?.add(11, 'execve', false, loadMs / 1000);
    if (!this.opts.calls || !this.shows('successful')) return;
    const argv = proc.argv.map((a) => quote(Buffer.from(a), STRING_LIMIT));
    const shown = argv.length > ARGV_LIMIT ? [...argv.slice(0, ARGV_LIMIT), '...'] : argv;
    const head = `${this.leader(proc.pid)}execve(${quote(Buffer.from(proc.exePath), 4096)}, [${shown.join(', ')}], ${hex(envp)} /* ${envCount} vars */)`;
    const took = this.opts.durations ? ` <${(loadMs / 1000).toFixed(6)}>` : '';
    this.write(`${head.padEnd(RESULT_COLUMN - 1)} = 0${took}`);
  }

  /** A task exists that the trace has not seen created (another process's first thread). */
  taskStarted(tid: number): void {
    this.live.add(tid);
  }

  /** A syscall starts on ctx.thread. */
  begin(ctx: SyscallContext, row: SyscallRow, args: readonly number[]): void {
    const shown = shownCall(ctx, row, args);
    const traced = this.opts.filter?.traces(shown.row.name) ?? true;
    const saved = new Map<number, unknown>();
    const tid = ctx.thread.tid;
    const call: InFlight = {
      row: shown.row, args: shown.args, traced, saved, startedMs: performance.now(), handlerMs: 0, cut: false,
      leader: traced && this.opts.calls ? this.leader(tid) : '',
      entry: traced && this.opts.calls ? decoded(() => entryText(ctx, shown.row, shown.args, saved), `${shown.row.name}(`) : '',
    };
    this.inFlight.set(tid, call);
  }

  /** Time dsu spent handling the current call of `thread` (one attempt). */
  handled(thread: Thread, ms: number): void {
    const call = this.inFlight.get(thread.tid);
    if (call) call.handlerMs += ms;
  }

  /** The call waits: another task's line may come before it returns. */
  waiting(thread: Thread): void {
    const call = this.inFlight.get(thread.tid);
    if (!call?.traced || !this.opts.calls) return;
    // a line judged by how its call ends is printed whole, when it ends
    if (this.opts.filter?.byStatus) return;
    this.cutOpen(thread.tid);
    this.open = thread.tid;
  }

  /**
   * The call returned `result`. `interrupted`: a signal handler ended it
   * (strace shows the kernel's restart code); `restarting`: it runs again
   * after the handler.
   */
  end(ctx: SyscallContext, returned: number, how: 'returned' | 'interrupted' | 'restarting' = 'returned'): void {
    // as the guest reads EAX: signed (sigreturn hands back the restored register unsigned)
    const result = returned | 0;
    const tid = ctx.thread.tid;
    const call = this.inFlight.get(tid);
    if (!call) return;
    this.inFlight.delete(tid);
    if (this.open === tid) this.open = null;
    if (!call.traced) return;
    const special = how !== 'returned' && (how === 'restarting' || result === -EINTR);
    const code = special ? RESTART_CODES[call.row.name] ?? ERESTARTSYS : 0;
    const failed = special ? code !== 0 : result < 0 && result > -4096;
    const returns = !ENDS_TASK.has(call.row.name);
    if (returns) this.summary?.add(call.row.nr, call.row.name, failed, call.handlerMs / 1000);
    if (!this.opts.calls || !this.shows(!returns ? 'unavailable' : failed ? 'failed' : 'successful')) return;
    const shownResult = special ? -code : result;
    const words = special && code !== EINTR ? `? ${describeErrno(code)}` : decoded(() => resultText(ctx, call.row, call.args, shownResult, call.saved), String(shownResult));
    const rest = decoded(() => resumedText(ctx, call.row, call.args, shownResult, call.saved), '...)');
    this.cutOpen(tid);
    const head = call.cut ? `${this.leader(tid)}<... ${call.row.name} resumed>${rest}` : `${call.leader}${call.entry}${rest}`;
    this.write(`${head.padEnd(RESULT_COLUMN - 1)} = ${words}${this.duration(call)}`);
    if (CREATES_TASK.has(call.row.name) && result > 0) this.live.add(result);
    const later = this.discardedLater.get(tid);
    if (later) {
      this.discardedLater.delete(tid);
      for (const line of later) this.write(line());
    }
  }

  /**
   * A signal is delivered to `thread`. `ends`: it ends the call the thread
   * waits in (a handler runs, or the signal kills): that call is shown
   * returning the kernel's restart code first, as strace sees it.
   */
  signal(proc: Process, thread: Thread, info: SiginfoFields, ends: boolean): void {
    if (ends && this.inFlight.has(thread.tid)) this.end({ proc, thread, mem: proc.mem } as SyscallContext, -EINTR, 'interrupted');
    // SIGKILL never stops for a tracer: strace shows only its "+++ killed" line
    if (info.signo === SIGKILL) return;
    if (!this.opts.calls || !(this.opts.filter?.showsSignal(info.signo) ?? true)) return;
    this.cutOpen(thread.tid);
    this.write(`${this.leader(thread.tid)}--- ${signalName(info.signo)} ${siginfoText(info)} ---`);
  }

  /**
   * A signal the process ignores was sent to `thread` and thrown away on
   * arrival. strace still shows it (a traced process's ignored signals stop
   * for the tracer), when the thread returns to user mode: after the call it
   * is in, if any.
   */
  discarded(proc: Process, thread: Thread, info: SiginfoFields): void {
    if (!this.opts.calls || !(this.opts.filter?.showsSignal(info.signo) ?? true)) return;
    const line = (): string => `${this.leader(thread.tid)}--- ${signalName(info.signo)} ${siginfoText(info)} ---`;
    if (!this.inFlight.has(thread.tid)) {
      this.cutOpen(thread.tid);
      this.write(line());
      return;
    }
    const later = this.discardedLater.get(thread.tid) ?? [];
    later.push(line);
    this.discardedLater.set(thread.tid, later);
  }

  /** A thread ended with exit(2) while others go on. */
  threadExited(thread: Thread, code: number): void {
    this.taskEnded(thread.tid, `exited with ${code & 0xff}`);
  }

  /** The process is gone: its remaining tasks end with `status`, the thread group leader last. */
  processEnded(proc: Process, status: ExitStatus): void {
    const how = status.signal !== undefined ? `killed by ${signalName(status.signal)}` : `exited with ${status.code}`;
    const others = proc.threads.filter((t) => t !== proc.mainThread && this.live.has(t.tid));
    for (const t of [...others, proc.mainThread]) {
      const call = this.inFlight.get(t.tid);
      if (call && !ENDS_TASK.has(call.row.name)) this.abandoned(t.tid, call);
      if (this.live.has(t.tid)) this.taskEnded(t.tid, how);
    }
  }

  /** A call that never returns because its task ended: "<... read resumed> <unfinished ...>) = ?". */
  private abandoned(tid: number, call: InFlight): void {
    this.inFlight.delete(tid);
    if (this.open === tid) this.open = null;
    if (!call.traced || !this.opts.calls || !this.shows('unfinished')) return;
    this.cutOpen(tid);
    const head = call.cut ? `${this.leader(tid)}<... ${call.row.name} resumed> <unfinished ...>)` : `${call.leader}${call.entry} <unfinished ...>)`;
    this.write(`${head.padEnd(RESULT_COLUMN - 1)} = ?`);
  }

  private taskEnded(tid: number, how: string): void {
    const call = this.inFlight.get(tid);
    if (call && ENDS_TASK.has(call.row.name)) {
      // the call that ends the task: shown before its end, as strace does
      this.inFlight.delete(tid);
      if (this.open === tid) this.open = null;
      if (call.traced && this.opts.calls && this.shows('unavailable')) {
        this.cutOpen(tid);
        const head = call.cut ? `${this.leader(tid)}<... ${call.row.name} resumed>)` : `${call.leader}${call.entry})`;
        this.write(`${head.padEnd(RESULT_COLUMN - 1)} = ?`);
      }
    }
    if (this.opts.calls) {
      this.cutOpen(tid);
      this.write(`${this.leader(tid)}+++ ${how} +++`);
    }
    this.live.delete(tid);
  }

  /** The end of the session: the summary table, and the output closed. */
  finish(): void {
    if (this.summary) for (const line of this.summary.table()) this.opts.output.line(line);
    this.opts.output.close();
  }

  /** Before a line of task `tid`: another task's waiting call is cut, as strace cuts its open line. */
  private cutOpen(tid: number): void {
    if (this.open === null || this.open === tid) return;
    const call = this.inFlight.get(this.open);
    this.open = null;
    if (!call || call.cut) return;
    call.cut = true;
    this.write(`${call.leader}${call.entry} <unfinished ...>`);
  }

  /** The pid column and timestamp strace starts a line of task `tid` with. */
  private leader(tid: number): string {
    let s = '';
    if (this.opts.output.isFile) s = `${String(tid).padEnd(5)} `;
    else if (this.live.size > 1) s = `[pid ${String(tid).padStart(5)}] `;
    const nowMs = performance.timeOrigin + performance.now();
    const since = this.lastLineMs === null ? 0 : Math.max(0, nowMs - this.lastLineMs);
    if (this.opts.relative) this.lastLineMs = nowMs;
    const delta = `${String(Math.floor(since / 1000)).padStart(6)}.${String(Math.floor((since % 1000) * 1000)).padStart(6, '0')}`;
    if (this.opts.timestamps && this.opts.relative) s += `${timeOfDay(nowMs)} (+${delta}) `;
    else if (this.opts.timestamps) s += `${timeOfDay(nowMs)} `;
    else if (this.opts.relative) s += `${delta} `;
    return s;
  }

  private shows(status: CallStatus): boolean {
    return this.opts.filter?.shows(status) ?? true;
  }

  private duration(call: InFlight): string {
    if (!this.opts.durations) return '';
    const seconds = (performance.now() - call.startedMs) / 1000;
    return ` <${seconds.toFixed(6)}>`;
  }

  private write(line: string): void {
    this.opts.output.line(line);
  }
}

/**
 * A decoder's text, or `fallback` if it fails: the guest's memory is
 * read while it runs, and a trace must never stop the program it traces.
 */
function decoded(text: () => string, fallback: string): string {
  try {
    return text();
  } catch {
    return fallback;
  }
}

/** HH:MM:SS.uuuuuu, local time (strace -tt). */
function timeOfDay(nowMs: number): string {
  const d = new Date(nowMs);
  const two = (n: number): string => String(n).padStart(2, '0');
  const micros = Math.floor((nowMs % 1000) * 1000);
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(micros).padStart(6, '0')}`;
}
