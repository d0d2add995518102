// The load generators the servers group drives, and what it reads from
// their output: redis-benchmark (redis-tools) for kvstore, wrk for httpd.
// Also a one-request check of each server, so that a server answering
// errors quickly cannot pass for a fast one.
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { BenchFailure } from './matrix.js';
import { execute, Execution } from './process-timer.js';

/** One run of a load generator. */
export interface Load {
  /** Requests per second, as the client reports it. */
  rps: number;
  p50Ms: number;
  p99Ms: number;
  /** Requests completed. */
  requests: number;
  /** Wall time of the client process. */
  wallMs: number;
  /** CPU time of the client process (user + system). */
  clientCpuMs: number;
  /** Connect/read/write errors and timeouts the client counted (wrk). */
  socketErrors: number;
}

const CLIENT_TIMEOUT_MS = 600_000;

/** Throws a BenchFailure naming the Debian package when `cmd` is not on PATH. */
export function requireTool(cmd: string, debianPackage: string): void {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    try {
      fs.accessSync(path.join(dir, cmd), fs.constants.X_OK);
      return;
    } catch {
      // not in this directory
    }
  }
  throw new BenchFailure(`${cmd} not found on PATH: install the Debian package ${debianPackage} (scripts/setup.sh does)`);
}

function lastLine(text: string): string {
  const lines = text.trim().split('\n').filter((l) => l.length > 0);
  return lines.length ? lines[lines.length - 1] : '';
}

async function runClient(cmd: string, argv: string[]): Promise<Execution> {
  const r = await execute(cmd, argv, CLIENT_TIMEOUT_MS);
  if (r.status !== 0) throw new BenchFailure(`${cmd} ${argv.join(' ')} failed with exit status ${r.status}: ${lastLine(r.stderr) || lastLine(r.stdout)}`);
  return r;
}

export interface RedisBenchmarkOptions {
  port: number;
  /** redis-benchmark's -t: "set" or "get". */
  test: 'set' | 'get';
  requests: number;
  clients: number;
  pipeline: number;
}

/**
 * Parses `redis-benchmark --csv` (7.x): a header line
 * "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms",...
 * then one line per test.
 */
function parseRedisCsv(stdout: string): Map<string, Record<string, number>> {
  const rows = stdout.trim().split('\n').map((l) => l.trim()).filter((l) => l.startsWith('"'));
  const cells = (l: string): string[] => l.split(',').map((c) => c.replace(/^"|"$/g, ''));
  const out = new Map<string, Record<string, number>>();
  if (rows.length < 2) return out;
  const header = cells(rows[0]);
  for (const r of rows.slice(1)) {
    const c = cells(r);
    const rec: Record<string, number> = {};
    header.forEach((h, i) => {
      if (i > 0) rec[h] = Number(c[i]);
    });
    out.set(c[0], rec);
  }
  return out;
}

export async function redisBenchmark(o: RedisBenchmarkOptions): Promise<Load> {
  const argv = ['-h', '127.0.0.1', '-p', String(o.port), '-c', String(o.clients), '-n', String(o.requests), '-P', String(o.pipeline), '-t', o.test, '--csv'];
  const r = await runClient('redis-benchmark', argv);
  // redis-benchmark reports error replies on stderr and still exits 0
  if (/error/i.test(r.stderr)) throw new BenchFailure(`redis-benchmark ${argv.join(' ')}: ${lastLine(r.stderr)}`);
  const row = parseRedisCsv(r.stdout).get(o.test.toUpperCase());
  if (!row || !(row.rps > 0) || !Number.isFinite(row.p50_latency_ms) || !Number.isFinite(row.p99_latency_ms)) {
    throw new BenchFailure(`redis-benchmark ${argv.join(' ')} printed no ${o.test.toUpperCase()} row with rps, p50 and p99: ${JSON.stringify(r.stdout.slice(0, 300))}`);
  }
  return { rps: row.rps, p50Ms: row.p50_latency_ms, p99Ms: row.p99_latency_ms, requests: o.requests, wallMs: r.wallMs, clientCpuMs: r.cpuMs, socketErrors: 0 };
}

export interface WrkOptions {
  url: string;
  seconds: number;
  connections: number;
  threads: number;
}

const UNIT_MS: Record<string, number> = { us: 1e-3, ms: 1, s: 1000, m: 60_000 };

