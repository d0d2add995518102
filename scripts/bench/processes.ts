// The "processes" group (issue 14): what a process costs, timed inside the
// guest by c-samples/bench/processes.c, natively, under qemu-i386 and under
// dsu: a fork+exit+wait round trip with 0, 16 and 64 MiB of touched heap,
// the fork cost per MiB of guest memory (from the 0 and 64 MiB figures), and
// fork+execve of a trivial program+wait. Under qemu-i386 an execve of an
// i386 program is the host kernel's (qemu-i386 is not run again), so its
// exec figure is close to native.
import { BenchContext, BenchGroup, GroupReport } from './group.js';
import { BenchFailure } from './matrix.js';
import { native, qemu, dsu, run, Runner } from './runners.js';
import { sample } from './paths.js';
import { median, ratio } from './stats.js';
import { formatTable, times } from './table.js';

interface Case {
  id: string;
  args: (scale: number) => string[];
}

const CASES: Case[] = [
  { id: 'fork+exit+wait, 0 MiB', args: (s) => ['fork', '0', String(Math.max(5, Math.round(40 * s)))] },
  { id: 'fork+exit+wait, 16 MiB', args: (s) => ['fork', '16', String(Math.max(3, Math.round(10 * s)))] },
  { id: 'fork+exit+wait, 64 MiB', args: (s) => ['fork', '64', String(Math.max(2, Math.round(5 * s)))] },
  { id: 'fork+execve+wait', args: (s) => ['exec', String(Math.max(3, Math.round(10 * s)))] },
];

async function microseconds(runner: Runner, program: string, args: string[]): Promise<number> {
  const r = await run(runner, program, args);
  const m = /^us ([\d.]+)$/m.exec(r.stdout);
  if (r.status !== 0 || !m) throw new BenchFailure(`processes ${args.join(' ')} under ${runner.name}: exit status ${r.status}: ${r.stderr.trim().split('\n').pop() ?? ''}`);
  return Number(m[1]);
}

export const processesGroup: BenchGroup = {
  name: 'processes',
  summary: 'fork+exit+wait (0, 16, 64 MiB), fork cost per MiB, fork+execve+wait: native vs qemu-i386 vs dsu',
  async run(ctx: BenchContext): Promise<GroupReport> {
    const program = sample('bench', 'processes', 'static');
    const runners = [native, qemu, dsu()].filter((r) => r.unavailable() === null);
    const figures = new Map<string, Map<string, number>>();
    for (const c of CASES) {
      const byRunner = new Map<string, number[]>(runners.map((r) => [r.name, []]));
      for (let round = 0; round < ctx.runs; round++) {
        ctx.progress(`processes: ${c.id}, round ${round + 1}/${ctx.runs}`);
        for (let k = 0; k < runners.length; k++) {
          const runner = runners[(round + k) % runners.length];
          byRunner.get(runner.name)!.push(await microseconds(runner, program, c.args(ctx.scale)));
        }
      }
      figures.set(c.id, new Map([...byRunner].map(([name, us]) => [name, median(us)])));
    }
    const perMib = new Map(runners.map((r) => [r.name, (figures.get(CASES[2].id)!.get(r.name)! - figures.get(CASES[0].id)!.get(r.name)!) / 64]));
    figures.set('fork cost per MiB', perMib);
    const names = runners.map((r) => r.name);
    const rows = [...figures].map(([id, byRunner]) => [
      id,
      ...names.map((n) => byRunner.get(n)!.toFixed(0)),
      times(ratio(byRunner.get('dsu') ?? NaN, byRunner.get('native') ?? NaN)),
      times(ratio(byRunner.get('dsu') ?? NaN, byRunner.get('qemu-i386') ?? NaN)),
    ]);
    const text = formatTable(['µs (median)', ...names, 'dsu/native', 'dsu/qemu'], rows, {
      title: `Processes: c-samples/bench/processes.c (static), median of ${ctx.runs} interleaved runs`,
      notes: [
        'Each figure is the program\'s own per-round time (CLOCK_MONOTONIC), so start-up is not in it.',
        'fork cost per MiB: (64 MiB round trip - 0 MiB round trip) / 64. dsu copies the resident private pages at fork (no copy-on-write).',
        'qemu-i386 hands an execve to the host kernel, which runs the i386 program natively.',
      ],
    });
    return { text, json: { runs: ctx.runs, scale: ctx.scale, microseconds: Object.fromEntries([...figures].map(([id, m]) => [id, Object.fromEntries(m)])) } };
  },
};
