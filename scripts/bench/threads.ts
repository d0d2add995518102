// The "threads" group: what guest threads cost, natively, under qemu-i386
// and under dsu (c-samples/threads-bench/threadbench.c): a futex handoff
// between two threads (each one a thread switch), a sched_yield between two
// runnable threads, and the futex wake-to-run latency the kernel reports
// from inside the guest. Per-operation costs are differences between two
// run sizes, so start-up cancels out. The multi-threaded server's requests
// per second are in the "servers" group (mtkv-P1).
import { BenchContext, BenchGroup, GroupReport } from './group.js';
import { Case, CaseResult, runMatrix, walls } from './matrix.js';
import { Runner, native, qemu, dsu, DSU } from './runners.js';
import { Variant, sample } from './paths.js';
import { median } from './stats.js';
import { formatTable } from './table.js';

const KERNELS = ['pingpong', 'yield'] as const;
/** Operations per run at scale 1: the small and the large size of each kernel. */
const SIZES = { small: 2_000, large: 20_000 };
const WAKES = 2_000;

const count = (base: number, scale: number): number => Math.max(10, Math.round(base * scale));
const kernel = (v: Variant, id: string, args: string[]): Case => ({ id, program: sample('threads-bench', 'threadbench', v), args });

interface KernelCost {
  kernel: string;
  /** Per runner: ns per operation (a one-way handoff, or one sched_yield). */
  nsPerOp: Record<string, number>;
  /** dsu's engine switches per operation (from --stats). */
  dsuSwitchesPerOp: number;
}

function perOp(small: CaseResult, large: CaseResult, runner: string, ops: number): number {
  return ((median(walls(large, runner)) - median(walls(small, runner))) * 1e6) / ops;
}

function wakeNs(r: CaseResult, runner: string): number {
  return median((r.samples.get(runner) ?? []).map((s) => Number(/^wake-to-run ns (\d+)$/m.exec(s.stdout)?.[1] ?? NaN)));
}

export const threadsGroup: BenchGroup = {
  name: 'threads',
  summary: 'thread switch (futex handoff), sched_yield and futex wake-to-run latency: native, qemu-i386, dsu',
  async run(ctx: BenchContext): Promise<GroupReport> {
    const runners: Runner[] = [native, qemu, dsu()];
    for (const r of runners) {
      const why = r.unavailable();
      if (why) throw new Error(`${r.name}: ${why}`);
    }
    const small = count(SIZES.small, ctx.scale);
    const large = count(SIZES.large, ctx.scale);
    const wakes = count(WAKES, ctx.scale);
    const texts: string[] = [];
    const json: Record<string, unknown> = { runs: ctx.runs, scale: ctx.scale, sizes: { small, large, wakes } };
    for (const v of ctx.variants) {
      const cases = [
        ...KERNELS.flatMap((k) => [kernel(v, `${k}-small`, [k, String(small)]), kernel(v, `${k}-large`, [k, String(large)])]),
        kernel(v, 'wake', ['wake', String(wakes)]),
      ];
      const results = await runMatrix(cases, runners, { runs: ctx.runs, warmup: 1, progress: (m) => ctx.progress(`threads (${v}): ${m}`) });
      const byId = new Map(results.map((r) => [r.case.id, r]));
      const costs: KernelCost[] = KERNELS.map((k) => {
        const s = byId.get(`${k}-small`)!;
        const l = byId.get(`${k}-large`)!;
        // pingpong: each round is two handoffs; yield: each of the two threads yields n times
        const ops = 2 * (large - small);
        const switches = (r: CaseResult): number => median((r.samples.get(runners[2].name) ?? []).map((x) => x.stats?.threads?.switches ?? NaN));
        return {
          kernel: k,
          nsPerOp: Object.fromEntries(runners.map((r) => [r.name, perOp(s, l, r.name, ops)])),
          dsuSwitchesPerOp: (switches(l) - switches(s)) / ops,
        };
      });
      const wake = byId.get('wake')!;
      const wakeRow = Object.fromEntries(runners.map((r) => [r.name, wakeNs(wake, r.name)]));
      const ns = (x: number): string => (Number.isFinite(x) ? `${x.toFixed(0)} ns` : '-');
      texts.push(formatTable(
        ['operation', ...runners.map((r) => r.name), 'dsu / native', 'dsu / qemu', 'dsu switches per op'],
        [
          ...costs.map((c) => [
            c.kernel === 'pingpong' ? 'futex handoff' : 'sched_yield',
            ...runners.map((r) => ns(c.nsPerOp[r.name])),
            `${(c.nsPerOp[runners[2].name] / c.nsPerOp[native.name]).toFixed(1)}×`,
            `${(c.nsPerOp[runners[2].name] / c.nsPerOp[qemu.name]).toFixed(1)}×`,
            c.dsuSwitchesPerOp.toFixed(2),
          ]),
          ['futex wake-to-run (median)', ...runners.map((r) => ns(wakeRow[r.name])), `${(wakeRow[runners[2].name] / wakeRow[native.name]).toFixed(1)}×`, `${(wakeRow[runners[2].name] / wakeRow[qemu.name]).toFixed(1)}×`, '-'],
        ],
        {
          title: `Threads (${v}): threadbench, ${small} and ${large} rounds, ${wakes} wake-ups; median of ${ctx.runs} interleaved runs`,
          notes: [
            'futex handoff: two threads pass a token with FUTEX_WAIT/FUTEX_WAKE; per one-way handoff, from the wall-time difference of the two sizes.',
            'sched_yield: two runnable threads each yield; per call. Natively the threads run on two cores, so a yield need not switch.',
            `wake-to-run: time from the waker's clock read before FUTEX_WAKE to the woken thread's clock read, measured by the guest. Under ${DSU} the woken thread runs once the waker blocks or its quantum ends.`,
          ],
        },
      ));
      json[v] = { costs, wakeToRunNs: wakeRow, runners: runners.map((r) => r.name) };
    }
    return { text: texts.join('\n\n'), json };
  },
};
