// A program run under `dsu run --control SOCK` that a test talks to: its
// stdin is a pipe the test writes or closes, its stdout is collected so the
// test can wait for a line, and the dsu inspection commands run against it.
import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DSU, REPO } from './run.js';

export interface ControlledProgram {
  socket: string;
  child: ChildProcess;
  stdout(): string;
  /** Resolves when stdout has a line equal to `line`. */
  waitForLine(line: string, timeoutMs?: number): Promise<void>;
  write(text: string): void;
  /** Closes stdin and resolves with the exit status and output. */
  finish(timeoutMs?: number): Promise<{ status: number | null; stdout: string; stderr: string }>;
}

export function runControlled(program: string, args: string[] = [], env: Record<string, string> = {}): ControlledProgram {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dsu-inspect-'));
  const socket = path.join(dir, 'control.sock');
  const child = spawn(process.execPath, [DSU, 'run', '--control', socket, program, ...args], {
    cwd: REPO, env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const closed = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  child.stdin!.on('error', () => {});
  return {
    socket,
    child,
    stdout: () => out,
    waitForLine(line, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const has = (): boolean => out.split('\n').includes(line);
        if (has()) return resolve();
        const timer = setTimeout(() => {
          child.stdout!.off('data', check);
          reject(new Error(`no line "${line}" within ${timeoutMs} ms\nstdout: ${out}\nstderr: ${err}`));
        }, timeoutMs);
        const check = (): void => {
          if (!has()) return;
          clearTimeout(timer);
          child.stdout!.off('data', check);
          resolve();
        };
        child.stdout!.on('data', check);
        void closed.then(() => {
          if (has()) return;
          clearTimeout(timer);
          reject(new Error(`exited before printing "${line}"\nstdout: ${out}\nstderr: ${err}`));
        });
      });
    },
    write: (text) => void child.stdin!.write(text),
    async finish(timeoutMs = 30_000) {
      child.stdin!.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      const status = await closed;
      clearTimeout(timer);
      fs.rmSync(dir, { recursive: true, force: true });
      return { status, stdout: out, stderr: err };
    },
  };
}

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** `dsu ARGS...`, to completion. */
export function dsuCli(args: string[], timeoutMs = 60_000): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [DSU, ...args], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

/** `dsu ARGS... --json`, parsed; fails with dsu's message when it exits non-zero. */
export async function dsuJson<T>(args: string[]): Promise<T> {
  const r = await dsuCli([...args, '--json']);
  if (r.status !== 0) throw new Error(`dsu ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}
