// kvstore under `dsu run --control SOCK` for the `patching` group: started
// on a port the kernel picks (-p 0, the server prints the one it got),
// patched through the control socket directly (one connection per patch,
// no CLI process), its host's RSS read from /proc, and always stopped:
// every child this module starts is killed when the benchmark leaves,
// however it leaves.
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BenchFailure } from './matrix.js';
import { DSU_CLI, REPO } from './paths.js';
import { callControl } from '../../control/client.js';
import type { PatchReport } from '../../patcher/report.js';
import type { StatusReport } from '../../patcher/status.js';

const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 15_000;

/** Children still running; killed by killChildren() on any exit path. */
const children = new Set<ChildProcess>();

export function track(child: ChildProcess): void {
  children.add(child);
  child.once('exit', () => children.delete(child));
}

function killChildren(): void {
  for (const c of children) c.kill('SIGKILL');
  children.clear();
}

/**
 * Kill our children on process exit and on SIGINT/SIGTERM while `body`
 * runs (finally blocks do not run when a signal ends the process).
 */
export async function withChildrenKilled<T>(body: () => Promise<T>): Promise<T> {
  const onSignal = (signal: NodeJS.Signals): void => {
    killChildren();
    process.stderr.write(`bench: ${signal}: servers and clients killed\n`);
    process.exit(128 + os.constants.signals[signal]);
  };
  process.on('exit', killChildren);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await body();
  } finally {
    killChildren();
    process.off('exit', killChildren);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

export interface PatchResult {
  report: PatchReport;
  /** Control round trip seen by the client: connect, send, the whole patch, answer. */
  roundTripMs: number;
}

export interface KvServer {
  name: string;
  port: number;
  pid: number;
  socket: string;
  /** Resident set size of the dsu host process now, KiB. */
  rssKiB(): number;
  /** User + system CPU time of the dsu host process so far (all its threads), ms. */
  cpuMs(): number;
  patch(file: string, timeoutMs?: number): Promise<PatchResult>;
  status(): Promise<StatusReport>;
  /** SIGTERM, wait for the exit summary; SIGKILL after a timeout. Returns kvstore's last stdout line. */
  stop(): Promise<string>;
}

function rssKiB(pid: number): number {
  try {
    const m = /^VmRSS:\s+(\d+) kB$/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : NaN;
  } catch {
    return NaN;
  }
}

const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

function cpuMs(pid: number): number {
  try {
    // fields after the parenthesised command name; utime and stime are fields 14 and 15
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return NaN;
  }
}

export async function startKvstore(program: string, name: string): Promise<KvServer> {
  if (!fs.existsSync(program)) throw new BenchFailure(`${path.relative(REPO, program)} is missing: make -C c-samples`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dsu-bench-patching-'));
  const socket = path.join(dir, 'control.sock');
  const child = spawn(process.execPath, [DSU_CLI, 'run', '--control', socket, program, '-p', '0'], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  track(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 + os.constants.signals[signal] : null))));
  const cleanup = (): void => fs.rmSync(dir, { recursive: true, force: true });
  const describe = (): string => `${name} (${path.relative(REPO, program)} under dsu)`;
  const tail = (): string => `\nstdout: ${out.trim().split('\n').slice(-5).join('\n')}\nstderr: ${err.trim().split('\n').slice(-10).join('\n')}`;

  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new BenchFailure(`${describe()} printed no "listening" line within ${START_TIMEOUT_MS} ms${tail()}`)), START_TIMEOUT_MS);
    const look = (): void => {
      const m = /kvstore listening on port (\d+)/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      child.stdout!.off('data', look);
      resolve(Number(m[1]));
    };
    child.stdout!.on('data', look);
    void exited.then((status) => {
      clearTimeout(timer);
      reject(new BenchFailure(`${describe()} exited with status ${status} before listening${tail()}`));
    });
  }).catch((e) => {
    child.kill('SIGKILL');
    cleanup();
    throw e;
  });

  let stopped = false;
  return {
    name,
    port,
    pid: child.pid!,
    socket,
    rssKiB: () => rssKiB(child.pid!),
    cpuMs: () => cpuMs(child.pid!),
    async patch(file, timeoutMs = 5000) {
      const t0 = performance.now();
      try {
        const report = await callControl(socket, 'patch', { path: file, timeoutMs }, timeoutMs + 30_000);
        return { report, roundTripMs: performance.now() - t0 };
      } catch (e) {
        throw new BenchFailure(`${describe()}: patch ${path.basename(file)} failed: ${(e as Error).message}${child.exitCode !== null ? tail() : ''}`);
      }
    },
    async status() {
      return await callControl(socket, 'status', {}, 30_000);
    },
    async stop() {
      if (stopped) return '';
      stopped = true;
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      const status = await exited;
      clearTimeout(timer);
      cleanup();
      const last = out.trim().split('\n').pop() ?? '';
      if (status !== 0) throw new BenchFailure(`${describe()} exited with status ${status} when stopped${tail()}`);
      return last;
    },
  };
}
