// The "patching" group: what a live update costs a running kvstore v1.
//
//   pause    one fresh server per patch size (1, 10 and 50 replaced
//            functions, c-samples/bench-patches): 100 patches in a row
//            through the control socket, the guest idle; every report's
//            pause, load, wait and total; the dsu host's RSS after 0, 10
//            and 100 patches; `dsu patch` run as a command a few times;
//            then 20 more while one client sends PING after PING, to see
//            how long the server stops answering (patch-stall.ts).
//   load     a control server that is never patched plus one server per
//            size, measured in interleaved rounds with redis-benchmark
//            (GET and SET, 50 clients, -P 1): before any patch and after
//            10 patches; then, on fresh servers patched 10 times, while a
//            patch arrives every 100 ms (those patches give the time to
//            live when the guest is busy).
//
// Every patched server must still answer a fixed conversation exactly,
// with keys and counters from before the patches intact, and shut down
// cleanly; every patch must replace exactly its number of functions.
import fs from 'node:fs';
import path from 'node:path';
import { BenchContext, BenchGroup, GroupReport } from './group.js';
import { BenchFailure } from './matrix.js';
import { DSU_CLI, RESULTS_DIR, SAMPLES } from './paths.js';
import { firstPatchStalls, httpdUnderWrk, WrkRun, wrkUnavailable } from './patch-first.js';
import { patchTimeline } from './patch-timeline.js';
import { timelineHtml } from './timeline-html.js';
import { stamp } from './results.js';
import type { StallFigures } from './patch-stall-report.js';
import { execute } from './process-timer.js';
import { checkKvstore } from './patch-check.js';
import { describeLoad, loadUnavailable, LoadOptions, runLoad, TESTS } from './patch-load.js';
import { KvServer, PatchResult, startKvstore, withChildrenKilled } from './patch-server.js';
import { stallProbe } from './patch-stall.js';
import { patchingReport, PatchSample, PauseRun, LoadRound, LoadRun, SIZES, Size, StreamServer } from './patching-report.js';
import type { PatchReport } from '../../patcher/report.js';

const PROGRAM = path.join(SAMPLES, 'kvstore', 'kvstore-v1');
const PATCHES = 100;
const RSS_AFTER = [10, 100];
const PATCHES_BEFORE_AFTER = 10;
const STREAM_INTERVAL_MS = 100;
const CLI_RUNS = 5;
const STALL_PATCHES = 20;
const STALL_GAP_MS = 250;
const REQUESTS = 100_000;

const HTTPD_PATCH = path.join(SAMPLES, 'patches', 'httpd-v1-v2.so');
const WRK_ROUNDS = 3;

const patchFile = (size: Size): string => path.join(SAMPLES, 'bench-patches', `kvstore-v1-fn${size}.so`);

function sample(r: PatchReport, roundTripMs: number, index: number): PatchSample {
  return {
    index,
    pauseMs: r.pauseMs,
    checkMs: r.pausePhases?.checkMs ?? NaN,
    redirectMs: r.pausePhases?.redirectMs ?? NaN,
    waitedMs: r.waitedMs,
    loadMs: r.loadMs,
    typeChecksMs: r.checksMs ?? NaN,
    totalMs: r.totalMs,
    roundTripMs,
    safePoint: r.safePoint,
    replaced: r.replaced.length,
    coldParts: r.replaced.filter((f) => f.redirected.length === 0).length,
    jumps: r.replaced.reduce((n, f) => n + f.redirected.length, 0),
    gotSlots: r.replaced.reduce((n, f) => n + f.gotSlots, 0),
    carried: r.carried.length,
    warnings: r.warnings ?? [],
  };
}

/** Applies the size's patch and checks it replaced exactly that many functions. */
async function patchChecked(server: KvServer, size: Size): Promise<PatchResult> {
  const result = await server.patch(patchFile(size));
  const { replaced } = result.report;
  if (replaced.length !== size) {
    throw new BenchFailure(`${server.name}: ${path.basename(patchFile(size))} replaced ${replaced.length} functions, expected ${size}: ${replaced.map((f) => f.function).join(', ')}`);
  }
  return result;
}

