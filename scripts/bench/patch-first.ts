// The stall of a process's first patch (issue 15), which reads what later
// patches find cached: on fresh kvstore servers, one client sends PING
// after PING (patch-stall.ts) over the first patch and a few later ones;
// and on the httpd sample under wrk, the longest request latency of a run
// during which the first patch is applied, against a run without one.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { BenchFailure } from './matrix.js';
import { startKvstore, track } from './patch-server.js';
import { stallProbe } from './patch-stall.js';
import { execute } from './process-timer.js';
import { DSU_CLI, SAMPLES } from './paths.js';
import { callControl } from '../../control/client.js';

export interface FirstPatchSample {
  /** 1 for the server's first patch. */
  index: number;
  /** Longest gap between PING replies overlapping the patch. */
  probeStallMs: number;
  pauseMs: number;
  /** The report's longest stretch the program could not run. */
  reportedStallMs: number;
  totalMs: number;
}

const SERVERS = 3;
const LATER = 4;
const GAP_MS = 300;
/** A server runs a while before its first patch; in this time dsu reads ahead what patching needs (Patcher.warmUp). */
export const SETTLE_MS = 3000;

export async function firstPatchStalls(program: string, patchFile: string, progress: (m: string) => void): Promise<FirstPatchSample[]> {
  const out: FirstPatchSample[] = [];
  for (let s = 0; s < SERVERS; s++) {
    progress(`patching: first-patch stall, fresh server ${s + 1}/${SERVERS}`);
    const server = await startKvstore(program, `first-patch ${s + 1}`);
    try {
      await new Promise((r) => setTimeout(r, SETTLE_MS));
      const samples = await stallProbe(server.port, () => server.patch(patchFile), 1 + LATER, GAP_MS);
      samples.forEach((x, i) => out.push({ index: i + 1, probeStallMs: x.stallMs, pauseMs: x.pauseMs, reportedStallMs: x.reportedStallMs, totalMs: x.totalMs }));
    } finally {
      await server.stop().catch(() => {});
    }
  }
  return out;
}

export interface WrkRun {
  patched: boolean;
  requestsPerSecond: number;
  maxLatencyMs: number;
  pauseMs: number;
  reportedStallMs: number;
}

const WRK_SECONDS = 4;
const PATCH_AFTER_MS = 1500;

function latencyMs(text: string): number {
  const m = /^([\d.]+)(us|ms|s)$/.exec(text);
  if (!m) return NaN;
  return Number(m[1]) * (m[2] === 'us' ? 0.001 : m[2] === 's' ? 1000 : 1);
}

/** httpd v1 under dsu on a small site, wrk for WRK_SECONDS; with `patchFile`, the first patch PATCH_AFTER_MS in. */
export async function httpdUnderWrk(patchFile: string | null): Promise<WrkRun> {
  const site = fs.mkdtempSync(path.join(os.tmpdir(), 'dsu-bench-www-'));
  fs.writeFileSync(path.join(site, 'index.html'), '<!doctype html><title>bench</title>\n');
  const sock = path.join(site, 'control.sock');
  const child = spawn(process.execPath, [DSU_CLI, 'run', '--control', sock, path.join(SAMPLES, 'httpd', 'httpd-v1'), '-p', '0', '-d', site], { stdio: ['ignore', 'pipe', 'pipe'] });
  track(child);
  try {
    const port = await new Promise<number>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new BenchFailure(`httpd under dsu printed no "listening" line: ${out}`)), 30_000);
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /httpd listening on port (\d+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      });
      child.once('exit', (code) => reject(new BenchFailure(`httpd under dsu exited ${code} before listening`)));
    });
    const wrk = execute('wrk', ['-t1', '-c8', `-d${WRK_SECONDS}s`, `http://127.0.0.1:${port}/index.html`], (WRK_SECONDS + 30) * 1000);
    let pauseMs = NaN;
    let reportedStallMs = NaN;
    if (patchFile) {
      await new Promise((r) => setTimeout(r, PATCH_AFTER_MS));
      const report = await callControl(sock, 'patch', { path: patchFile, timeoutMs: 5000 }, 60_000);
      pauseMs = report.pauseMs;
      reportedStallMs = report.guestStall.longestMs;
    }
    const r = await wrk;
    if (r.status !== 0) throw new BenchFailure(`wrk exited ${r.status}: ${r.stderr.trim()}`);
    const lat = /Latency\s+\S+\s+\S+\s+(\S+)/.exec(r.stdout);
    const rps = /Requests\/sec:\s+([\d.]+)/.exec(r.stdout);
    if (/Non-2xx|Socket errors/.test(r.stdout)) throw new BenchFailure(`wrk saw errors while httpd was ${patchFile ? 'patched' : 'running'}: ${r.stdout}`);
    return { patched: patchFile !== null, requestsPerSecond: Number(rps?.[1] ?? NaN), maxLatencyMs: latencyMs(lat?.[1] ?? ''), pauseMs, reportedStallMs };
  } finally {
    child.kill('SIGTERM');
    fs.rmSync(site, { recursive: true, force: true });
  }
}

export function wrkUnavailable(): string | null {
  return spawnSync('wrk', ['--version']).error ? 'wrk not found (Debian package wrk; scripts/setup.sh installs it)' : null;
}
