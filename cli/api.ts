// The programmatic interface of the dsu-x86 package:
//
//   import { run, patch, rollback, status } from 'dsu-x86';
//   const program = run('./server', { args: ['-p', '6380'], control: '/tmp/server.sock' });
//   await program.ready();
//   const report = await patch(program.control!, './fix.so');
//   console.log(await status(program.control!));
//   program.child.kill('SIGTERM');
//   console.log(await program.exited);
//
// A program runs in its own `dsu run` process (the emulator takes over its
// process's signals and descriptors); the other functions are typed clients
// of its control socket (control/commands.ts, protocol version
// PROTOCOL_VERSION). A failure rejects with a ControlError whose `status` is
// the exit status `dsu patch` would give it (README: 3 bad patch file, 4
// refused by a check, 5 no safe point in time, 6 the transfer failed).
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import path from 'node:path';
import { callControl } from '../control/client.js';
import { ControlError } from '../control/protocol.js';
import type { PatchSent, PingResult, RollbackSent } from '../control/commands.js';
import type { CheckOnlyReport, PatchReport } from '../patcher/report.js';
import type { RollbackReport } from '../patcher/rollback.js';
import type { StatusReport } from '../patcher/status.js';
import type { ModulesAnswer } from '../patcher/inspect/commands.js';
import type { SlotRow } from '../loader/program/rows.js';
import { dsuScript } from './install-paths.js';

export { ControlError, PROTOCOL_VERSION } from '../control/protocol.js';
export type { CheckOnlyReport, ModulesAnswer, PatchReport, PingResult, RollbackReport, SlotRow, StatusReport };

export interface RunOptions {
  /** The program's own arguments. */
  args?: string[];
  /** Serve the control channel on this Unix socket (needed to patch the program). */
  control?: string;
  /** Directory the program sees as / (dsu run --root). */
  root?: string;
  /** Directories the program may write besides the current one and /tmp (--rw). */
  rw?: string[];
  /** KEY=VALUE environment additions (--env). */
  env?: string[];
  /** Event log file (--log), as JSON lines with logJson. */
  log?: string;
  logJson?: boolean;
  /** Any other `dsu run` options, as words (`['--strace', '--net-expose']`). */
  options?: string[];
  /** The working directory of the program (default: this process's). */
  cwd?: string;
  /** The program's stdin, stdout and stderr (default: pipes). */
  stdio?: StdioOptions;
}

export interface RunningProgram {
  /** The `dsu run` process (its stdin, stdout and stderr are the program's). */
  child: ChildProcess;
  /** The control socket, when asked for. */
  control: string | null;
  /** The exit status (128+N when signal N ended the program, as dsu run exits). */
  exited: Promise<number>;
  /** Resolves once the control socket answers; rejects if the program exits first. */
  ready(timeoutMs?: number): Promise<PingResult>;
}

/** Start `dsu run [options] PROGRAM ARGS` in a child process. */
export function run(program: string, opts: RunOptions = {}): RunningProgram {
  const words: string[] = [];
  if (opts.control !== undefined) words.push('--control', opts.control);
  if (opts.root !== undefined) words.push('--root', opts.root);
  for (const d of opts.rw ?? []) words.push('--rw', d);
  for (const kv of opts.env ?? []) words.push('--env', kv);
  if (opts.log !== undefined) words.push('--log', opts.log);
  if (opts.logJson) words.push('--log-json');
  words.push(...(opts.options ?? []));
  const child = spawn(process.execPath, [dsuScript(), 'run', ...words, '--', program, ...(opts.args ?? [])], { cwd: opts.cwd, stdio: opts.stdio ?? 'pipe' });
  let done = false;
  const exited = new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => {
      done = true;
      resolve(code ?? 128 + (signal ? SIGNALS[signal] ?? 0 : 0));
    });
  });
  const control = opts.control === undefined ? null : path.resolve(opts.cwd ?? '.', opts.control);
  const ready = async (timeoutMs = 60_000): Promise<PingResult> => {
    if (control === null) throw new ControlError('the program was started without a control socket');
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (done) throw new ControlError(`the program exited before its control socket answered (status ${await exited})`);
      try {
        return await callControl(control, 'ping', {}, 5000);
      } catch (e) {
        if (Date.now() > deadline) throw e;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  return { child, control, exited, ready };
}

const SIGNALS: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGSEGV: 11, SIGTERM: 15 };

export type PatchOptions = Omit<PatchSent, 'path'>;

/** Apply a patch (its path is resolved here); resolves with the report once the new code is live. */
export function patch(control: string, file: string, opts: PatchOptions = {}): Promise<PatchReport> {
  const wait = (opts.timeoutMs ?? 5000) + (opts.transferTimeoutMs ?? 5000) + 30_000;
  return callControl(control, 'patch', { ...opts, path: path.resolve(file) }, wait);
}

/** Everything up to the pause, nothing changed (dsu patch --check). */
export function check(control: string, file: string, opts: PatchOptions = {}): Promise<CheckOnlyReport> {
  return callControl(control, 'check', { ...opts, path: path.resolve(file) }, 60_000);
}

export function rollback(control: string, opts: RollbackSent = {}): Promise<RollbackReport> {
  return callControl(control, 'rollback', opts, (opts.timeoutMs ?? 5000) + 40_000);
}

export function status(control: string): Promise<StatusReport> {
  return callControl(control, 'status', {}, 10_000);
}

export function ping(control: string): Promise<PingResult> {
  return callControl(control, 'ping', {}, 10_000);
}

export function modules(control: string): Promise<ModulesAnswer> {
  return callControl(control, 'modules', {}, 30_000);
}

/** The live GOT/PLT slots (of one module, when named). */
export function got(control: string, module?: string): Promise<SlotRow[]> {
  return callControl(control, 'got', module === undefined ? {} : { module }, 30_000);
}
