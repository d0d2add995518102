// What kept an update from happening, for the timeout message: what each
// thread did while the update waited (sat in one call, computed without a
// system call, or went on running) and which replaced functions never left
// its stack. A program with one thread gets the message it always had;
// with several, each thread that was not ready is named with its reason.
import type { Runner } from '../emulator/runner.js';
import type { Thread } from '../emulator/thread.js';
import type { SafetyReport, ThreadCheck } from './quiescence.js';
import type { WaitOptions } from './wait-safe.js';

/**
 * What the guest did while the update waited: sat in one call, ran without
 * making a system call (a long computation), or went on serving.
 */
type GuestActivity = 'blocked' | 'computing' | 'moved';

function oneThreadMessage(report: SafetyReport | null, always: Set<string> | null, guest: GuestActivity, opts: WaitOptions, waited: number): string {
  const ms = Math.round(waited);
  if (opts.updatePoint !== null && (report === null || report.safe)) {
    return `the program did not reach dsu_update_point() within ${ms} ms; nothing was changed`;
  }
  if (!report) return `not safe within ${ms} ms; nothing was changed`;
  const active = [...new Set(report.blockers.map((b) => b.range.name))];
  const stack = report.stack.map((s, i) => `#${i} ${s}`).join(', ');
  let msg = `not safe within ${ms} ms: ${active.join(', ')} still active; nothing was changed. Stack: ${stack}`;
  if (report.incomplete) msg += ' (the stack could not be walked to its end)';
  const stuck = always ? active.filter((n) => always.has(n)) : [];
  if (stuck.length > 0 && guest === 'computing' && report.stack.length > 0 && !stuck.some((n) => /^main\b/.test(n))) {
    const innermost = report.stack.find((s) => !s.startsWith('(')) ?? report.stack[0];
    msg += `. The program was computing in ${innermost.replace(/\+0x[0-9a-f]+/, '')} the whole time, without a system call: ` +
      `${stuck.join(', ')} can be replaced once ${stuck.length === 1 ? 'it returns' : 'they return'} (a longer --timeout)` +
      (opts.relaxed ? '' : ', or use --relaxed to let the running activation finish in the old code');
  } else if (stuck.length > 0 && guest === 'blocked' && report.stack.length > 0 && !stuck.some((n) => /^main\b/.test(n))) {
    // the syscall gate (int 0x80 stub) says less than the libc call above it
    const named = report.stack.find((s) => !s.startsWith('(') && !/^(_dl_sysinfo_int80|__kernel_vsyscall)\b/.test(s)) ?? report.stack[0];
    msg += `. The program sat in ${named.replace(/\+0x[0-9a-f]+/, '')} the whole time (a blocking call waiting for input?): ` +
      `${stuck.join(', ')} can be replaced once it returns (a longer --timeout), unless it is a main loop that never returns;` +
      ' then call dsu_update_point() from the loop and run with --update-points, or move the changed code out of it';
  } else if (stuck.length > 0) {
    msg += `. ${stuck.join(', ')} never left the stack while waiting (a main loop?): it cannot be replaced while it runs;` +
      ' call dsu_update_point() from the loop and run with --update-points, or move the changed code out of it' +
      (opts.relaxed ? '' : ' (or use --relaxed to let running activations finish in the old code)');
  }
  return msg;
}

interface Seen {
  /** Blocking functions seen at every check so far (a main loop never leaves). */
  always: Set<string> | null;
  firstKey: string;
  moved: boolean;
  /** Blocked in a syscall at every check. */
  alwaysBlocked: boolean;
  syscallsAtStart: number;
}

/** Every check's findings, per thread, kept while an update waits. */
export class ThreadHistory {
  private readonly slicesAtStart: number;
  private readonly syscallsAtStart: number;
  private readonly seen = new Map<Thread, Seen>();
  /** The last check. */
  last: ThreadCheck[] = [];
  /** Threads held at an update point at the last check. */
  parked = new Set<Thread>();

  constructor(private readonly runner: Runner) {
    this.slicesAtStart = runner.slices;
    this.syscallsAtStart = runner.syscalls.count;
  }

