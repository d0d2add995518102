// The "servers" group: request throughput and latency of the sample servers
// natively, under qemu-i386 and under dsu, with the load generators real
// deployments use: redis-benchmark (GET and SET, 50 clients, pipelining 1
// and 16) against kvstore-v1 and (pipelining 1) against mtkv-v1, the
// multi-threaded key-value server (a listener and four worker threads; under
// dsu all on one engine), wrk against httpd-v1. Also the host CPU time
// per request, dsu's split of it (guest code, syscall handlers, the rest),
// and the host RSS while serving.
//
// A session is one configuration (kvstore -P 1, kvstore -P 16, httpd
// /stats, httpd file): the three servers start together (each on a port
// the kernel picks), each gets an untimed warm-up load, then every round
// loads each server in turn (order rotating), and at the end all get
// SIGTERM. dsu's profile is written at exit, so it covers a whole session;
// a dsu start-and-stop without load (the baseline) is subtracted from it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BenchContext, BenchGroup, GroupReport } from './group.js';
import { BenchFailure } from './matrix.js';
import { REPO, SAMPLES } from './paths.js';
import { dsu, native, qemu, Runner, DSU, NATIVE, QEMU } from './runners.js';
import { checkHttpd, checkKvstore, Load, redisBenchmark, requireTool, wrk } from './server-clients.js';
import { ServerProcess, ServerStats } from './server-process.js';
import { CpuFigures, DsuBreakdown, LoadSample, Peer, PEERS, PeerSession, SessionFigures, TARGET_SHARE_OF_QEMU, TestFigures } from './server-figures.js';
import { formatServersReport } from './servers-report.js';
import { summarize, Summary } from './stats.js';

const CLIENTS = 50;
/** redis-benchmark -n per run at --scale 1. */
const KV_REQUESTS: Record<number, number> = { 1: 100_000, 16: 500_000 };
/** wrk -d per run at --scale 1 (whole seconds). */
const WRK_SECONDS = 5;
const WRK_THREADS = 1;
/** mtkv's worker threads (its default). */
const MTKV_WORKERS = 4;
/** The served file for the httpd file session: small, as a typical static asset. */
const FILE_NAME = 'small.html';
const FILE_BYTES = 1024;

/** dsu runs with --profile (two performance.now() per syscall) so the session's stats split the host's time. */
function runnerOf(peer: Peer): Runner {
  return peer === NATIVE ? native : peer === QEMU ? qemu : dsu(['--profile']);
}

interface ServerSpec {
  id: 'kvstore' | 'mtkv' | 'httpd';
  program: string;
  args: string[];
  ready: RegExp;
  /** The exit summary line's count of commands or requests answered. */
  served: RegExp;
  check(port: number, label: string): Promise<void>;
}

interface TestSpec {
  /** Row name in tables: "SET", "GET", "GET /stats". */
  id: string;
  load(port: number, warmUp: boolean): Promise<Load>;
}

interface SessionSpec {
  id: string;
  title: string;
  server: ServerSpec;
  tests: TestSpec[];
  /** Is the 50 %-of-qemu throughput target judged on this session? */
  target: boolean;
  note?: string;
}

function lastLine(text: string): string {
  const lines = text.trim().split('\n').filter((l) => l.length > 0);
  return lines.length ? lines[lines.length - 1] : '';
}

function kvstore(): ServerSpec {
  return {
    id: 'kvstore',
    program: path.join(SAMPLES, 'kvstore', 'kvstore-v1'),
    args: ['-p', '0'],
    ready: /kvstore listening on port (\d+)/,
    served: /shutting down after (\d+) commands/,
    check: (port, label) => checkKvstore(port, label),
  };
}

function mtkv(): ServerSpec {
  return {
    id: 'mtkv',
    program: path.join(SAMPLES, 'mtkv', 'mtkv-v1'),
    args: ['-p', '0', '-t', String(MTKV_WORKERS)],
    ready: /mtkv listening on port (\d+)/,
    served: /shutting down after (\d+) commands/,
    check: (port, label) => checkKvstore(port, label),
  };
}

function httpd(dir: string, body: string): ServerSpec {
  return {
    id: 'httpd',
    program: path.join(SAMPLES, 'httpd', 'httpd-v1'),
    args: ['-p', '0', '-d', dir],
    ready: /httpd listening on port (\d+)/,
    served: /shutting down after (\d+) requests/,
    check: (port, label) => checkHttpd(port, `/${FILE_NAME}`, body, label),
  };
}

