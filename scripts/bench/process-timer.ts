// Runs one child process and measures its wall time with process.hrtime,
// from just before spawn to its exit, and its CPU time, collecting what it
// printed. Runs must not overlap: the CPU time is a difference of totals.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import os from 'node:os';
import { REPO } from './paths.js';
import { childrenCpuMs } from '../../emulator/host/child-usage.js';

export interface Execution {
  wallMs: number;
  /** User + system CPU time of the child (all its threads). */
  cpuMs: number;
  stdout: string;
  /** SHA-256 of stdout's bytes (binary output is compared by this). */
  stdoutSha256: string;
  stderr: string;
  /** Exit code, or 128 + signal number when killed. */
  status: number;
}

export interface ExecuteOptions {
  /** Added to this process's environment. */
  env?: Record<string, string>;
  /** Working directory (default: the repository). */
  cwd?: string;
}

export function execute(cmd: string, argv: string[], timeoutMs: number, opts: ExecuteOptions = {}): Promise<Execution> {
  const env = opts.env;
  return new Promise((resolve, reject) => {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let wallMs = NaN;
    let cpuMs = NaN;
    let status = -1;
    const cpuBefore = childrenCpuMs();
    const started = process.hrtime.bigint();
    const child = spawn(cmd, argv, { cwd: opts.cwd ?? REPO, stdio: ['ignore', 'pipe', 'pipe'], env: env ? { ...process.env, ...env } : process.env });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`cannot run ${cmd}: ${e.message}`));
    });
    // 'exit' marks the end of the process; 'close' waits for its pipes to drain.
    child.on('exit', (code, signal) => {
      wallMs = Number(process.hrtime.bigint() - started) / 1e6;
      // libuv has reaped the child before emitting 'exit'
      cpuMs = childrenCpuMs() - cpuBefore;
      status = code ?? 128 + (signal ? os.constants.signals[signal] : 0);
    });
    child.on('close', () => {
      clearTimeout(timer);
      const stdout = Buffer.concat(out);
      const stdoutSha256 = createHash('sha256').update(stdout).digest('hex');
      resolve({ wallMs, cpuMs, stdout: stdout.toString(), stdoutSha256, stderr: Buffer.concat(err).toString(), status });
    });
  });
}
