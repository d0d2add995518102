// The "emulator" group: wall time of compute-bound, memory-heavy and
// syscall-heavy kernels natively, under qemu-i386 and under dsu, the cost of
// one trivial syscall, start-up cost, and dsu's peak RSS; static builds
// first, then the PIE builds (reported unavailable while dsu cannot run them).
import { BenchContext, BenchGroup, GroupReport } from './group.js';
import { CaseResult, cpuTimes, describeCase, runMatrix, walls } from './matrix.js';
import { Runner, native, qemu, dsu, peakRssKiB, DSU, NATIVE, QEMU } from './runners.js';
import { Variant } from './paths.js';
import { RSS_KERNELS, computeCase, memoryCase, phaseCases, startupCase, syscallCases, syscallSizes } from './kernels.js';
import { Summary, median, ratio, summarize } from './stats.js';
import { renderVariant } from './emulator-report.js';

export interface KernelFigures {
  id: string;
  command: string;
  checksum: string;
  wallMs: Record<string, Summary & { runs: number[] }>;
  /** User + system CPU time of the child process (for dsu: every thread of the Node host). */
  cpuMs: Record<string, Summary & { runs: number[] }>;
  unavailable: Record<string, string>;
  /** Whole-process ratios, and "net" ones with each runner's start-up time subtracted. */
  ratios: Ratios;
  /** The same ratios computed from CPU time instead of wall time. */
  cpuRatios: Ratios;
  dsu?: { slices: number; syscalls: number; inProcessWallMs: number; userCpuMs: number; maxRssKiB: number; maxRssKiBWorst: number };
  peakRssKiB: Record<string, number>;
}

interface Ratios {
  dsuOverNative: number;
  dsuOverQemu: number;
  netDsuOverNative: number;
  netDsuOverQemu: number;
}

interface SyscallFigures {
  sizes: ReturnType<typeof syscallSizes>;
  /** Per runner: ns per loop iteration with the call and without it, and their difference. */
  perRunner: Record<string, { loopWithCallNs: number; emptyLoopNs: number; perSyscallNs: number; perSyscallCpuNs: number }>;
  dsuOverQemu: number;
  cpuDsuOverQemu: number;
}

interface Target {
  name: string;
  limit: number;
  measured: number;
  note: string;
  met: boolean;
}

export interface VariantFigures {
  variant: Variant;
  runners: string[];
  startupMs: Record<string, number>;
  startupCpuMs: Record<string, number>;
  kernels: KernelFigures[];
  syscall: SyscallFigures;
  targets: Target[];
}

async function measureVariant(ctx: BenchContext, variant: Variant): Promise<VariantFigures> {
  const runners: Runner[] = [native, qemu, dsu()].filter((r) => {
    const why = r.unavailable();
    if (why) ctx.progress(`${r.name} unavailable: ${why}`);
    return why === null;
  });
  const sys = syscallCases(variant, ctx.scale);
  const cases = [
    startupCase(variant),
    computeCase(variant, ctx.scale),
    memoryCase(variant, ctx.scale),
    sys.n2,
    ...phaseCases(variant, ctx.scale),
    sys.n1,
    sys.empty1,
    sys.empty2,
  ];
  const progress = (m: string): void => ctx.progress(`emulator ${variant}: ${m}`);
  // PIE programs need the dynamic loader, which dsu is still gaining: report, do not abort.
  const mayFail = (r: Runner): boolean => variant === 'dyn' && r.name === DSU;
  await runMatrix([startupCase(variant)], runners, { runs: 0, warmup: 1, mayFail, progress });
  const results = await runMatrix(cases, runners, { runs: ctx.runs, mayFail, progress });
  const byId = new Map(results.map((r) => [r.case.id, r]));

  const startupMs: Record<string, number> = {};
  const startupCpuMs: Record<string, number> = {};
  for (const r of runners) {
    startupMs[r.name] = median(walls(byId.get('startup')!, r.name));
    startupCpuMs[r.name] = median(cpuTimes(byId.get('startup')!, r.name));
  }

  const kernels: KernelFigures[] = [];
  for (const res of results) {
    if (res.case.id.startsWith('syscall-n1') || res.case.id.startsWith('empty-')) continue;
    const k = kernelFigures(res, runners, startupMs, startupCpuMs);
    if (RSS_KERNELS.has(res.case.id)) {
      progress(`peak RSS of ${res.case.id}`);
      for (const r of runners) {
        if (r.name !== DSU && !res.unavailable.has(r.name)) k.peakRssKiB[r.name] = await peakRssKiB(r, res.case.program, res.case.args);
      }
    }
    kernels.push(k);
  }
  const syscall = syscallFigures(byId, runners, ctx.scale);
  return { variant, runners: runners.map((r) => r.name), startupMs, startupCpuMs, kernels, syscall, targets: targets(kernels, syscall) };
}

