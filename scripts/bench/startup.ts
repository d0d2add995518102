// The "startup" group: the fixed cost of running a trivial program (whole
// process, from spawn to exit) natively, under qemu-i386 and under dsu, with
// Node's own start-up beside them as dsu's floor; and the resident memory of
// each runner while a trivial program sleeps (idle RSS), split into
// anonymous memory (heaps, V8, the engine, guest pages) and file pages
// (the node binary and shared libraries). Targets (issue 15): dsu's start-up
// <= 100 ms and its idle RSS <= 60 MiB.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { BenchContext, BenchGroup, GroupReport } from './group.js';
import { Case, cpuTimes, describeCase, runMatrix, walls } from './matrix.js';
import { native, qemu, dsu, Runner } from './runners.js';
import { kernelCase, startupCase } from './kernels.js';
import { median, ratio, summarize } from './stats.js';
import { formatTable, mib, ms, plusMinus, times } from './table.js';
import type { Variant } from './paths.js';

const STARTUP_TARGET_MS = 100;
const IDLE_RSS_TARGET_MIB = 60;
/** The idle program sleeps this long; its memory is read IDLE_READ_MS after it printed. */
const IDLE_SLEEP_MS = 2000;
const IDLE_READ_MS = 1000;
const IDLE_RUNS = 3;

/** Node printing the checksum line and exiting: what any Node program pays before its own code. */
const nodeAlone: Runner = {
  name: 'node alone',
  unavailable: () => null,
  command: () => ({ cmd: process.execPath, argv: ['-e', "process.stdout.write('checksum 00000000\\n')"] }),
};

interface Memory {
  rssKiB: number;
  anonKiB: number;
  fileKiB: number;
}

/** VmRSS, RssAnon and RssFile of a live process, from /proc. */
function memoryOf(pid: number): Memory | null {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const field = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { rssKiB: field('VmRSS'), anonKiB: field('RssAnon'), fileKiB: field('RssFile') };
  } catch {
    return null;
  }
}

