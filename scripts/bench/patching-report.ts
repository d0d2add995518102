// Tables and verdicts of the "patching" group (measurement: patching.ts).
import { GroupReport } from './group.js';
import { LoadOptions } from './patch-load.js';
import type { StallSample } from './patch-stall.js';
import { stallReport, type StallFigures } from './patch-stall-report.js';
import { median, ratio, summarize } from './stats.js';
import { Cell, formatTable, mib, ms, plusMinus, times } from './table.js';

export const SIZES = [1, 10, 50] as const;
export type Size = (typeof SIZES)[number];

/** The figures of one patch report, plus what the client saw. */
export interface PatchSample {
  /** 1 for the server's first patch. */
  index: number;
  pauseMs: number;
  /** The pause's steps as the report gives them: the final stack check, the jumps and GOT slots. */
  checkMs: number;
  redirectMs: number;
  waitedMs: number;
  loadMs: number;
  /** The type checks before loading (the first patch reads the program's debug information cold). */
  typeChecksMs: number;
  totalMs: number;
  roundTripMs: number;
  safePoint: string;
  replaced: number;
  coldParts: number;
  /** Jumps written: one per old version of every replaced function. */
  jumps: number;
  gotSlots: number;
  carried: number;
  /** What the report warned about (allowed, but maybe not meant). */
  warnings: string[];
}

export interface PauseRun {
  size: Size;
  patches: PatchSample[];
  /** Host RSS by number of patches applied. */
  rssKiB: Record<number, number>;
  cli: { wallMs: number; totalMs: number }[];
  stall: StallSample[];
}

export interface LoadRun {
  server: string;
  rps: Record<string, number>;
  wallMs: number;
  /** CPU time of the server's dsu process per request of the run (all tests), µs. */
  cpuUsPerRequest: number;
  /** Patches applied during this run (the stream). */
  patches: PatchSample[];
  failures: string[];
}

export interface LoadRound {
  round: number;
  runs: LoadRun[];
}

/** A fresh server of a stream round, when its stream run ended. */
export interface StreamServer {
  size: Size;
  patches: number;
  rssKiB: number;
}

export interface PatchingResults {
  runs: number;
  load: LoadOptions;
  loadCommand: string;
  tests: string[];
  patchesPerSize: number;
  streamIntervalMs: number;
  stallGapMs: number;
  patchesBeforeAfter: number;
  patchFiles: Record<string, string>;
  pause: PauseRun[];
  before: LoadRound[];
  after: LoadRound[];
  stream: LoadRound[];
  idlePatches: Map<Size, PatchSample[]>;
  streamServers: StreamServer[];
  controlRssKiB: number;
  stall: StallFigures;
}

const PAUSE_MEDIAN_TARGET_MS = 1;
const PAUSE_P99_TARGET_MS = 5;
const THROUGHPUT_TOLERANCE = 0.01;

/** Nearest-rank percentile: the smallest value with at least p of the values at or below it. */
function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.max(0, Math.ceil(p * s.length) - 1)];
}

const pick = (list: readonly PatchSample[], k: keyof PatchSample): number[] => list.map((p) => p[k] as number);
const verdict = (ok: boolean): string => (ok ? 'met' : 'MISSED');
const rps = (v: number): string => (Number.isFinite(v) ? Math.round(v).toLocaleString('en-US') : '-');

function pauseTable(r: PatchingResults): { text: string; verdicts: string[] } {
  const rows: Cell[][] = r.pause.map((p) => {
    const ps = p.patches;
    const pause = pick(ps, 'pauseMs');
    return [
      p.size, `${ps[0].replaced} (${ps[0].coldParts} cold)`,
      ms(median(pause)), ms(percentile(pause, 0.9)), ms(percentile(pause, 0.99)), ms(Math.max(...pause)),
      ms(median(pick(ps, 'checkMs'))), ms(median(pick(ps, 'redirectMs'))),
      ms(median(pick(ps, 'loadMs'))), ms(percentile(pick(ps, 'loadMs'), 0.99)),
      ms(median(pick(ps, 'waitedMs'))),
      ms(median(pick(ps, 'totalMs'))), ms(percentile(pick(ps, 'totalMs'), 0.99)),
      ms(median(pick(ps, 'roundTripMs'))),
    ];
  });
  const ten = r.pause.find((p) => p.size === 10);
  const verdicts: string[] = [];
  if (ten) {
    const pause = pick(ten.patches, 'pauseMs');
    const m = median(pause);
    const p99 = percentile(pause, 0.99);
    verdicts.push(`pause of a 10-function patch: median ${ms(m)} ms (target < ${PAUSE_MEDIAN_TARGET_MS} ms) ${verdict(m < PAUSE_MEDIAN_TARGET_MS)}; p99 ${ms(p99)} ms (target < ${PAUSE_P99_TARGET_MS} ms) ${verdict(p99 < PAUSE_P99_TARGET_MS)}`);
  }
  const text = formatTable(
    ['functions', 'replaced', 'pause med', 'p90', 'p99', 'max', 'check med', 'redirect med', 'load med', 'load p99', 'waited med', 'total med', 'total p99', 'round trip med'],
    rows,
    {
      title: `Pause per update: ${r.patchesPerSize} patches in a row per size into a fresh kvstore v1, guest idle (blocked in epoll_wait); ms`,
      notes: [
        'pause: guest stopped (final safety check, carrying statics, jumps at the old versions, GOT slots); check, redirect: its steps from the report;',
        'load: linking the patch, guest not held;',
        'waited: for a safe point; total: command received to new code live (dsu side); round trip: the benchmark\'s control call, connect to answer.',
        'p99 is the nearest rank: of 100 patches, the second largest. Each size\'s first patch is the first in its process (cold JIT): see the next table.',
      ],
    },
  );
  return { text, verdicts };
}

