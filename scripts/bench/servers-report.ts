// Tables for the "servers" group: throughput, latency, CPU per request,
// dsu's split of it, host RSS, the target and what explains the gap.
import { CpuFigures, Peer, PEERS, SessionFigures, TARGET_SHARE_OF_QEMU } from './server-figures.js';
import { DSU, NATIVE, QEMU } from './runners.js';
import { Summary } from './stats.js';
import { formatTable, mib, plusMinus, times } from './table.js';

function rate(s: Summary | undefined): string {
  return s && Number.isFinite(s.median) ? `${s.median.toFixed(0)} ${plusMinus(s.spread)}` : '-';
}

function latency(s: Summary | undefined): string {
  if (!s || !Number.isFinite(s.median)) return '-';
  const v = s.median;
  return v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v >= 1 ? v.toFixed(2) : v.toFixed(3);
}

function us(v: number | undefined): string {
  return v !== undefined && Number.isFinite(v) ? (v >= 100 ? v.toFixed(0) : v.toFixed(1)) : '-';
}

function throughputTable(sessions: SessionFigures[], runs: number): string {
  const rows = sessions.flatMap((s) => s.tests.map((t) => [s.id, t.test, rate(t.rps[NATIVE]), rate(t.rps[QEMU]), rate(t.rps[DSU]), times(t.dsuOverNative), times(t.dsuOverQemu)]));
  const errors = sessions.flatMap((s) => s.tests.flatMap((t) => PEERS.filter((p) => (t.socketErrors[p] ?? 0) > 0).map((p) => `  ${s.id} ${t.test} under ${p}: ${t.socketErrors[p]} socket errors (wrk)`)));
  return formatTable(['session', 'test', 'native req/s', 'qemu-i386 req/s', 'dsu req/s', 'dsu/nat', 'dsu/qemu'], rows, {
    title: `Servers: requests per second as the client reports them, median of ${runs} interleaved runs, ± half the min-max range`,
    notes: [
      ...sessions.map((s) => `  ${s.id}: ${s.title}`),
      ...sessions.flatMap((s) => (s.note ? [`  ${s.note}`] : [])),
      ...(errors.length ? ['socket errors:', ...errors] : []),
    ],
  });
}

function latencyTable(sessions: SessionFigures[]): string {
  const rows = sessions.flatMap((s) =>
    s.tests.map((t) => [s.id, t.test, ...PEERS.flatMap((p) => [latency(t.p50Ms[p]), latency(t.p99Ms[p])]), times(t.p50Ms[DSU]!.median / t.p50Ms[QEMU]!.median), times(t.p99Ms[DSU]!.median / t.p99Ms[QEMU]!.median)]),
  );
  return formatTable(['session', 'test', 'native p50', 'p99', 'qemu-i386 p50', 'p99', 'dsu p50', 'p99', 'dsu/qemu p50', 'p99'], rows, {
    title: 'Latency in ms (medians over the runs of the client\'s p50 and p99)',
  });
}

function cpuTable(sessions: SessionFigures[]): string {
  const cell = (c: CpuFigures | undefined): string[] => [us(c?.totalUs), us(c?.systemUs), c ? c.busy.toFixed(2) : '-'];
  const rows = sessions.map((s) => [s.id, ...PEERS.flatMap((p) => cell(s.cpu[p])), times(s.cpu[DSU]!.totalUs / s.cpu[QEMU]!.totalUs), PEERS.map((p) => s.cpu[p]!.clientBusy.toFixed(2)).join(' / ')]);
  return formatTable(
    ['session', 'native µs', 'sys', 'busy', 'qemu-i386 µs', 'sys', 'busy', 'dsu µs', 'sys', 'busy', 'dsu/qemu', 'client busy (nat / qemu / dsu)'],
    rows,
    {
      title: 'Server CPU time per request over the timed loads (user + system µs, from /proc/PID/stat; for dsu the whole Node process)',
      notes: [
        'sys: the part in the host kernel (socket I/O, polling, futexes). busy: server CPU time / load wall time (1.00 = one CPU kept busy);',
        'client busy: the load generator\'s CPU time / its wall time (it runs on the same 2 CPUs; near 1.00 it may be what limits the rate).',
      ],
    },
  );
}

