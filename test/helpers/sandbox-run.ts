// Running an untrusted (mutated) program natively and under `dsu run`, each
// in the same throw-away sandbox: a new PID namespace (a stray kill(-1)
// reaches nothing outside), a new network namespace with no interfaces, as
// user nobody, no core files, bounded CPU time and wall time. The tests run
// as root; a mutated program must never run with root's rights.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BUILD, DSU } from './run.js';

export interface SandboxOutcome {
  stdout: Buffer;
  stderr: string;
  /** Exit code, 128+signal when killed, or null when the wall-time limit killed it. */
  status: number | null;
  ms: number;
  /** CPU time (user + system) of the run, when measured. */
  cpuMs: number | null;
}

const SANDBOX = ['unshare', '--pid', '--fork', '--net', '--mount', '--mount-proc', '--', 'setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', '--',
  'prlimit', '--core=0', '--cpu=30', '--'];
/** Kept of a run's stdout: a mutant that loops printing is cut here. */
const STDOUT_LIMIT = 1 << 20;
const ENV = { PATH: '/usr/bin:/bin', LANG: 'C', HOME: '/nonexistent' };

/** True when this machine can build the sandbox (root, util-linux's unshare, setpriv and prlimit). */
export function sandboxAvailable(): boolean {
  return process.getuid?.() === 0 && ['/usr/bin/unshare', '/usr/bin/setpriv', '/usr/bin/prlimit'].every((f) => fs.existsSync(f));
}

function sandboxed(argv: string[], cwd: string, timeoutMs: number): Promise<SandboxOutcome> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(SANDBOX[0], [...SANDBOX.slice(1), ...argv], { cwd, env: ENV, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const out: Buffer[] = [];
    let outBytes = 0;
    let err = '';
    let killed = false;
    child.stdout.on('data', (d: Buffer) => {
      if (outBytes < STDOUT_LIMIT) out.push(d);
      outBytes += d.length;
    });
    child.stderr.on('data', (d: Buffer) => {
      if (err.length < STDOUT_LIMIT) err += d.toString('latin1');
    });
    const timer = setTimeout(() => {
      killed = true;
      // the whole group: unshare, and whatever it forked
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const status = killed ? null : code ?? 128 + (signal ? (os.constants.signals[signal] ?? 0) : 0);
      // exec-direct --cpu reports the CPU time last
      const cpu = /^exec-direct: cpu (\d+)\n$/m.exec(err);
      const stderr = cpu ? err.slice(0, cpu.index) + err.slice(cpu.index + cpu[0].length) : err;
      resolve({ stdout: Buffer.concat(out).subarray(0, STDOUT_LIMIT), stderr, status, ms: performance.now() - started, cpuMs: cpu ? Number(cpu[1]) : null });
    });
  });
}

/** Runs a program with execve, no shell fallback (c-samples/harden/exec-direct.c). */
const EXEC_DIRECT = path.join(BUILD, 'harden', 'exec-direct');

/** `./FILE` run natively in `cwd`, sandboxed; when execve fails, stderr says "exec-direct: execve FILE: ERRNO (...)". */
export function runNativeSandboxed(file: string, cwd: string, timeoutMs: number): Promise<SandboxOutcome> {
  if (!fs.existsSync(EXEC_DIRECT)) throw new Error(`${EXEC_DIRECT} is missing: run make -s -C c-samples`);
  return sandboxed([EXEC_DIRECT, file], cwd, timeoutMs);
}

/** `dsu run ./FILE` in `cwd`, sandboxed the same way, its CPU time measured (wall time on a busy machine says little). */
export function runDsuSandboxed(file: string, cwd: string, timeoutMs: number): Promise<SandboxOutcome> {
  return sandboxed([EXEC_DIRECT, '--cpu', process.execPath, DSU, 'run', file], cwd, timeoutMs);
}
