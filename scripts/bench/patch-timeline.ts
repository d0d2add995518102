// Throughput and latency over time through a stream of patches (issue 15):
// a fresh kvstore under dsu, CLIENTS connections each sending SET and GET
// one at a time (closed loop), every reply timed; QUIET_MS without
// patches, then a patch every STREAM_INTERVAL_MS for STREAM_MS, then
// QUIET_MS again. Replies are counted in buckets (requests per second) with
// their p99 latency; the patches carry their report's pause and stall. The
// stream's requests per second against the quiet parts' is the target
// (>= 95 %); the data also makes the group's HTML picture.
import { BenchFailure } from './matrix.js';
import { RespClient } from './patch-resp.js';
import { startKvstore } from './patch-server.js';
import type { Timeline, TimelineBucket, TimelinePatch } from './timeline-html.js';

const CLIENTS = 8;
const BUCKET_MS = 100;
const QUIET_MS = 2000;
const STREAM_MS = 3000;
const STREAM_INTERVAL_MS = 100;

export interface TimelineRun extends Timeline {
  /** Requests per second while patches streamed, and in the quiet parts before and after. */
  streamRps: number;
  quietRps: number;
  failures: string[];
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.max(0, Math.ceil(p * s.length) - 1)];
}

export async function patchTimeline(program: string, patchFile: string, title: string): Promise<TimelineRun> {
  const server = await startKvstore(program, 'timeline');
  const done: { at: number; latency: number }[] = [];
  const patches: TimelinePatch[] = [];
  const failures: string[] = [];
  let stop = false;
  let clientFailure: Error | null = null;
  try {
    const clients = await Promise.all(Array.from({ length: CLIENTS }, () => RespClient.connect(server.port)));
    const t0 = performance.now();
    const loops = clients.map(async (c, i) => {
      for (let k = 0; !stop; k++) {
        const key = `timeline:${i}:${k % 64}`;
        const start = performance.now();
        const r = k % 2 === 0 ? await c.call('SET', key, String(k)) : await c.call('GET', key);
        if (k % 2 === 0 && r !== 'OK') throw new BenchFailure(`SET answered ${JSON.stringify(r)} during the patch stream`);
        const end = performance.now();
        done.push({ at: end - t0, latency: end - start });
      }
    });
    const watched = Promise.all(loops).catch((e: Error) => {
      clientFailure = e;
    });
    const sleepUntil = async (ms: number): Promise<void> => {
      while (performance.now() - t0 < ms && !clientFailure) await new Promise((r) => setTimeout(r, Math.min(10, ms - (performance.now() - t0))));
    };
    await sleepUntil(QUIET_MS);
    for (let k = 0; QUIET_MS + k * STREAM_INTERVAL_MS < QUIET_MS + STREAM_MS && !clientFailure; k++) {
      await sleepUntil(QUIET_MS + k * STREAM_INTERVAL_MS);
      const at = performance.now() - t0;
      try {
        const { report } = await server.patch(patchFile);
        patches.push({ atMs: at, pauseMs: report.pauseMs, stallMs: report.guestStall.longestMs });
      } catch (e) {
        failures.push((e as Error).message);
      }
    }
    await sleepUntil(QUIET_MS + STREAM_MS + QUIET_MS);
    stop = true;
    await watched;
    for (const c of clients) c.close();
    if (clientFailure) throw clientFailure;
  } finally {
    stop = true;
    await server.stop().catch(() => {});
  }
  const end = QUIET_MS + STREAM_MS + QUIET_MS;
  const buckets: TimelineBucket[] = [];
  for (let at = 0; at + BUCKET_MS <= end; at += BUCKET_MS) {
    const inBucket = done.filter((d) => d.at >= at && d.at < at + BUCKET_MS);
    buckets.push({ atMs: at, requestsPerSecond: (inBucket.length * 1000) / BUCKET_MS, p99Ms: percentile(inBucket.map((d) => d.latency), 0.99) });
  }
  const rate = (from: number, to: number): number => (done.filter((d) => d.at >= from && d.at < to).length * 1000) / (to - from);
  // the first second is the clients' warm-up
  const quietRps = (rate(1000, QUIET_MS) * (QUIET_MS - 1000) + rate(QUIET_MS + STREAM_MS, end) * QUIET_MS) / (QUIET_MS - 1000 + QUIET_MS);
  return { title, bucketMs: BUCKET_MS, buckets, patches, streamRps: rate(QUIET_MS, QUIET_MS + STREAM_MS), quietRps, failures };
}