async function patchOnce(server: KvServer, size: Size, index: number): Promise<PatchSample> {
  const { report, roundTripMs } = await patchChecked(server, size);
  return sample(report, roundTripMs, index);
}

/** Every replaced function must be live in the newest patch. */
async function checkLive(server: KvServer, size: Size): Promise<void> {
  const status = await server.status();
  const newest = status.patches[status.patches.length - 1]?.id;
  const stale = status.functions.filter((f) => !f.live.startsWith(`patch #${newest} `));
  if (status.functions.length !== size || stale.length > 0) {
    throw new BenchFailure(`${server.name}: after ${status.patches.length} patches, ${status.functions.length} functions are replaced (expected ${size})` +
      (stale.length ? `; not live in patch #${newest}: ${stale.map((f) => `${f.function} (${f.live})`).join(', ')}` : ''));
  }
}

async function stopChecked(server: KvServer): Promise<void> {
  const last = await server.stop();
  if (!/^kvstore: shutting down after \d+ commands on \d+ connections, \d+ keys$/.test(last)) {
    throw new BenchFailure(`${server.name}: no exit summary after SIGTERM; last line: ${JSON.stringify(last)}`);
  }
}

/** `dsu patch --control SOCK --json PATCH`, as a person would run it: whole command, wall time. */
async function cliPatch(server: KvServer, size: Size): Promise<{ wallMs: number; totalMs: number }> {
  const r = await execute(process.execPath, [DSU_CLI, 'patch', '--control', server.socket, '--json', patchFile(size)], 60_000);
  if (r.status !== 0) throw new BenchFailure(`${server.name}: dsu patch exited ${r.status}: ${r.stderr.trim()}`);
  const report = JSON.parse(r.stdout) as PatchReport;
  if (report.replaced.length !== size) throw new BenchFailure(`${server.name}: dsu patch replaced ${report.replaced.length} functions, expected ${size}`);
  return { wallMs: r.wallMs, totalMs: report.totalMs };
}

async function pauseRun(ctx: BenchContext, size: Size): Promise<PauseRun> {
  const server = await startKvstore(PROGRAM, `kvstore fn${size}`);
  try {
    await checkKvstore(server.port, 'before', [], `${server.name} before patching`);
    const rss: Record<number, number> = { 0: server.rssKiB() };
    const patches: PatchSample[] = [];
    ctx.progress(`patching: ${PATCHES} patches of ${size} function(s), guest idle`);
    for (let i = 1; i <= PATCHES; i++) {
      patches.push(await patchOnce(server, size, i));
      if (RSS_AFTER.includes(i)) rss[i] = server.rssKiB();
    }
    await checkLive(server, size);
    await checkKvstore(server.port, 'after', ['before'], `${server.name} after ${PATCHES} patches`);
    const cli = [];
    for (let i = 0; i < CLI_RUNS; i++) cli.push(await cliPatch(server, size));
    await checkKvstore(server.port, 'cli', ['before', 'after'], `${server.name} after the dsu patch commands`);
    ctx.progress(`patching: ${STALL_PATCHES} more, one client sending PING after PING`);
    const stall = await stallProbe(server.port, () => patchChecked(server, size), STALL_PATCHES, STALL_GAP_MS);
    await checkKvstore(server.port, 'stall', ['before', 'after', 'cli'], `${server.name} after the PING probe`);
    await stopChecked(server);
    return { size, patches, rssKiB: rss, cli, stall };
  } finally {
    await server.stop().catch(() => {});
  }
}

/**
 * One redis-benchmark run; with `streamSize`, patches of that size are
 * applied every STREAM_INTERVAL_MS (one at a time) until the run ends.
 */
