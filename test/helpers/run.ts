// Running a program natively and under `dsu run`, capturing everything the
// user would see, so tests can compare the two byte for byte.
import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DSU = path.join(REPO, 'bin', 'dsu.js');
export const BUILD = path.join(REPO, 'c-samples', 'build');

export interface Outcome {
  stdout: Buffer;
  stderr: Buffer;
  /** Exit code, or 128+signal when killed (as a shell reports it). */
  status: number;
}

export interface RunSpec {
  args?: string[];
  stdin?: string | Buffer;
  cwd?: string;
  env?: Record<string, string>;
  timeoutMs?: number;
}

function collect(cmd: string, argv: string[], spec: RunSpec): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, argv, {
      cwd: spec.cwd ?? REPO,
      env: { ...process.env, ...(spec.env ?? {}) },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    const timer = setTimeout(() => child.kill('SIGKILL'), spec.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const status = code ?? 128 + (signal ? (os.constants.signals[signal] ?? 0) : 0);
      resolve({ stdout: Buffer.concat(out), stderr: Buffer.concat(err), status });
    });
    child.stdin.on('error', () => {});
    child.stdin.end(spec.stdin ?? '');
  });
}


/** Run the binary directly on the host (the kernel runs i386 natively). */
export function runNative(program: string, spec: RunSpec = {}): Promise<Outcome> {
  return collect(program, spec.args ?? [], spec);
}

/** Run the binary under `dsu run` with extra dsu options. */
export function runDsu(program: string, spec: RunSpec = {}, dsuOptions: string[] = []): Promise<Outcome> {
  return collect(process.execPath, [DSU, 'run', ...dsuOptions, program, ...(spec.args ?? [])], spec);
}