/** Start the idle program under `runner`, read its memory once it has printed and slept a while, let it finish. */
function idleMemory(runner: Runner, c: Case): Promise<Memory> {
  const cmd = runner.command(c.program, c.args);
  return new Promise((resolve, reject) => {
    const child = spawn(cmd.cmd, cmd.argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    let measured: Memory | null = null;
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout.once('data', () => {
      setTimeout(() => {
        measured = child.pid !== undefined ? memoryOf(child.pid) : null;
      }, IDLE_READ_MS);
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (cmd.statsFile) fs.rmSync(cmd.statsFile, { force: true });
      if (code !== 0 || measured === null) reject(new Error(`${describeCase(c)} under ${runner.name}: ${code !== 0 ? `exit status ${code}: ${err.trim()}` : 'memory not read while it slept'}`));
      else resolve(measured);
    });
  });
}

interface VariantFigures {
  variant: Variant;
  command: string;
  wallMs: Record<string, ReturnType<typeof summarize>>;
  cpuMs: Record<string, number>;
  /** dsu's own --stats time: first slice to exit, without Node's and dsu's start-up. */
  dsuInProcessMs: number;
  dsuPeakRssKiB: number;
  idle: Record<string, Memory>;
}

async function measureVariant(variant: Variant, ctx: BenchContext): Promise<VariantFigures> {
  const d = dsu();
  const runners = [native, qemu, nodeAlone, d];
  for (const r of runners) {
    const why = r.unavailable();
    if (why) throw new Error(`${r.name}: ${why}`);
  }
  const c = startupCase(variant);
  // start-ups are short: more rounds cost little and steady the medians
  const runs = Math.max(ctx.runs, 10);
  const [res] = await runMatrix([c], runners, { runs, warmup: 1, progress: (m) => ctx.progress(`startup (${variant}): ${m}`) });
  const wallMs: VariantFigures['wallMs'] = {};
  const cpuMs: VariantFigures['cpuMs'] = {};
  for (const r of runners) {
    wallMs[r.name] = summarize(walls(res, r.name));
    cpuMs[r.name] = median(cpuTimes(res, r.name));
  }
  const stats = (res.samples.get(d.name) ?? []).flatMap((s) => (s.stats ? [s.stats] : []));
  const idleCase = kernelCase('idle', 'idle', variant, [String(IDLE_SLEEP_MS)]);
  const idle: Record<string, Memory> = {};
  for (const r of [native, qemu, d]) {
    const samples: Memory[] = [];
    for (let i = 0; i < IDLE_RUNS; i++) {
      ctx.progress(`startup (${variant}): idle memory under ${r.name} ${i + 1}/${IDLE_RUNS}`);
      samples.push(await idleMemory(r, idleCase));
    }
    idle[r.name] = { rssKiB: median(samples.map((s) => s.rssKiB)), anonKiB: median(samples.map((s) => s.anonKiB)), fileKiB: median(samples.map((s) => s.fileKiB)) };
  }
  return {
    variant, command: describeCase(c), wallMs, cpuMs,
    dsuInProcessMs: median(stats.map((s) => s.wallMs)), dsuPeakRssKiB: median(stats.map((s) => s.maxRssKiB)), idle,
  };
}

function render(f: VariantFigures, runs: number): { text: string; verdicts: string[] } {
  const names = Object.keys(f.wallMs);
  const dsuWall = f.wallMs.dsu.median;
  const startTable = formatTable(
    ['runner', 'wall ms', 'CPU ms', 'dsu/runner (wall)'],
    names.map((n) => [n, `${ms(f.wallMs[n].median)} ${plusMinus(f.wallMs[n].spread)}`, ms(f.cpuMs[n]), n === 'dsu' ? '-' : times(ratio(dsuWall, f.wallMs[n].median))]),
    {
      title: `Start-up (${f.variant}): ${f.command}, whole process, median of ${Math.max(runs, 10)} interleaved runs`,
      notes: [
        `dsu in-process (its --stats wall time, first slice to exit): ${ms(f.dsuInProcessMs)} ms; the rest is Node and loading dsu.`,
        `dsu peak RSS (--stats): ${mib(f.dsuPeakRssKiB)} MiB.`,
      ],
    },
  );
  const idleTable = formatTable(
    ['runner', 'RSS MiB', 'anonymous MiB', 'file MiB'],
    Object.entries(f.idle).map(([n, m]) => [n, mib(m.rssKiB), mib(m.anonKiB), mib(m.fileKiB)]),
    { title: `Idle RSS (${f.variant}): the idle sample sleeping (${IDLE_READ_MS} ms after it printed), median of ${IDLE_RUNS}` },
  );
  const verdict = (ok: boolean): string => (ok ? 'met' : 'MISSED');
  const idleMiB = f.idle.dsu.rssKiB / 1024;
  const verdicts = [
    `start-up (${f.variant}) <= ${STARTUP_TARGET_MS} ms whole process: dsu ${ms(dsuWall)} ms (native ${ms(f.wallMs.native.median)}, qemu-i386 ${ms(f.wallMs['qemu-i386'].median)}, Node alone ${ms(f.wallMs['node alone'].median)}) ${verdict(dsuWall <= STARTUP_TARGET_MS)}`,
    `idle RSS (${f.variant}) <= ${IDLE_RSS_TARGET_MIB} MiB: dsu ${idleMiB.toFixed(1)} MiB (qemu-i386 ${mib(f.idle['qemu-i386'].rssKiB)}, native ${mib(f.idle.native.rssKiB)}) ${verdict(idleMiB <= IDLE_RSS_TARGET_MIB)}`,
  ];
  return { text: [startTable, idleTable].join('\n\n'), verdicts };
}

export const startupGroup: BenchGroup = {
  name: 'startup',
  summary: 'a trivial program\'s whole-process time natively, under qemu-i386 and dsu (and Node alone), and idle RSS',
  async run(ctx: BenchContext): Promise<GroupReport> {
    const figures: VariantFigures[] = [];
    for (const v of ctx.variants) figures.push(await measureVariant(v, ctx));
    const rendered = figures.map((f) => render(f, ctx.runs));
    const targets = formatTable(['verdict'], rendered.flatMap((r) => r.verdicts.map((v) => [v])), { title: 'Targets (issue 15)' });
    return {
      text: [...rendered.map((r) => r.text), targets].join('\n\n'),
      json: { runs: Math.max(ctx.runs, 10), targets: { startupMs: STARTUP_TARGET_MS, idleRssMiB: IDLE_RSS_TARGET_MIB }, variants: figures, verdicts: rendered.flatMap((r) => r.verdicts) },
    };
  },
};