function growthTable(r: PatchingResults): string {
  const rows: Cell[][] = r.pause.map((p) => {
    const ps = p.patches;
    return [
      p.size, ms(ps[0].pauseMs), ms(ps[0].totalMs),
      ms(median(pick(ps.slice(1, 11), 'pauseMs'))), ms(median(pick(ps.slice(-10), 'pauseMs'))),
      ms(median(pick(ps.slice(1, 11), 'totalMs'))), ms(median(pick(ps.slice(-10), 'totalMs'))),
      `${ps[0].jumps} → ${ps[ps.length - 1].jumps}`,
      ms(median(pick(ps, 'totalMs').map((t, i) => t - ps[i].loadMs - ps[i].waitedMs - ps[i].pauseMs))),
      ms(ps[0].typeChecksMs), ms(median(pick(ps.slice(1), 'typeChecksMs'))),
    ];
  });
  return formatTable(
    ['functions', 'first pause', 'first total', 'pause #2-11', 'pause #91-100', 'total #2-11', 'total #91-100', 'jumps #1 → #100', 'before load med', 'type checks #1 (cold)', 'type checks med'],
    rows,
    {
      title: 'First and later patches: the first in a process runs the patcher cold (JIT); each patch writes a jump at every older version still mapped of each function it replaces',
      notes: ['#2-11, #91-100: medians of those patches; jumps: written by patch #1 and by patch #100; before load: total - load - waited - pause (reading, planning, link plan, type checks).',
        'type checks: the checks from the debug information, guest running; #1 reads the program\'s debug information cold (each size runs in a fresh process), later patches reuse it; med over #2-100.'],
    },
  );
}

function streamPatches(r: PatchingResults, size: Size): { patches: PatchSample[]; failures: string[] } {
  const runs = r.stream.flatMap((round) => round.runs).filter((run) => run.server === `fn${size}`);
  return { patches: runs.flatMap((run) => run.patches), failures: runs.flatMap((run) => run.failures) };
}

function liveTable(r: PatchingResults): string {
  const rows: Cell[][] = r.pause.map((p) => {
    const idle = p.patches;
    const busy = streamPatches(r, p.size).patches;
    const kinds = new Map<string, number>();
    for (const b of busy) kinds.set(b.safePoint, (kinds.get(b.safePoint) ?? 0) + 1);
    return [
      p.size,
      ms(median(pick(idle, 'totalMs'))), ms(percentile(pick(idle, 'totalMs'), 0.99)),
      busy.length, ms(median(pick(busy, 'totalMs'))), ms(percentile(pick(busy, 'totalMs'), 0.99)), ms(Math.max(...pick(busy, 'totalMs'))),
      ms(median(pick(busy, 'waitedMs'))), ms(Math.max(...pick(busy, 'waitedMs'))),
      ms(median(pick(busy, 'pauseMs'))), ms(percentile(pick(busy, 'pauseMs'), 0.99)),
      [...kinds].map(([k, n]) => `${k} ${n}`).join(', ') || '-',
      ms(median(p.cli.map((c) => c.wallMs))),
    ];
  });
  return formatTable(
    ['functions', 'idle total med', 'idle p99', 'busy patches', 'busy total med', 'busy p99', 'busy max', 'busy waited med', 'waited max', 'busy pause med', 'pause p99', 'busy safe points', '`dsu patch` wall med'],
    rows,
    {
      title: 'Time from the patch command to new code live (total, dsu side), ms: idle guest vs busy (under redis-benchmark, a patch every 100 ms)',
      notes: [
        `idle: the ${r.patchesPerSize} patches of the first table; busy: the patches of the stream runs below, each on a fresh server already patched ${r.patchesBeforeAfter} times.`,
        '`dsu patch` wall: the whole command (`dsu patch --control SOCK --json PATCH`, Node start-up included), idle guest, median of 5 after the 100 patches.',
      ],
    },
  );
}