function sessions(ctx: BenchContext, dir: string, body: string): SessionSpec[] {
  const kvSessions = [1, 16].map((pipeline): SessionSpec => {
    const n = Math.max(1000, Math.round(KV_REQUESTS[pipeline] * ctx.scale));
    return {
      id: `kvstore-P${pipeline}`,
      title: `kvstore-v1, redis-benchmark -c ${CLIENTS} -P ${pipeline} -n ${n}`,
      server: kvstore(),
      target: pipeline === 1,
      tests: (['set', 'get'] as const).map((test) => ({
        id: test.toUpperCase(),
        load: (port, warmUp) => redisBenchmark({ port, test, requests: warmUp ? Math.max(1000, Math.round(n / 10)) : n, clients: CLIENTS, pipeline }),
      })),
    };
  });
  const seconds = Math.max(1, Math.round(WRK_SECONDS * ctx.scale));
  const wrkTest = (urlPath: string): TestSpec => ({
    id: `GET ${urlPath}`,
    load: (port, warmUp) => wrk({ url: `http://127.0.0.1:${port}${urlPath}`, seconds: warmUp ? 1 : seconds, connections: CLIENTS, threads: WRK_THREADS }),
  });
  const wrkTitle = `httpd-v1, wrk -t${WRK_THREADS} -c${CLIENTS} -d${seconds}s (keep-alive)`;
  const mtkvRequests = Math.max(1000, Math.round(KV_REQUESTS[1] * ctx.scale));
  const mtkvSession: SessionSpec = {
    id: 'mtkv-P1',
    title: `mtkv-v1 (a listener and ${MTKV_WORKERS} worker threads, one table under a lock), redis-benchmark -c ${CLIENTS} -P 1 -n ${mtkvRequests}`,
    server: mtkv(),
    target: false,
    tests: (['set', 'get'] as const).map((test) => ({
      id: test.toUpperCase(),
      load: (port, warmUp) => redisBenchmark({ port, test, requests: warmUp ? Math.max(1000, Math.round(mtkvRequests / 10)) : mtkvRequests, clients: CLIENTS, pipeline: 1 }),
    })),
    note: 'mtkv: natively and under qemu-i386 its threads run on the host\'s cores in parallel; under dsu they take turns on one engine (docs/ARCHITECTURE.md, threads).',
  };
  return [
    ...kvSessions,
    mtkvSession,
    {
      id: 'httpd-stats',
      title: `${wrkTitle}, GET /stats (a ~45-byte JSON body built in memory, one write per response)`,
      server: httpd(dir, body),
      target: true,
      tests: [wrkTest('/stats')],
    },
    {
      id: 'httpd-file',
      title: `${wrkTitle}, GET /${FILE_NAME} (${FILE_BYTES} bytes)`,
      server: httpd(dir, body),
      target: false,
      tests: [wrkTest(`/${FILE_NAME}`)],
      note:
        `GET /${FILE_NAME}: httpd writes the head and then the file body in two write()s without TCP_NODELAY, so on a keep-alive ` +
        'connection the body waits (Nagle) for the ACK of the head, which the client delays by ~40 ms: every peer is bound by that timer, ' +
        'not by CPU (compare the CPU per request instead).',
    },
  ];
}

async function startServer(peer: Peer, spec: ServerSpec): Promise<ServerProcess> {
  const label = `${spec.id} under ${peer}`;
  const server = await ServerProcess.start(runnerOf(peer), spec.program, spec.args, spec.ready, label);
  await spec.check(server.port, label);
  return server;
}

async function stopServer(peer: Peer, server: ServerProcess, spec: ServerSpec): Promise<{ served: number; stats?: ServerStats }> {
  const s = await server.stop();
  if (s.status !== 0) throw new BenchFailure(`${server.label} exited with status ${s.status} after SIGTERM: ${lastLine(s.stderr)}`);
  const m = spec.served.exec(s.stdout);
  if (!m) throw new BenchFailure(`${server.label} printed no exit summary; stdout ends ${JSON.stringify(s.stdout.slice(-200))}`);
  if (peer === DSU && !s.stats?.profile) throw new BenchFailure(`${server.label}: no profile in the --stats file`);
  return { served: Number(m[1]), stats: s.stats };
}