function summaries(res: CaseResult, runners: Runner[], of: (r: CaseResult, name: string) => number[]): KernelFigures['wallMs'] {
  const out: KernelFigures['wallMs'] = {};
  for (const r of runners) {
    const v = of(res, r.name);
    if (v.length > 0) out[r.name] = { ...summarize(v), runs: v.map((x) => Math.round(x * 100) / 100) };
  }
  return out;
}

function ratiosOf(medians: KernelFigures['wallMs'], startup: Record<string, number>, isStartup: boolean): Ratios {
  const med = (name: string): number => medians[name]?.median ?? NaN;
  const net = (name: string): number => med(name) - (startup[name] ?? NaN);
  return {
    dsuOverNative: ratio(med(DSU), med(NATIVE)),
    dsuOverQemu: ratio(med(DSU), med(QEMU)),
    netDsuOverNative: isStartup ? NaN : ratio(net(DSU), net(NATIVE)),
    netDsuOverQemu: isStartup ? NaN : ratio(net(DSU), net(QEMU)),
  };
}

function kernelFigures(res: CaseResult, runners: Runner[], startupMs: Record<string, number>, startupCpuMs: Record<string, number>): KernelFigures {
  const wallMs = summaries(res, runners, walls);
  const cpuMs = summaries(res, runners, cpuTimes);
  const isStartup = res.case.id === 'startup';
  const k: KernelFigures = {
    id: res.case.id,
    command: describeCase(res.case),
    checksum: res.checksum,
    wallMs,
    cpuMs,
    unavailable: Object.fromEntries(res.unavailable),
    ratios: ratiosOf(wallMs, startupMs, isStartup),
    cpuRatios: ratiosOf(cpuMs, startupCpuMs, isStartup),
    peakRssKiB: {},
  };
  const stats = (res.samples.get(DSU) ?? []).map((s) => s.stats).filter((s) => s !== undefined);
  if (stats.length > 0) {
    const m = (f: (s: (typeof stats)[number]) => number): number => median(stats.map(f));
    k.dsu = {
      slices: m((s) => s.slices),
      syscalls: m((s) => s.syscalls),
      inProcessWallMs: m((s) => s.wallMs),
      userCpuMs: m((s) => s.userCpuMs),
      maxRssKiB: m((s) => s.maxRssKiB),
      maxRssKiBWorst: Math.max(...stats.map((s) => s.maxRssKiB)),
    };
    k.peakRssKiB[DSU] = k.dsu.maxRssKiB;
  }
  return k;
}

/**
 * ns per iteration from two loop sizes run in the same round (start-up
 * cancels in the difference), then the median over rounds.
 */
function perIterationNs(
  short: CaseResult, long: CaseResult, n1: number, n2: number, runner: string,
  of: (r: CaseResult, name: string) => number[] = walls,
): number {
  const a = of(short, runner);
  const b = of(long, runner);
  const per: number[] = [];
  for (let i = 0; i < Math.min(a.length, b.length); i++) per.push(((b[i] - a[i]) * 1e6) / (n2 - n1));
  return median(per);
}

