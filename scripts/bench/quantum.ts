// The "quantum" group: how the preemption quantum (dsu run --quantum MS)
// affects the memory-heavy kernel's time and number of slices. Quantum 0
// turns preemption off: one slice, no watchdog; it is the reference.
import { BenchContext, BenchGroup, GroupReport } from './group.js';
import { cpuTimes, runMatrix, walls } from './matrix.js';
import { native, dsu, Runner } from './runners.js';
import { memoryCase } from './kernels.js';
import { median, summarize } from './stats.js';
import { formatTable, ms, plusMinus } from './table.js';

const QUANTA = [0, 1, 2, 5, 20];

export const quantumGroup: BenchGroup = {
  name: 'quantum',
  summary: 'memory-heavy kernel under dsu with --quantum 0 (off), 1, 2, 5 and 20 ms: time and slices',
  async run(ctx: BenchContext): Promise<GroupReport> {
    const c = memoryCase('static', ctx.scale);
    const configs = QUANTA.map((q) => ({ q, runner: dsu(['--quantum', String(q)]) }));
    const runners: Runner[] = [native, ...configs.map((x) => x.runner)];
    for (const r of runners) {
      const why = r.unavailable();
      if (why) throw new Error(`${r.name}: ${why}`);
    }
    const [res] = await runMatrix([c], runners, { runs: ctx.runs, progress: (m) => ctx.progress(`quantum: ${m}`) });
    const rows = configs.map(({ q, runner }) => {
      const samples = res.samples.get(runner.name) ?? [];
      const stats = samples.flatMap((s) => (s.stats ? [s.stats] : []));
      const wall = summarize(walls(res, runner.name));
      const inProcess = median(stats.map((s) => s.wallMs));
      const slices = median(stats.map((s) => s.slices));
      const cpuMs = median(cpuTimes(res, runner.name));
      return { quantumMs: q, wallMs: { ...wall, runs: walls(res, runner.name) }, inProcessWallMs: inProcess, cpuMs, slices };
    });
    const off = rows[0];
    const table = formatTable(
      ['quantum', 'wall ms', 'in-process ms', 'CPU ms', 'slices', 'slices/s', 'vs off', 'µs per slice'],
      rows.map((r) => [
        r.quantumMs === 0 ? 'off' : `${r.quantumMs} ms`,
        `${ms(r.wallMs.median)} ${plusMinus(r.wallMs.spread)}`,
        ms(r.inProcessWallMs),
        ms(r.cpuMs),
        String(r.slices),
        r.inProcessWallMs > 0 ? (r.slices / (r.inProcessWallMs / 1000)).toFixed(0) : '-',
        r === off ? '-' : `${(((r.wallMs.median - off.wallMs.median) / off.wallMs.median) * 100).toFixed(1)}%`,
        r === off || r.slices <= 1 ? '-' : (((r.wallMs.median - off.wallMs.median) * 1000) / (r.slices - 1)).toFixed(1),
      ]),
      {
        title: `Preemption quantum: ${c.args.join(' ')} memory kernel (static), median of ${ctx.runs} interleaved runs`,
        notes: [
          'in-process ms: dsu\'s own --stats wall time (from the first slice to exit, without Node start-up).',
          'CPU ms: user+system time of the whole dsu process (all threads, start-up included).',
          'µs per slice: extra wall time against "off" divided by the extra slices (noisy when the difference is small).',
        ],
      },
    );
    return { text: table, json: { runs: ctx.runs, scale: ctx.scale, command: c.args, checksum: res.checksum, rows } };
  },
};