/** One load with the server's CPU time read before and after it, and its RSS sampled during it. */
async function measuredLoad(server: ServerProcess, test: TestSpec, warmUp: boolean): Promise<{ sample: LoadSample; peakRssKiB: number }> {
  const before = server.cpu();
  const stopSampling = server.sampleRss();
  let load: Load;
  let peakRssKiB: number;
  try {
    load = await test.load(server.port, warmUp);
  } finally {
    // an interval left running would keep the harness alive after a failure
    peakRssKiB = stopSampling();
  }
  const after = server.cpu();
  if (!server.running) throw new BenchFailure(`${server.label} exited during the load`);
  return {
    sample: { ...load, test: test.id, serverUserMs: after.userMs - before.userMs, serverSystemMs: after.systemMs - before.systemMs },
    peakRssKiB,
  };
}

const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);

function cpuFigures(samples: LoadSample[]): CpuFigures {
  const requests = sum(samples.map((s) => s.requests));
  const user = sum(samples.map((s) => s.serverUserMs));
  const system = sum(samples.map((s) => s.serverSystemMs));
  const wall = sum(samples.map((s) => s.wallMs));
  return {
    userUs: (user * 1000) / requests,
    systemUs: (system * 1000) / requests,
    totalUs: ((user + system) * 1000) / requests,
    busy: (user + system) / wall,
    clientBusy: sum(samples.map((s) => s.clientCpuMs)) / wall,
  };
}

function dsuBreakdown(p: PeerSession, baseline: ServerStats): DsuBreakdown | null {
  const s = p.stats;
  if (!s?.profile || !baseline.profile) return null;
  const loads = [...p.warmUp, ...p.samples];
  const requests = sum(loads.map((l) => l.requests));
  const cpuMs = sum(loads.map((l) => l.serverUserMs + l.serverSystemMs));
  const systemMs = sum(loads.map((l) => l.serverSystemMs));
  const guestMs = s.profile.guestMs - baseline.profile.guestMs;
  const syscallMs = s.profile.syscallMs - baseline.profile.syscallMs;
  const us = (msValue: number): number => (msValue * 1000) / requests;
  return {
    requests,
    totalUs: us(cpuMs),
    guestUs: us(guestMs),
    syscallUs: us(syscallMs),
    otherUs: us(cpuMs - guestMs - syscallMs),
    systemUs: us(systemMs),
    syscallsPerRequest: (s.syscalls - baseline.syscalls) / requests,
    slicesPerRequest: (s.slices - baseline.slices) / requests,
  };
}

/** dsu started, checked and stopped without load: the start-up and exit part of every session's profile. */
async function baselineOf(spec: ServerSpec): Promise<ServerStats> {
  const server = await startServer(DSU, spec);
  try {
    const { stats } = await stopServer(DSU, server, spec);
    if (!stats) throw new BenchFailure(`${server.label}: no --stats file`);
    return stats;
  } finally {
    await server.kill();
  }
}

async function runSession(spec: SessionSpec, runs: number, baseline: ServerStats, progress: (m: string) => void): Promise<SessionFigures> {
  const servers = new Map<Peer, ServerProcess>();
  const results = new Map<Peer, PeerSession>();
  try {
    for (const peer of PEERS) {
      const server = await startServer(peer, spec.server);
      servers.set(peer, server);
      results.set(peer, {
        peer, pid: server.pid, port: server.port,
        idleRssKiB: server.memoryKiB('VmRSS'), servingPeakRssKiB: 0, hwmKiB: NaN,
        warmUp: [], samples: [], served: 0,
      });
    }
    const record = (peer: Peer, m: { sample: LoadSample; peakRssKiB: number }, warmUp: boolean): void => {
      const r = results.get(peer)!;
      (warmUp ? r.warmUp : r.samples).push(m.sample);
      r.servingPeakRssKiB = Math.max(r.servingPeakRssKiB, m.peakRssKiB);
    };
    progress(`${spec.id}: warm-up`);
    for (const peer of PEERS) {
      for (const test of spec.tests) record(peer, await measuredLoad(servers.get(peer)!, test, true), true);
    }
    for (let round = 0; round < runs; round++) {
      progress(`${spec.id}: round ${round + 1}/${runs}`);
      for (let ti = 0; ti < spec.tests.length; ti++) {
        for (let k = 0; k < PEERS.length; k++) {
          const peer = PEERS[(round + ti + k) % PEERS.length];
          record(peer, await measuredLoad(servers.get(peer)!, spec.tests[ti], false), false);
        }
      }
    }
    for (const peer of PEERS) {
      const server = servers.get(peer)!;
      const r = results.get(peer)!;
      r.hwmKiB = server.memoryKiB('VmHWM');
      const stopped = await stopServer(peer, server, spec.server);
      r.served = stopped.served;
      r.stats = stopped.stats;
      const loaded = sum([...r.warmUp, ...r.samples].map((s) => s.requests));
      if (r.served < loaded) throw new BenchFailure(`${server.label} answered ${r.served} requests but the clients counted ${loaded}`);
    }
  } finally {
    for (const s of servers.values()) await s.kill();
  }
  return figures(spec, results, baseline);
}