async function loadRun(server: KvServer, load: LoadOptions, streamSize: Size | null, indexFrom: number): Promise<LoadRun> {
  const cpuBefore = server.cpuMs();
  const running = runLoad(server.port, load);
  const patches: PatchSample[] = [];
  const failures: string[] = [];
  if (streamSize !== null) {
    let finished = false;
    void running.then(() => (finished = true), () => (finished = true));
    const start = performance.now();
    for (let k = 1; !finished; k++) {
      try {
        patches.push(await patchOnce(server, streamSize, indexFrom + patches.length + failures.length + 1));
      } catch (e) {
        failures.push((e as Error).message);
      }
      const next = start + k * STREAM_INTERVAL_MS;
      while (!finished && performance.now() < next) await new Promise((r) => setTimeout(r, Math.min(10, next - performance.now())));
    }
  }
  const r = await running;
  const cpuUsPerRequest = ((server.cpuMs() - cpuBefore) * 1000) / (load.requests * TESTS.length);
  return { server: server.name, rps: r.rps, wallMs: r.wallMs, cpuUsPerRequest, patches, failures };
}

async function loadRounds(ctx: BenchContext, servers: KvServer[], load: LoadOptions, label: string): Promise<LoadRound[]> {
  const rounds: LoadRound[] = [];
  for (let round = 0; round < ctx.runs; round++) {
    ctx.progress(`patching: load ${label}, round ${round + 1}/${ctx.runs}`);
    const runs: LoadRun[] = [];
    for (let i = 0; i < servers.length; i++) runs.push(await loadRun(servers[(i + round) % servers.length], load, null, 0));
    rounds.push({ round, runs });
  }
  return rounds;
}

/**
 * One stream run on a fresh server: warmed up (one untimed run) and patched
 * PATCHES_BEFORE_AFTER times like the "after" servers, then a patch every
 * STREAM_INTERVAL_MS while redis-benchmark runs. Fresh each round because
 * each patch costs more the more versions came before it (see the pause
 * table), so a server that lived through every round would measure its
 * patch count rather than the stream.
 */
async function streamRun(size: Size, load: LoadOptions): Promise<{ run: LoadRun; server: StreamServer }> {
  const server = await startKvstore(PROGRAM, `fn${size}`);
  try {
    await checkKvstore(server.port, 'before', [], `${server.name} before the stream`);
    await runLoad(server.port, load); // warm-up, untimed
    for (let i = 1; i <= PATCHES_BEFORE_AFTER; i++) await patchOnce(server, size, i);
    const run = await loadRun(server, load, size, PATCHES_BEFORE_AFTER);
    const patches = PATCHES_BEFORE_AFTER + run.patches.length;
    const rssKiB = server.rssKiB();
    await checkLive(server, size);
    await checkKvstore(server.port, 'after', ['before'], `${server.name} after ${patches} patches, the last ${run.patches.length} under load`);
    await stopChecked(server);
    return { run, server: { size, patches, rssKiB } };
  } finally {
    await server.stop().catch(() => {});
  }
}

async function streamRounds(ctx: BenchContext, control: KvServer, load: LoadOptions): Promise<{ rounds: LoadRound[]; servers: StreamServer[] }> {
  const rounds: LoadRound[] = [];
  const servers: StreamServer[] = [];
  const slots: ('control' | Size)[] = ['control', ...SIZES];
  for (let round = 0; round < ctx.runs; round++) {
    ctx.progress(`patching: load with a patch every ${STREAM_INTERVAL_MS} ms (fresh servers), round ${round + 1}/${ctx.runs}`);
    const runs: LoadRun[] = [];
    for (let i = 0; i < slots.length; i++) {
      const slot = slots[(i + round) % slots.length];
      if (slot === 'control') {
        runs.push(await loadRun(control, load, null, 0));
      } else {
        const r = await streamRun(slot, load);
        runs.push(r.run);
        servers.push(r.server);
      }
    }
    rounds.push({ round, runs });
  }
  return { rounds, servers };
}