function stallTable(r: PatchingResults): string {
  const rows: Cell[][] = r.pause.map((p) => {
    const st = p.stall;
    const col = (k: keyof StallSample): number[] => st.map((x) => x[k]).filter((v) => Number.isFinite(v));
    return [
      p.size, st.length, ms(median(col('stallMs'))), ms(Math.max(...col('stallMs'))), ms(median(col('baselineMs'))), ms(Math.max(...col('baselineMs'))),
      ms(median(col('pauseMs'))), ms(median(col('totalMs'))), ms(median(col('roundTripMs'))),
    ];
  });
  return formatTable(['functions', 'patches', 'stall med', 'stall max', 'no patch med', 'no patch max', 'pause med', 'total med', 'round trip med'], rows, {
    title: 'What a client sees: longest gap between replies of one connection sending PING after PING while a patch is applied, ms',
    notes: [
      'The guest and the patcher share one host thread: the guest cannot run during any synchronous patcher work (reading, planning and linking the patch,',
      'the pause, releasing old patches after it), so the stall is bounded by the round trip, not by the pause. "no patch": the same measure over windows',
      `as long between patches. Applied after the ${r.patchesPerSize} patches and the \`dsu patch\` commands, ${r.pause[0]?.stall.length ?? 0} per size, spaced ${r.stallGapMs} ms.`,
    ],
  });
}

interface Rates {
  before: number[];
  after: number[];
  stream: number[];
}

function rates(r: PatchingResults, server: string, test: string): Rates {
  const of = (rounds: LoadRound[]): number[] => rounds.flatMap((round) => round.runs.filter((x) => x.server === server).map((x) => x.rps[test]));
  return { before: of(r.before), after: of(r.after), stream: of(r.stream) };
}

function throughputTable(r: PatchingResults): { text: string; verdicts: string[] } {
  const servers = ['control', ...SIZES.map((s) => `fn${s}`)];
  const rows: Cell[][] = [];
  const verdicts: string[] = [];
  for (const test of r.tests) {
    const c = rates(r, 'control', test);
    const cAfter = ratio(median(c.after), median(c.before));
    const cStream = ratio(median(c.stream), median(c.before));
    for (const server of servers) {
      const x = rates(r, server, test);
      const b = summarize(x.before);
      const a = summarize(x.after);
      const s = summarize(x.stream);
      const after = ratio(a.median, b.median);
      const stream = ratio(s.median, b.median);
      const isControl = server === 'control';
      rows.push([
        server, test, `${rps(b.median)} ${plusMinus(b.spread)}`, `${rps(a.median)} ${plusMinus(a.spread)}`, times(after),
        `${rps(s.median)} ${plusMinus(s.spread)}`, times(stream),
        isControl ? '-' : times(after / cAfter), isControl ? '-' : times(stream / cStream),
      ]);
      if (!isControl) {
        const corrected = after / cAfter;
        // half the min-max range of the runs compared: a shortfall smaller than this is not a measurement
        const noise = Math.max(b.spread, a.spread) / 2;
        const outcome = corrected >= 1 - THROUGHPUT_TOLERANCE ? 'met' : corrected < 1 - THROUGHPUT_TOLERANCE - noise ? 'MISSED' : 'not resolved';
        verdicts.push(`${server} ${test}: after ${r.patchesBeforeAfter} patches ${times(after)} of before, ${times(corrected)} against the control's drift (runs ${plusMinus(2 * noise)}): ${outcome}`);
      }
    }
  }
  const text = formatTable(
    ['server', 'test', 'before rps', `after ${r.patchesBeforeAfter} patches`, 'after/before', 'during stream', 'stream/before', 'after vs control', 'stream vs control'],
    rows,
    {
      title: `Throughput: ${r.loadCommand}, median of ${r.runs} interleaved rounds (± half the min-max range)`,
      notes: [
        `control: a kvstore v1 never patched, measured in the same rounds; "vs control" divides by its own ratio (drift of the machine). fnN: patched with the N-function patch:`,
        `${r.patchesBeforeAfter} times between "before" and "after". Stream: a fresh server per round, warmed up and patched ${r.patchesBeforeAfter} times, then once every ${r.streamIntervalMs} ms during its run.`,
      ],
    },
  );
  return { text, verdicts };
}

