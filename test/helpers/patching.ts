// A program running under `dsu run --control SOCK` that a patch test
// updates, and the three ways a test talks to its dsu process: the `dsu`
// command line (what a user types, with its exit status and stderr), the
// control socket's JSON lines directly (for long streams of operations),
// and the guest's module list (what is mapped).
import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { DSU, REPO } from './run.js';

export interface DsuProgram {
  socket: string;
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  alive(): boolean;
  write(text: string): void;
  /** Resolves once stdout matches `pattern` (from offset `from`, default 0). */
  waitForOutput(pattern: RegExp, timeoutMs?: number, from?: number): Promise<RegExpExecArray>;
  /** SIGTERM (servers print their summary), then SIGKILL if it lingers; removes the socket's directory. */
  stop(): Promise<{ status: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `dsu run --control SOCK [dsuOptions] PROGRAM ARGS` and waits until stdout matches `ready`. */
export async function startUnderDsu(program: string, args: string[], ready: RegExp, dsuOptions: string[] = []): Promise<DsuProgram> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dsu-patch-'));
  const socket = path.join(dir, 'control.sock');
  const child = spawn(process.execPath, [DSU, 'run', '--control', socket, ...dsuOptions, program, ...args], {
    cwd: REPO, stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  let exited = false;
  const closed = new Promise<{ status: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (status, signal) => {
      exited = true;
      resolve({ status, signal });
    }));
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  child.stdin!.on('error', () => {});

  const waitForOutput = (pattern: RegExp, timeoutMs = 60_000, from = 0): Promise<RegExpExecArray> =>
    new Promise((resolve, reject) => {
      const match = (): RegExpExecArray | null => pattern.exec(out.slice(from));
      const m = match();
      if (m) return resolve(m);
      const done = (f: () => void): void => {
        clearTimeout(timer);
        child.stdout!.off('data', check);
        f();
      };
      const timer = setTimeout(() => done(() => reject(new Error(`no output matching ${pattern} within ${timeoutMs} ms\nstdout: ${out.slice(-2000)}\nstderr: ${err.slice(-2000)}`))), timeoutMs);
      const check = (): void => {
        const found = match();
        if (found) done(() => resolve(found));
      };
      child.stdout!.on('data', check);
      void closed.then(() => {
        if (!match()) done(() => reject(new Error(`exited before printing ${pattern}\nstdout: ${out.slice(-2000)}\nstderr: ${err.slice(-2000)}`)));
      });
    });

  const p: DsuProgram = {
    socket,
    child,
    stdout: () => out,
    stderr: () => err,
    alive: () => !exited,
    write: (text) => void child.stdin!.write(text),
    waitForOutput,
    async stop() {
      if (!exited) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      const r = await closed;
      clearTimeout(timer);
      fs.rmSync(dir, { recursive: true, force: true });
      return r;
    },
  };
  try {
    await waitForOutput(ready);
  } catch (e) {
    await p.stop();
    throw e;
  }
  return p;
}

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  cwd?: string;
  /** Run as another user: a command prefix such as setpriv's. */
  prefix?: string[];
  timeoutMs?: number;
}

/** `dsu ARGS...` to completion. */
export function dsu(args: string[], opts: CliOptions = {}): Promise<CliResult> {
  const argv = [...(opts.prefix ?? []), process.execPath, DSU, ...args];
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0], argv.slice(1), { cwd: opts.cwd ?? REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

/** What `dsu patch --json` reports. */
import type { PatchReport } from '../../patcher/report.js';
export type { PatchReport };

export interface RollbackReport {
  id: number;
  patch: string;
  restored: string[];
  live: { function: string; version: string }[];
  rollbackRoutine: 'none' | 'ok';
  problems: string[];
}

import type { StatusReport } from '../../patcher/status.js';
export type { StatusReport };

export interface Outcome<T> extends CliResult {
  /** The parsed --json answer when dsu exited 0. */
  report: T | null;
}

async function jsonCommand<T>(args: string[], opts: CliOptions): Promise<Outcome<T>> {
  const r = await dsu(args, opts);
  return { ...r, report: r.status === 0 ? (JSON.parse(r.stdout) as T) : null };
}

/** `dsu patch --control SOCK --json [extra] FILE` (options before the file: the parser stops at the first positional). */
export function patchCli(socket: string, file: string, extra: string[] = [], opts: CliOptions = {}): Promise<Outcome<PatchReport>> {
  return jsonCommand<PatchReport>(['patch', '--control', socket, '--json', ...extra, file], opts);
}

export function rollbackCli(socket: string, extra: string[] = [], opts: CliOptions = {}): Promise<Outcome<RollbackReport>> {
  return jsonCommand<RollbackReport>(['rollback', '--control', socket, '--json', ...extra], opts);
}

export async function statusCli(socket: string): Promise<StatusReport> {
  const r = await jsonCommand<StatusReport>(['status', '--control', socket, '--json'], {});
  if (!r.report) throw new Error(`dsu status exited ${r.status}: ${r.stderr}`);
  return r.report;
}

/** Like patchCli, but fails the test with dsu's message unless the patch went live. */
export async function applyOk(socket: string, file: string, extra: string[] = []): Promise<PatchReport> {
  const r = await patchCli(socket, file, extra);
  if (r.status !== 0 || !r.report) throw new Error(`dsu patch ${file} exited ${r.status}: ${r.stderr}`);
  return r.report;
}

export async function rollbackOk(socket: string): Promise<RollbackReport> {
  const r = await rollbackCli(socket);
  if (r.status !== 0 || !r.report) throw new Error(`dsu rollback exited ${r.status}: ${r.stderr}`);
  return r.report;
}

/** One request on the control socket (one JSON line each way), without the CLI. */
export function control<T>(socket: string, cmd: string, args: Record<string, unknown> = {}, timeoutMs = 120_000): Promise<{ ok: true; result: T } | { ok: false; error: string }> {
  return new Promise((resolve, reject) => {
    const s = net.connect(socket);
    let buffer = '';
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error(`no answer to ${cmd} within ${timeoutMs} ms`));
    }, timeoutMs);
    s.setEncoding('utf8');
    s.on('connect', () => s.write(JSON.stringify({ id: 1, cmd, args }) + '\n'));
    s.on('data', (chunk: string) => {
      buffer += chunk;
      const nl = buffer.indexOf('\n');
      if (nl < 0) return;
      clearTimeout(timer);
      s.end();
      const r = JSON.parse(buffer.slice(0, nl)) as { ok: boolean; result?: T; error?: string };
      resolve(r.ok ? { ok: true, result: r.result as T } : { ok: false, error: r.error ?? '' });
    });
    s.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

/** The result of a control command, or an exception with dsu's message. */
export async function controlOk<T>(socket: string, cmd: string, args: Record<string, unknown> = {}): Promise<T> {
  const r = await control<T>(socket, cmd, args);
  if (!r.ok) throw new Error(`${cmd}: ${r.error}`);
  return r.result;
}

interface ModuleRow {
  name: string;
  path: string;
  kind: string;
  start: string;
  end: string;
}

/** Objects dsu linked into the guest (patches), with the bytes their mappings span. */
export async function linkedObjects(socket: string): Promise<{ count: number; bytes: number; names: string[] }> {
  const answer = await controlOk<{ modules: ModuleRow[] }>(socket, 'modules');
  const linked = answer.modules.filter((m) => m.kind === 'linked');
  return {
    count: linked.length,
    bytes: linked.reduce((sum, m) => sum + (parseInt(m.end, 16) - parseInt(m.start, 16)), 0),
    names: linked.map((m) => m.name),
  };
}