function figures(spec: SessionSpec, results: Map<Peer, PeerSession>, baseline: ServerStats): SessionFigures {
  const peers = PEERS.map((p) => results.get(p)!);
  const tests = spec.tests.map((t): TestFigures => {
    const of = (peer: Peer): LoadSample[] => results.get(peer)!.samples.filter((s) => s.test === t.id);
    const per = (f: (s: LoadSample) => number): Partial<Record<Peer, Summary>> => Object.fromEntries(PEERS.map((p) => [p, summarize(of(p).map(f))]));
    const rps = per((s) => s.rps);
    return {
      test: t.id,
      rps,
      p50Ms: per((s) => s.p50Ms),
      p99Ms: per((s) => s.p99Ms),
      socketErrors: Object.fromEntries(PEERS.map((p) => [p, sum(of(p).map((s) => s.socketErrors))])),
      dsuOverNative: rps[DSU]!.median / rps[NATIVE]!.median,
      dsuOverQemu: rps[DSU]!.median / rps[QEMU]!.median,
    };
  });
  const dsuPeer = results.get(DSU)!;
  return {
    id: spec.id,
    title: spec.title,
    note: spec.note,
    target: spec.target,
    tests,
    cpu: Object.fromEntries(PEERS.map((p) => [p, cpuFigures(results.get(p)!.samples)])),
    dsu: dsuBreakdown(dsuPeer, baseline),
    rss: Object.fromEntries(peers.map((p) => [p.peer, {
      idleKiB: p.idleRssKiB, servingPeakKiB: p.servingPeakRssKiB, hwmKiB: p.hwmKiB,
      ...(p.stats ? { dsuMaxRssKiB: p.stats.maxRssKiB } : {}),
    }])),
    peers,
  };
}

export const serversGroup: BenchGroup = {
  name: 'servers',
  summary: 'kvstore (redis-benchmark GET/SET, -P 1 and 16), mtkv (-P 1) and httpd (wrk): requests/s, p50/p99, CPU per request, RSS',
  async run(ctx: BenchContext): Promise<GroupReport> {
    requireTool('redis-benchmark', 'redis-tools');
    requireTool('wrk', 'wrk');
    for (const peer of PEERS) {
      const why = runnerOf(peer).unavailable();
      if (why) throw new BenchFailure(`${peer}: ${why}`);
    }
    for (const p of [kvstore().program, mtkv().program, path.join(SAMPLES, 'httpd', 'httpd-v1')]) {
      if (!fs.existsSync(p)) throw new BenchFailure(`${path.relative(REPO, p)} is missing: make -C c-samples`);
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dsu-bench-www-'));
    try {
      const body = 'x'.repeat(FILE_BYTES - 1) + '\n';
      fs.writeFileSync(path.join(dir, FILE_NAME), body);
      const specs = sessions(ctx, dir, body);
      const baselines = new Map<string, ServerStats>();
      const out: SessionFigures[] = [];
      for (const spec of specs) {
        if (!baselines.has(spec.server.id)) {
          ctx.progress(`servers: dsu baseline (start, one check request, SIGTERM) for ${spec.server.id}`);
          baselines.set(spec.server.id, await baselineOf(spec.server));
        }
        out.push(await runSession(spec, ctx.runs, baselines.get(spec.server.id)!, (m) => ctx.progress(`servers: ${m}`)));
      }
      const loadAverage = os.loadavg().map((l) => Math.round(l * 100) / 100);
      return {
        text: formatServersReport(out, ctx.runs, loadAverage),
        json: {
          runs: ctx.runs,
          scale: ctx.scale,
          clients: CLIENTS,
          wrkThreads: WRK_THREADS,
          targetShareOfQemu: TARGET_SHARE_OF_QEMU,
          baselines: Object.fromEntries(baselines),
          sessions: out,
        },
      };
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
};