function syscallFigures(byId: Map<string, CaseResult>, runners: Runner[], scale: number): SyscallFigures {
  const sizes = syscallSizes(scale);
  const perRunner: SyscallFigures['perRunner'] = {};
  for (const r of runners) {
    const withCall = perIterationNs(byId.get('syscall-n1')!, byId.get('syscall')!, sizes.n1, sizes.n2, r.name);
    const empty = perIterationNs(byId.get('empty-n1')!, byId.get('empty-n2')!, sizes.empty1, sizes.empty2, r.name);
    const withCallCpu = perIterationNs(byId.get('syscall-n1')!, byId.get('syscall')!, sizes.n1, sizes.n2, r.name, cpuTimes);
    const emptyCpu = perIterationNs(byId.get('empty-n1')!, byId.get('empty-n2')!, sizes.empty1, sizes.empty2, r.name, cpuTimes);
    if (Number.isFinite(withCall)) {
      perRunner[r.name] = { loopWithCallNs: withCall, emptyLoopNs: empty, perSyscallNs: withCall - empty, perSyscallCpuNs: withCallCpu - emptyCpu };
    }
  }
  const cost = (name: string): number => perRunner[name]?.perSyscallNs ?? NaN;
  const cpuCost = (name: string): number => perRunner[name]?.perSyscallCpuNs ?? NaN;
  return { sizes, perRunner, dsuOverQemu: ratio(cost(DSU), cost(QEMU)), cpuDsuOverQemu: ratio(cpuCost(DSU), cpuCost(QEMU)) };
}

function targets(kernels: KernelFigures[], syscall: SyscallFigures): Target[] {
  const k = (id: string): KernelFigures | undefined => kernels.find((x) => x.id === id);
  const compute = k('compute');
  const memory = k('memory');
  const make = (name: string, limit: number, measured: number, note: string): Target => ({
    name, limit, measured, note, met: Number.isFinite(measured) && measured <= limit,
  });
  const x = (v: number | undefined): string => (v !== undefined && Number.isFinite(v) ? `${v.toFixed(2)}×` : 'n/a');
  const ns = (runner: string): string => {
    const v = syscall.perRunner[runner]?.perSyscallNs;
    return v !== undefined && Number.isFinite(v) ? `${v.toFixed(0)} ns` : 'n/a';
  };
  return [
    make('compute-bound ≤ 1.2× native', 1.2, compute?.ratios.netDsuOverNative ?? NaN,
      `net of start-up; whole process ${x(compute?.ratios.dsuOverNative)}; by CPU time ${x(compute?.cpuRatios.netDsuOverNative)} net`),
    make('memory-heavy ≤ 3× qemu-i386', 3, memory?.ratios.netDsuOverQemu ?? NaN,
      `net of start-up; whole process ${x(memory?.ratios.dsuOverQemu)}; by CPU time ${x(memory?.cpuRatios.netDsuOverQemu)} net`),
    make('trivial syscall ≤ 2× qemu-i386', 2, syscall.dsuOverQemu,
      `getppid: dsu ${ns(DSU)}, qemu-i386 ${ns(QEMU)}, native ${ns(NATIVE)}; by CPU time ${x(syscall.cpuDsuOverQemu)}`),
  ];
}

export const emulatorGroup: BenchGroup = {
  name: 'emulator',
  summary: 'compute, memory and syscall kernels: native vs qemu-i386 vs dsu run; start-up; peak RSS',
  async run(ctx: BenchContext): Promise<GroupReport> {
    const figures: VariantFigures[] = [];
    for (const v of ctx.variants) figures.push(await measureVariant(ctx, v));
    return {
      text: figures.map((f) => renderVariant(f, ctx.runs)).join('\n\n'),
      json: { runs: ctx.runs, scale: ctx.scale, variants: figures },
    };
  },
};