async function loadPhase(ctx: BenchContext, load: LoadOptions) {
  const control = await startKvstore(PROGRAM, 'control');
  const patched = new Map<Size, KvServer>();
  const all = [control];
  try {
    for (const size of SIZES) {
      const s = await startKvstore(PROGRAM, `fn${size}`);
      patched.set(size, s);
      all.push(s);
    }
    for (const s of all) await checkKvstore(s.port, 'before', [], `${s.name} before the load`);
    ctx.progress('patching: load warm-up');
    for (const s of all) await runLoad(s.port, load);
    const before = await loadRounds(ctx, all, load, 'before any patch');
    const idlePatches = new Map<Size, PatchSample[]>();
    for (const [size, s] of patched) {
      const list: PatchSample[] = [];
      for (let i = 1; i <= PATCHES_BEFORE_AFTER; i++) list.push(await patchOnce(s, size, i));
      idlePatches.set(size, list);
    }
    const after = await loadRounds(ctx, all, load, `after ${PATCHES_BEFORE_AFTER} patches`);
    for (const [size, s] of patched) {
      await checkLive(s, size);
      await checkKvstore(s.port, 'after', ['before'], `${s.name} after ${PATCHES_BEFORE_AFTER} patches and the load`);
      await stopChecked(s);
    }
    const stream = await streamRounds(ctx, control, load);
    await checkKvstore(control.port, 'after', ['before'], 'control server after the load');
    const controlRssKiB = control.rssKiB();
    await stopChecked(control);
    return { before, after, stream: stream.rounds, streamServers: stream.servers, controlRssKiB, idlePatches };
  } finally {
    for (const s of all) await s.stop().catch(() => {});
  }
}

/**
 * Issue 15: the first patch's stall and later ones (PING probe), httpd under
 * wrk through its first patch, and a timeline through a stream of patches,
 * written as an HTML picture beside the JSON results.
 */
async function stallFigures(ctx: BenchContext): Promise<StallFigures> {
  const first = await firstPatchStalls(PROGRAM, patchFile(10), ctx.progress);
  const wrk: WrkRun[] = [];
  for (let round = 0; round < WRK_ROUNDS; round++) {
    ctx.progress(`patching: httpd under wrk, round ${round + 1}/${WRK_ROUNDS}`);
    for (const patched of round % 2 === 0 ? [false, true] : [true, false]) wrk.push(await httpdUnderWrk(patched ? HTTPD_PATCH : null));
  }
  ctx.progress('patching: timeline through a stream of patches');
  const timeline = await patchTimeline(PROGRAM, patchFile(10), 'kvstore v1 under dsu, 8 clients (SET/GET), a 10-function patch every 100 ms from 2 s to 5 s');
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const html = path.join(RESULTS_DIR, `patching-timeline-${stamp()}.html`);
  fs.writeFileSync(html, timelineHtml(timeline));
  return { first, wrk, timeline, timelineHtml: path.relative(path.dirname(RESULTS_DIR), html) };
}

export const patchingGroup: BenchGroup = {
  name: 'patching',
  summary: 'live patches of a running kvstore: pause per update (1/10/50 functions), throughput before/after/during, time to live, RSS',
  async run(ctx: BenchContext): Promise<GroupReport> {
    const missing = loadUnavailable() ?? wrkUnavailable();
    if (missing) throw new BenchFailure(missing);
    const load: LoadOptions = { requests: Math.max(1000, Math.round(REQUESTS * ctx.scale)), clients: 50, pipeline: 1 };
    return withChildrenKilled(async () => {
      const pause: PauseRun[] = [];
      for (const size of SIZES) pause.push(await pauseRun(ctx, size));
      const loadResults = await loadPhase(ctx, load);
      const stall = await stallFigures(ctx);
      return patchingReport({
        stall,
        runs: ctx.runs, load, loadCommand: describeLoad(load), tests: TESTS, patchesPerSize: PATCHES, streamIntervalMs: STREAM_INTERVAL_MS, stallGapMs: STALL_GAP_MS,
        patchesBeforeAfter: PATCHES_BEFORE_AFTER, patchFiles: Object.fromEntries(SIZES.map((s) => [s, path.basename(patchFile(s))])),
        pause, ...loadResults,
      });
    });
  },
};