/** "475.00us", "5.14ms", "1.02s" in milliseconds. */
function wrkDuration(text: string): number {
  const m = /^([\d.]+)(us|ms|s|m)$/.exec(text);
  return m ? Number(m[1]) * UNIT_MS[m[2]] : NaN;
}

/** What `wrk --latency` prints: requests, Requests/sec, the latency distribution, errors. */
function parseWrk(stdout: string): { rps: number; p50Ms: number; p99Ms: number; requests: number; non2xx: number; socketErrors: number } {
  const num = (re: RegExp): number => {
    const m = re.exec(stdout);
    return m ? Number(m[1]) : NaN;
  };
  const pct = (p: number): number => {
    const m = new RegExp(`^\\s*${p}%\\s+(\\S+)`, 'm').exec(stdout);
    return m ? wrkDuration(m[1]) : NaN;
  };
  const errors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(stdout);
  return {
    rps: num(/^Requests\/sec:\s+([\d.]+)/m),
    requests: num(/^\s*(\d+) requests in /m),
    p50Ms: pct(50),
    p99Ms: pct(99),
    non2xx: Number.isFinite(num(/Non-2xx or 3xx responses: (\d+)/)) ? num(/Non-2xx or 3xx responses: (\d+)/) : 0,
    socketErrors: errors ? errors.slice(1).reduce((s, v) => s + Number(v), 0) : 0,
  };
}

export async function wrk(o: WrkOptions): Promise<Load> {
  const argv = [`-t${o.threads}`, `-c${o.connections}`, `-d${o.seconds}s`, '--latency', o.url];
  const r = await runClient('wrk', argv);
  const w = parseWrk(r.stdout);
  if (!(w.rps > 0) || !(w.requests > 0) || !Number.isFinite(w.p50Ms) || !Number.isFinite(w.p99Ms)) {
    throw new BenchFailure(`wrk ${argv.join(' ')}: no requests/sec or latency distribution in ${JSON.stringify(r.stdout.slice(0, 400))}`);
  }
  if (w.non2xx > 0) throw new BenchFailure(`wrk ${argv.join(' ')}: ${w.non2xx} responses were not 2xx/3xx`);
  return { rps: w.rps, p50Ms: w.p50Ms, p99Ms: w.p99Ms, requests: w.requests, wallMs: r.wallMs, clientCpuMs: r.cpuMs, socketErrors: w.socketErrors };
}

const CHECK_TIMEOUT_MS = 10_000;

/** SET then GET a key over one connection; the server must answer +OK and the value. */
export function checkKvstore(port: number, label: string): Promise<void> {
  const request = '*3\r\n$3\r\nSET\r\n$11\r\nbench:check\r\n$5\r\nhello\r\n*2\r\n$3\r\nGET\r\n$11\r\nbench:check\r\n';
  const expected = '+OK\r\n$5\r\nhello\r\n';
  return new Promise((resolve, reject) => {
    let got = '';
    const sock = net.connect(port, '127.0.0.1', () => sock.write(request));
    const timer = setTimeout(() => fail('no answer'), CHECK_TIMEOUT_MS);
    function fail(why: string): void {
      clearTimeout(timer);
      sock.destroy();
      reject(new BenchFailure(`${label}: kvstore check (SET, GET) failed: ${why}; got ${JSON.stringify(got)}`));
    }
    sock.on('data', (d) => {
      got += d.toString();
      if (got.length < expected.length) return;
      clearTimeout(timer);
      sock.destroy();
      if (got === expected) resolve();
      else fail('unexpected reply');
    });
    sock.on('error', (e) => fail(e.message));
  });
}

/** GET a path; the server must answer 200 with exactly `body`. */
export function checkHttpd(port: number, urlPath: string, body: string | null, label: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: urlPath, timeout: CHECK_TIMEOUT_MS, agent: false }, (res) => {
      let got = '';
      res.on('data', (d: Buffer) => (got += d.toString()));
      res.on('end', () => {
        if (res.statusCode === 200 && (body === null || got === body)) resolve();
        else reject(new BenchFailure(`${label}: GET ${urlPath} answered ${res.statusCode} with ${got.length} bytes (expected 200${body === null ? '' : ` and ${body.length} bytes`})`));
      });
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', (e) => reject(new BenchFailure(`${label}: GET ${urlPath} failed: ${e.message}`)));
  });
}
