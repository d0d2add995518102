// What the "servers" group measures, per session and peer: shared by the
// measurement (servers.ts) and the tables (servers-report.ts).
import { DSU, NATIVE, QEMU } from './runners.js';
import type { Load } from './server-clients.js';
import type { ServerStats } from './server-process.js';
import type { Summary } from './stats.js';

/** dsu must reach this share of qemu-i386's requests/s without pipelining. */
export const TARGET_SHARE_OF_QEMU = 0.5;

export const PEERS = [NATIVE, QEMU, DSU] as const;
export type Peer = (typeof PEERS)[number];

/** One timed (or warm-up) load of one server. */
export interface LoadSample extends Load {
  test: string;
  serverUserMs: number;
  serverSystemMs: number;
}

export interface PeerSession {
  peer: Peer;
  pid: number;
  port: number;
  /** VmRSS after start-up and the check request, before any load. */
  idleRssKiB: number;
  /** Highest VmRSS sampled (every 50 ms) during this server's loads. */
  servingPeakRssKiB: number;
  /** VmHWM just before SIGTERM: the peak over the whole session, start-up included. */
  hwmKiB: number;
  warmUp: LoadSample[];
  samples: LoadSample[];
  /** Commands or requests answered, from the server's exit summary line. */
  served: number;
  stats?: ServerStats;
}

export interface TestFigures {
  test: string;
  rps: Partial<Record<Peer, Summary>>;
  p50Ms: Partial<Record<Peer, Summary>>;
  p99Ms: Partial<Record<Peer, Summary>>;
  socketErrors: Partial<Record<Peer, number>>;
  dsuOverNative: number;
  dsuOverQemu: number;
}

export interface CpuFigures {
  /** Host CPU µs per request over the timed loads (from /proc/PID/stat). */
  userUs: number;
  systemUs: number;
  totalUs: number;
  /** Server CPU time / client wall time over the timed loads: 1 = one CPU kept busy. */
  busy: number;
  /** Client CPU time / its wall time. */
  clientBusy: number;
}

/** dsu's per-request split over all its loads (warm-up included), the baseline subtracted. */
export interface DsuBreakdown {
  requests: number;
  totalUs: number;
  guestUs: number;
  syscallUs: number;
  otherUs: number;
  systemUs: number;
  syscallsPerRequest: number;
  slicesPerRequest: number;
}

export interface SessionFigures {
  id: string;
  title: string;
  note?: string;
  target: boolean;
  tests: TestFigures[];
  cpu: Partial<Record<Peer, CpuFigures>>;
  dsu: DsuBreakdown | null;
  rss: Partial<Record<Peer, { idleKiB: number; servingPeakKiB: number; hwmKiB: number; dsuMaxRssKiB?: number }>>;
  peers: PeerSession[];
}