function breakdownTable(sessions: SessionFigures[]): string {
  const rows = sessions.map((s) => {
    const b = s.dsu;
    if (!b) return [s.id, '-', '-', '-', '-', '-', '-', '-', '-'];
    return [s.id, us(b.totalUs), us(b.guestUs), us(b.syscallUs), us(b.otherUs), us(b.systemUs), b.syscallsPerRequest.toFixed(2), b.slicesPerRequest.toFixed(2), us(b.totalUs - s.cpu[QEMU]!.totalUs)];
  });
  return formatTable(['session', 'dsu µs/req', 'guest code', 'syscall handlers', 'other', 'of which host kernel', 'syscalls/req', 'slices/req', 'µs over qemu-i386'], rows, {
    title: 'dsu: host CPU µs per request split with dsu run --profile (all loads, warm-up included; a start-and-stop without load subtracted)',
    notes: [
      'guest code: time inside the engine minus the syscall handlers; syscall handlers: dsu\'s handlers, host system calls (read, write, epoll) included;',
      'other: the rest of the Node process\'s CPU time (event loop, starting and stopping slices, blocked-syscall wake-ups, GC, the watchdog thread).',
      'guest and handler times are wall-clock (performance.now) and "other" is CPU time minus them, so a host thread preempted by the client',
      'inflates "guest code" and shrinks "other". µs over qemu-i386: dsu µs/req here minus qemu-i386\'s CPU per request in the table above.',
    ],
  });
}

function rssTable(sessions: SessionFigures[]): string {
  const rows = sessions.map((s) => [s.id, ...PEERS.flatMap((p) => [mib(s.rss[p]!.idleKiB), mib(s.rss[p]!.servingPeakKiB)]), mib(s.rss[DSU]!.hwmKiB)]);
  return formatTable(['session', 'native idle', 'serving', 'qemu-i386 idle', 'serving', 'dsu idle', 'serving', 'dsu VmHWM'], rows, {
    title: 'Host RSS in MiB: after start-up, and the peak of VmRSS sampled every 50 ms while serving (for dsu: the Node process)',
    notes: ['dsu VmHWM: the process\'s peak over the whole session, start-up included.'],
  });
}

function targetLines(sessions: SessionFigures[]): string[] {
  const judged = sessions.filter((s) => s.target);
  return judged.map((s) => {
    const shares = s.tests.map((t) => `${t.test} ${(t.dsuOverQemu * 100).toFixed(0)} %`);
    const ok = s.tests.every((t) => t.dsuOverQemu >= TARGET_SHARE_OF_QEMU);
    return `target (dsu at least ${TARGET_SHARE_OF_QEMU * 100} % of qemu-i386's requests/s without pipelining), ${s.id}: ${shares.join(', ')}: ${ok ? 'met' : 'MISSED'}`;
  });
}

function explanation(s: SessionFigures): string {
  const b = s.dsu;
  const c = (p: Peer): CpuFigures => s.cpu[p]!;
  const user = (p: Peer): number => c(p).totalUs - c(p).systemUs;
  const head =
    `${s.id}: per request dsu uses ${us(c(DSU).totalUs)} µs of host CPU (qemu-i386 ${us(c(QEMU).totalUs)}, native ${us(c(NATIVE).totalUs)}): ` +
    `${us(c(DSU).systemUs)} µs in the host kernel (qemu-i386 ${us(c(QEMU).systemUs)}, native ${us(c(NATIVE).systemUs)}: the socket I/O itself) ` +
    `and ${us(user(DSU))} µs in user space (qemu-i386 ${us(user(QEMU))}, native ${us(user(NATIVE))}).`;
  if (!b) return head;
  const split =
    ` dsu's profile (all loads): guest code ${us(b.guestUs)} µs, syscall handlers ${us(b.syscallUs)} µs for ${b.syscallsPerRequest.toFixed(2)} syscalls ` +
    `(${us(b.syscallsPerRequest > 0 ? b.syscallUs / b.syscallsPerRequest : NaN)} µs each, host I/O included), other ${us(b.otherUs)} µs` +
    (b.otherUs < 0 ? ' (negative: guest and handler times are wall-clock and the host thread was off the CPU inside them, e.g. preempted by the client its write woke)' : '') +
    '.';
  const bound = c(DSU).busy >= 0.9
    ? ` dsu's server was busy ${c(DSU).busy.toFixed(2)} CPUs during its loads: its CPU per request bounds its rate (~${(1e6 / c(DSU).totalUs).toFixed(0)} req/s per CPU).`
    : '';
  return head + split + bound;
}

export function formatServersReport(sessions: SessionFigures[], runs: number, loadAverage: number[]): string {
  const notes = [
    ...targetLines(sessions),
    'What explains the gap:',
    ...sessions.map((s) => `  ${explanation(s)}`),
    `load average at the end: ${loadAverage.join(', ')} (1, 5, 15 min) on 2 CPUs shared by the client and the server.`,
  ];
  return [throughputTable(sessions, runs), latencyTable(sessions), cpuTable(sessions), breakdownTable(sessions), rssTable(sessions), notes.join('\n')].join('\n\n');
}