  record(views: ThreadCheck[], parked: ReadonlySet<Thread>): void {
    this.last = views;
    this.parked = new Set(parked);
    for (const v of views) {
      const names = new Set(v.report.blockers.map((b) => b.range.name));
      const key = v.report.stack.join('|');
      const blocked = v.thread.state === 'blocked';
      const s = this.seen.get(v.thread);
      if (!s) {
        this.seen.set(v.thread, { always: names, firstKey: key, moved: false, alwaysBlocked: blocked, syscallsAtStart: v.thread.syscalls });
        continue;
      }
      s.always = new Set([...(s.always ?? [])].filter((n) => names.has(n)));
      if (key !== s.firstKey) s.moved = true;
      if (!blocked) s.alwaysBlocked = false;
    }
  }

  isMain(thread: Thread): boolean {
    return thread === this.runner.proc.mainThread;
  }

  always(thread: Thread | undefined): Set<string> | null {
    return (thread && this.seen.get(thread)?.always) ?? null;
  }

  /** What the whole program did (one thread): by the run loop's counts, as this message always said it. */
  programActivity(): GuestActivity {
    const s = this.last[0] && this.seen.get(this.last[0].thread);
    if (!(s?.moved || this.runner.slices !== this.slicesAtStart)) return 'blocked';
    return this.runner.syscalls.count !== this.syscallsAtStart ? 'moved' : 'computing';
  }

  /** What one thread did. */
  activity(thread: Thread): GuestActivity {
    const s = this.seen.get(thread);
    if (!s) return 'moved';
    if (s.alwaysBlocked && !s.moved) return 'blocked';
    return thread.syscalls === s.syscallsAtStart && thread.state !== 'blocked' ? 'computing' : 'moved';
  }
}

/** The innermost frame that names a function (not the int 0x80 gate), without its offset. */
function where(report: SafetyReport): string {
  const named = report.stack.find((s) => !s.startsWith('(') && !/^(_dl_sysinfo_int80|__kernel_vsyscall)\b/.test(s)) ?? report.stack[0] ?? '?';
  return named.replace(/\+0x[0-9a-f]+/, '');
}

const MAX_FRAMES_SHOWN = 8;

function shortStack(report: SafetyReport): string {
  const shown = report.stack.slice(0, MAX_FRAMES_SHOWN).map((s, i) => `#${i} ${s}`);
  if (report.stack.length > MAX_FRAMES_SHOWN) shown.push('...');
  return shown.join(', ');
}

/** Why one thread of several was not ready, or null if it was. */
function threadReason(history: ThreadHistory, v: ThreadCheck, opts: WaitOptions): string | null {
  const { report, thread } = v;
  const parked = history.parked.has(thread);
  const blocked = thread.state === 'blocked';
  const syscall = thread.pending?.row.name ?? 'a system call';
  if (report.safe) {
    if (opts.updatePoint === null || parked || blocked) return null;
    return `running in ${where(report)}, not at dsu_update_point()`;
  }
  if (report.blockers.length === 0) return `its stack could not be walked to its end (at ${where(report)})`;
  const active = [...new Set(report.blockers.map((b) => b.range.name))].join(', ');
  const activity = history.activity(thread);
  const doing = activity === 'blocked' ? `, blocked in ${syscall} the whole time`
    : activity === 'computing' ? `, computing in ${where(report)} without a system call`
    : blocked ? `, blocked in ${syscall}` : '';
  return `${active} active${doing}`;
}

export function notSafeMessage(history: ThreadHistory, opts: WaitOptions, waited: number): string {
  const views = history.last;
  if (views.length <= 1) {
    const v = views[0];
    return oneThreadMessage(v?.report ?? null, history.always(v?.thread), history.programActivity(), opts, waited);
  }
  const ms = Math.round(waited);
  const active = [...new Set(views.flatMap((v) => v.report.blockers.map((b) => b.range.name)))];
  let msg = opts.updatePoint !== null ? `no safe point with dsu_update_point() within ${ms} ms` : `not safe within ${ms} ms`;
  if (active.length > 0) msg += `: ${active.join(', ')} still active`;
  msg += '; nothing was changed.';
  let ready = 0;
  for (const v of views) {
    const reason = threadReason(history, v, opts);
    if (reason === null) {
      ready++;
      continue;
    }
    const main = history.isMain(v.thread) ? ' (main)' : '';
    msg += ` Thread ${v.thread.tid}${main}: ${reason}. Stack: ${shortStack(v.report)}.`;
  }
  if (ready > 0) msg += ` ${ready} other thread${ready === 1 ? ' was' : 's were'} ready` +
    (opts.updatePoint !== null ? ' (at dsu_update_point() or blocked outside the patched code).' : '.');
  return msg;
}
