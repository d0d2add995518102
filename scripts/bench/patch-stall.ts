// What a client sees of a patch: one connection sends PING after PING (one
// outstanding at a time) while patches are applied, and the longest gap
// between two replies that overlaps a patch is how long the server stopped
// answering. The dsu host runs the guest and the patcher on one thread, so
// this includes every synchronous stretch of patcher work (planning,
// linking, the pause, releasing old patches), not only the reported pause.
import { BenchFailure } from './matrix.js';
import { RespClient } from './patch-resp.js';
import type { PatchResult } from './patch-server.js';

export interface StallSample {
  pauseMs: number;
  /** The report's longest stretch the program could not run (its pause included). */
  reportedStallMs: number;
  loadMs: number;
  totalMs: number;
  roundTripMs: number;
  /** Longest gap between PING replies overlapping the patch's control call. */
  stallMs: number;
  /** The same, over a window as long, between patches (no patch in flight). */
  baselineMs: number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Longest gap between consecutive reply times that overlaps [from, to]. */
function longestGap(replies: readonly number[], from: number, to: number): number {
  let worst = 0;
  for (let j = 1; j < replies.length; j++) {
    if (replies[j] > from && replies[j - 1] < to) worst = Math.max(worst, replies[j] - replies[j - 1]);
  }
  return worst;
}

export async function stallProbe(port: number, patch: () => Promise<PatchResult>, count: number, gapMs: number): Promise<StallSample[]> {
  const client = await RespClient.connect(port);
  const replies: number[] = [];
  let stop = false;
  let failure: Error | null = null;
  const pinger = (async () => {
    while (!stop) {
      const r = await client.call('PING');
      if (r !== 'PONG') throw new BenchFailure(`PING answered ${JSON.stringify(r)} while patching`);
      replies.push(performance.now());
    }
  })().catch((e: Error) => {
    failure = e;
  });
  const windows: { from: number; to: number; result: PatchResult }[] = [];
  try {
    await sleep(gapMs);
    for (let i = 0; i < count && !failure; i++) {
      const from = performance.now();
      const result = await patch();
      windows.push({ from, to: performance.now(), result });
      await sleep(gapMs);
    }
  } finally {
    stop = true;
    await pinger;
    client.close();
  }
  if (failure) throw failure;
  return windows.map(({ from, to, result }) => {
    // a window as long, in the quiet time after the patch (gapMs is longer than any patch here)
    const quietFrom = to + (gapMs - (to - from)) / 2;
    return {
      pauseMs: result.report.pauseMs,
      reportedStallMs: result.report.guestStall.longestMs,
      loadMs: result.report.loadMs,
      totalMs: result.report.totalMs,
      roundTripMs: result.roundTripMs,
      stallMs: longestGap(replies, from, to),
      baselineMs: to - from < gapMs ? longestGap(replies, quietFrom, quietFrom + (to - from)) : NaN,
    };
  });
}
