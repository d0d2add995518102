// Load that keeps running while a patch is applied: a client benchmark run
// again and again until the test asks it to finish, each run's output
// parsed into the figures a test asserts on (errors, failed requests).
import { expect } from 'vitest';
import { exec, Exit, sleep } from './servers.js';

/** Runs `run` back to back from construction until finish() (or abort()). */
export class ClientLoop<T> {
  readonly results: T[] = [];
  private started = 0;
  private stopAt = Infinity;
  private readonly done: Promise<void>;

  constructor(run: () => Promise<T>) {
    this.done = (async () => {
      while (this.started < this.stopAt) {
        this.started++;
        this.results.push(await run());
      }
    })();
    this.done.catch(() => {});
  }

  /** Lets the run in progress complete, then `more` further complete runs; returns every run's result. */
  async finish(more = 1): Promise<T[]> {
    this.stopAt = this.started + more;
    await this.done;
    return this.results;
  }

  /** Stops after the run in progress (for cleanup; errors ignored). */
  async abort(): Promise<void> {
    this.stopAt = 0;
    await this.done.catch(() => {});
  }
}

/** Polls `count` until it exceeds its first value by `delta`: the load is really reaching the server. */
export async function untilCountGrows(count: () => Promise<number>, delta: number, timeoutMs = 120_000): Promise<void> {
  const base = await count();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const now = await count();
    if (now >= base + delta) return;
    if (Date.now() > deadline) throw new Error(`load did not reach the server: count went from ${base} to ${now} in ${timeoutMs} ms`);
    await sleep(50);
  }
}

export interface BenchRun {
  exit: Exit;
  /** test name -> requests per second, from --csv */
  rows: Map<string, number>;
}

export const BENCH_REQUESTS = 20_000;
const BENCH_TESTS = ['SET', 'GET', 'INCR'];

/**
 * One redis-benchmark run of SET, GET and INCR with 50 connections, keys
 * drawn from key:/counter: plus 12 digits (-r), never the tests' own keys.
 */
export async function redisBenchmark(port: number): Promise<BenchRun> {
  const exit = await exec('redis-benchmark', [
    '-p', String(port), '-t', 'set,get,incr', '-n', String(BENCH_REQUESTS), '-c', '50', '-P', '1', '-r', '10000', '--csv',
  ], 600_000);
  const rows = new Map<string, number>();
  for (const line of exit.stdout.trim().split('\n').slice(1)) {
    const fields = line.split(',').map((f) => f.replace(/"/g, ''));
    rows.set(fields[0], Number(fields[1]));
  }
  return { exit, rows };
}

/** Exit 0, nothing on stderr (redis-benchmark reports errors and dropped connections there), every test ran. */
export function expectCleanBenchmark(r: BenchRun): void {
  expect(r.exit.stderr, r.exit.stdout).toBe('');
  expect(r.exit.status).toBe(0);
  expect([...r.rows.keys()]).toEqual(BENCH_TESTS);
  for (const rps of r.rows.values()) expect(rps).toBeGreaterThan(0);
}

export interface AbRun {
  exit: Exit;
  complete: number;
  failed: number;
  keepAlive: number;
  non2xx: number;
}

const AB_REQUESTS = 2_000;

/** One `ab -k` run of AB_REQUESTS requests for `target` with 20 connections. */
export async function abRun(port: number, target: string): Promise<AbRun> {
  const exit = await exec('ab', ['-k', '-n', String(AB_REQUESTS), '-c', '20', `http://127.0.0.1:${port}${target}`], 600_000);
  const figure = (label: string): number => {
    const m = new RegExp(`^${label}:\\s+(\\d+)`, 'm').exec(exit.stdout);
    return m ? Number(m[1]) : -1;
  };
  return {
    exit,
    complete: figure('Complete requests'),
    failed: figure('Failed requests'),
    keepAlive: figure('Keep-Alive requests'),
    // ab prints this line only when there were some
    non2xx: Math.max(0, figure('Non-2xx responses')),
  };
}

export function expectCleanAb(r: AbRun): void {
  expect(r.exit.status, r.exit.stderr).toBe(0);
  expect(r.complete, r.exit.stdout).toBe(AB_REQUESTS);
  expect(r.failed, r.exit.stdout).toBe(0);
  expect(r.non2xx, r.exit.stdout).toBe(0);
  expect(r.keepAlive, r.exit.stdout).toBe(AB_REQUESTS);
}