function cpuTable(r: PatchingResults): string {
  const of = (rounds: LoadRound[], server: string): number[] => rounds.flatMap((round) => round.runs.filter((x) => x.server === server).map((x) => x.cpuUsPerRequest));
  const control = { before: median(of(r.before, 'control')), after: median(of(r.after, 'control')), stream: median(of(r.stream, 'control')) };
  const rows: Cell[][] = ['control', ...SIZES.map((s) => `fn${s}`)].map((server) => {
    const b = summarize(of(r.before, server));
    const a = summarize(of(r.after, server));
    const s = summarize(of(r.stream, server));
    const isControl = server === 'control';
    const us = (x: { median: number; spread: number }): string => `${x.median.toFixed(2)} ${plusMinus(x.spread)}`;
    return [
      server, us(b), us(a), times(ratio(a.median, b.median)), us(s), times(ratio(s.median, b.median)),
      isControl ? '-' : times(ratio(a.median, b.median) / ratio(control.after, control.before)),
      isControl ? '-' : times(ratio(s.median, b.median) / ratio(control.stream, control.before)),
    ];
  });
  return formatTable(['server', 'before µs', `after ${r.patchesBeforeAfter} patches`, 'after/before', 'during stream', 'stream/before', 'after vs control', 'stream vs control'], rows, {
    title: 'CPU time of the server\'s dsu process per request (user + system, all threads, /proc/PID/stat over each run), µs; a second opinion on the same runs (higher is worse)',
  });
}

function rssTable(r: PatchingResults): string {
  const rows: Cell[][] = r.pause.map((p) => {
    const at = p.rssKiB;
    const stream = r.streamServers.filter((x) => x.size === p.size);
    const counts = stream.map((x) => x.patches);
    return [
      p.size, mib(at[0]), mib(at[10]), mib(at[100]), ((at[100] - at[0]) / 100).toFixed(0),
      stream.length ? `${mib(median(stream.map((x) => x.rssKiB)))} (${Math.min(...counts)}-${Math.max(...counts)} patches)` : '-',
    ];
  });
  return formatTable(['functions', '0 patches', '10', '100', 'KiB per patch (0→100)', 'after a stream run, median'], rows, {
    title: 'RSS of the dsu host process (VmRSS), MiB: the pause servers after 0, 10 and 100 patches; the fresh stream servers at the end of their run',
    notes: [`control server (never patched) after all the load: ${mib(r.controlRssKiB)} MiB. RSS includes V8 garbage not yet collected.`],
  });
}

function failures(r: PatchingResults): string[] {
  const out: string[] = [];
  for (const size of SIZES) {
    const f = streamPatches(r, size).failures;
    if (f.length > 0) out.push(`fn${size}: ${f.length} patch(es) failed during the stream, e.g. ${f[0]}`);
  }
  return out;
}

export function patchingReport(r: PatchingResults): GroupReport {
  const pause = pauseTable(r);
  const through = throughputTable(r);
  const failed = failures(r);
  const warned = [...new Set(r.pause.flatMap((p) => p.patches.flatMap((x) => x.warnings.map((w) => `fn${p.size}: ${w}`))))];
  const stall = stallReport(r.stall);
  const text = [
    pause.text, '', growthTable(r), '', stallTable(r), '', liveTable(r), '', through.text, '', cpuTable(r), '', rssTable(r), '', stall.text, '',
    'Targets', ...[...pause.verdicts, ...through.verdicts, ...stall.verdicts].map((v) => `  ${v}`),
    `  (throughput after patching within ${THROUGHPUT_TOLERANCE * 100}% of before, judged against the control's drift; "not resolved": short by less than the runs' own spread)`,
    ...(failed.length ? ['Failed patches', ...failed.map((f) => `  ${f}`)] : []),
    ...(warned.length ? ['Patch report warnings', ...warned.map((w) => `  ${w}`)] : []),
  ].join('\n');
  const json = {
    ...r,
    idlePatches: Object.fromEntries(r.idlePatches),
    summary: {
      pause: Object.fromEntries(r.pause.map((p) => [p.size, {
        pause: summarize(pick(p.patches, 'pauseMs')), pauseP99: percentile(pick(p.patches, 'pauseMs'), 0.99),
        load: summarize(pick(p.patches, 'loadMs')), total: summarize(pick(p.patches, 'totalMs')), totalP99: percentile(pick(p.patches, 'totalMs'), 0.99),
      }])),
      verdicts: [...pause.verdicts, ...through.verdicts, ...stall.verdicts],
      failed,
    },
  };
  return { text, json };
}
