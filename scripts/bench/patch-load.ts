// redis-benchmark as the `patching` group's load: GET and SET, 50 clients,
// no pipelining, requests per test fixed; requests per second read from
// its --csv output. A run that reports an error or misses a test fails the
// benchmark: a patched server that drops requests must not look fast.
import { spawn, spawnSync } from 'node:child_process';
import { BenchFailure } from './matrix.js';
import { track } from './patch-server.js';

export interface LoadOptions {
  requests: number;
  clients: number;
  pipeline: number;
}

export interface LoadResult {
  /** Requests per second by test name ("SET", "GET"). */
  rps: Record<string, number>;
  wallMs: number;
}

export const TESTS = ['SET', 'GET'];

export function loadUnavailable(): string | null {
  const r = spawnSync('redis-benchmark', ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? null : 'redis-benchmark not found (Debian package redis-tools)';
}

export function describeLoad(o: LoadOptions): string {
  return `redis-benchmark -t ${TESTS.join(',').toLowerCase()} -n ${o.requests} -c ${o.clients} -P ${o.pipeline}`;
}

export function runLoad(port: number, o: LoadOptions, timeoutMs = 600_000): Promise<LoadResult> {
  const args = ['-h', '127.0.0.1', '-p', String(port), '-t', TESTS.join(',').toLowerCase(), '-n', String(o.requests), '-c', String(o.clients), '-P', String(o.pipeline), '--csv'];
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn('redis-benchmark', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    track(child);
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new BenchFailure(`cannot run redis-benchmark: ${e.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const wallMs = performance.now() - t0;
      const what = `redis-benchmark on port ${port}`;
      if (code !== 0) return reject(new BenchFailure(`${what} exited with ${code ?? `signal ${signal}`}${signal === 'SIGKILL' ? ` (killed after ${timeoutMs} ms)` : ''}: ${err.trim() || out.trim()}`));
      if (/error/i.test(err) || /error/i.test(out)) return reject(new BenchFailure(`${what} reported an error: ${(err + out).trim().split('\n').find((l) => /error/i.test(l))}`));
      const rps: Record<string, number> = {};
      for (const line of out.trim().split('\n').slice(1)) {
        const f = line.split(',').map((x) => x.replace(/"/g, ''));
        rps[f[0]] = Number(f[1]);
      }
      const missing = TESTS.filter((t) => !(rps[t] > 0));
      if (missing.length > 0) return reject(new BenchFailure(`${what}: no figure for ${missing.join(', ')} in its output: ${out.trim()}`));
      resolve({ rps, wallMs });
    });
  });
}

