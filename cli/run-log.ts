// The event log of `dsu run --log FILE` (and --verbose, to stderr): one line
// per event — start, each control-channel request that changes the program
// (patch requested, applied with its wait, pause and stall, refused with the
// reason and exit status, rolled back), dsu's diagnostics about the program
// (fault reports, refused calls), exit. As text, or JSON lines (--log-json)
// with the same fields. Writing the log never fails the run: a write error
// is reported once and the log stops.
import fs from 'node:fs';
import type { ControlEvent } from '../control/server.js';
import type { Logger } from '../emulator/log.js';
import type { ExitStatus } from '../emulator/process.js';
import type { PatchReport, CheckOnlyReport } from '../patcher/report.js';
import type { RollbackReport } from '../patcher/rollback.js';
import { escapeText } from './output.js';

type Fields = Record<string, unknown>;

/** What each failure status of a patch means (patcher/errors.ts ExitStatus), as the event's name. */
const PATCH_FAILURES: Record<number, string> = { 3: 'patch-bad-file', 4: 'patch-refused', 5: 'patch-not-safe', 6: 'patch-transfer-failed' };

const ms = (v: number): string => `${v.toFixed(3)} ms`;

export interface RunLogOptions {
  file?: string;
  /** Also every line on stderr. */
  verbose: boolean;
  json: boolean;
}

export class RunLog {
  private fd: number | null = null;
  private failed = false;

  private constructor(private readonly opts: RunLogOptions) {}

  /** The log the options ask for, or null; the file is created (or truncated) now, so a bad path fails before the program starts. */
  static open(opts: RunLogOptions): RunLog | null {
    if (opts.file === undefined && !opts.verbose) return null;
    const log = new RunLog(opts);
    if (opts.file !== undefined) log.fd = fs.openSync(opts.file, 'w', 0o644);
    return log;
  }

  /** One event: `text` for people (and --verbose), `fields` for --log-json. `echo`: false for what is on stderr already. */
  event(event: string, text: string, fields: Fields = {}, echo = true): void {
    const time = new Date().toISOString();
    const human = `${time} ${event}: ${escapeText(text)}`;
    const line = this.opts.json ? JSON.stringify({ time, event, ...fields }) : human;
    if (this.fd !== null && !this.failed) {
      try {
        fs.writeSync(this.fd, line + '\n');
      } catch (e) {
        this.failed = true;
        process.stderr.write(`dsu: --log: ${escapeText((e as Error).message)}; the log stops here\n`);
      }
    }
    if (this.opts.verbose && echo) process.stderr.write(`dsu: ${human}\n`);
  }

  start(program: string, args: string[], pid: number, control: string | undefined): void {
    this.event('start', `${program}${args.length ? ' ' + args.join(' ') : ''} (pid ${pid})${control ? `, control socket ${control}` : ''}`, { program, args, pid, control: control ?? null });
  }

  exit(status: ExitStatus, signalName: (sig: number) => string): void {
    if (status.signal !== undefined) {
      const name = signalName(status.signal);
      this.event('exit', `killed by ${name}`, { signal: status.signal, signalName: name });
    } else this.event('exit', `exited with ${status.code}`, { code: status.code });
  }

  /** The program's diagnostics (fault reports, refusals) go to stderr as before, and to the log. */
  tee(logger: Logger): Logger {
    return {
      line: (text) => {
        logger.line(text);
        // a fault report: "dsu: PROGRAM: SIGSEGV (...) at ... in ...", then its backtrace
        const fault = /^dsu: [^\n]*?: (SIG[A-Z]+) \(/.exec(text);
        this.event(fault ? 'fault' : 'diagnostic', text.replace(/^dsu: /, '').split('\n')[0], fault ? { signalName: fault[1], text } : { text }, false);
      },
      debug: (sub, text) => logger.debug(sub, text),
      enabled: (sub) => logger.enabled(sub),
    };
  }

  control(e: ControlEvent): void {
    const args = e.args as Fields;
    if (e.cmd === 'patch' || e.cmd === 'check') {
      const what = e.cmd === 'check' ? 'patch-check' : 'patch';
      if (e.phase === 'requested') this.event(`${what}-requested`, `${args.path} (timeout ${args.timeoutMs} ms)`, { path: args.path, timeoutMs: args.timeoutMs, relaxed: args.relaxed, updatePoints: args.updatePoints });
      else if (e.phase === 'failed') this.event(e.cmd === 'check' ? 'patch-check-failed' : PATCH_FAILURES[e.status] ?? 'patch-failed', `${e.error.startsWith(String(args.path)) ? '' : `${args.path}: `}${e.error} (exit status ${e.status})`, { path: args.path, status: e.status, reason: e.error, ms: e.ms });
      else if (e.cmd === 'check') {
        const r = e.result as CheckOnlyReport;
        this.event('patch-checked', `${r.patch} would apply: would replace ${r.wouldReplace.join(', ') || 'nothing'}`, { path: r.patch, wouldReplace: r.wouldReplace, activeNow: r.activeNow });
      } else {
        const r = e.result as PatchReport;
        const released = r.released.length ? `; released #${r.released.join(', #')}` : '';
        this.event('patch-applied', `patch #${r.id} ${r.patch}: replaced ${r.replaced.map((f) => f.function).join(', ') || 'nothing'}; waited ${ms(r.waitedMs)} for a safe point (${r.safePoint}), paused ${ms(r.pauseMs)}, stalled ${ms(r.guestStall.longestMs)} at most (${ms(r.guestStall.totalMs)} in all)${released}`, {
          id: r.id, path: r.patch, replaced: r.replaced.map((f) => f.function), added: r.added, transfer: r.transfer,
          waitedMs: r.waitedMs, safePoint: r.safePoint, pauseMs: r.pauseMs, stall: r.guestStall, totalMs: r.totalMs, released: r.released, warnings: r.warnings,
        });
      }
      return;
    }
    if (e.cmd === 'rollback') {
      if (e.phase === 'requested') this.event('rollback-requested', `the newest patch (timeout ${args.timeoutMs} ms${args.force ? ', forced' : ''})`, { timeoutMs: args.timeoutMs, force: args.force });
      else if (e.phase === 'failed') this.event('rollback-failed', `${e.error} (exit status ${e.status})`, { status: e.status, reason: e.error, ms: e.ms });
      else {
        const r = e.result as RollbackReport;
        this.event('patch-rolled-back', `patch #${r.id} ${r.patch}: restored ${r.restored.join(', ') || 'nothing'}; waited ${ms(r.waitedMs)}, paused ${ms(r.pauseMs)}${r.keptMapped ? `; stays mapped (${r.keptMapped})` : ''}`, {
          id: r.id, path: r.patch, restored: r.restored, waitedMs: r.waitedMs, pauseMs: r.pauseMs, keptMapped: r.keptMapped, released: r.released, problems: r.problems,
        });
      }
      return;
    }
    // the read-only commands: only their failures are worth a line
    if (e.phase === 'failed') this.event('control-failed', `${e.cmd}: ${e.error}`, { command: e.cmd, status: e.status, reason: e.error });
  }

  close(): void {
    if (this.fd !== null) fs.closeSync(this.fd);
    this.fd = null;
  }
}
