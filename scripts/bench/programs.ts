// The "programs" group: real programs from Debian's i386 packages, each with
// a fixed workload, natively (chroot into the sysroot), under qemu-i386
// (-L sysroot) and under dsu (--root sysroot), interleaved round by round.
// Every run must exit 0 and print what the others printed (throughput runs:
// a parsable rate). dsu runs with --profile, so each workload's time is split
// into guest code, syscall handlers and the rest of the host.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { BenchContext, BenchGroup, GroupReport } from './group.js';
import { BenchFailure } from './matrix.js';
import { DSU, NATIVE, QEMU } from './runners.js';
import { DSU_CLI, REPO } from './paths.js';
import { execute, Execution } from './process-timer.js';
import { PACKAGES, SYSROOT, WORKLOAD_ENV, Workload, prepareInputs, throughputOf, workloads } from './programs-workloads.js';
import { ProgramFigures, renderPrograms } from './programs-report.js';
import { median, ratio, summarize } from './stats.js';

const TIMEOUT_MS = 600_000;
/**
 * Every runner starts in the sysroot's / (chroot changes into it; qemu-i386
 * and dsu map their working directory): the workloads name their inputs by
 * relative paths, because qemu-i386 -L does not redirect every call that
 * takes a path (statx, for one).
 */
const IN_SYSROOT = { env: WORKLOAD_ENV, cwd: SYSROOT };

interface Profile {
  guestMs: number;
  syscallMs: number;
  otherCpuMs: number;
}

interface Run extends Execution {
  profile?: Profile;
}

interface ProgramRunner {
  name: string;
  run(w: Workload): Promise<Run>;
}

let statsCounter = 0;

const runners: ProgramRunner[] = [
  { name: NATIVE, run: (w) => execute('chroot', [SYSROOT, w.program, ...w.args], TIMEOUT_MS, IN_SYSROOT) },
  { name: QEMU, run: (w) => execute('qemu-i386', ['-L', SYSROOT, path.join(SYSROOT, w.program), ...w.args], TIMEOUT_MS, IN_SYSROOT) },
  {
    name: DSU,
    async run(w) {
      const stats = path.join(os.tmpdir(), `dsu-bench-programs-${process.pid}-${statsCounter++}.json`);
      const argv = [DSU_CLI, 'run', '--root', SYSROOT, '--stats', stats, '--profile', w.program, ...w.args];
      const r: Run = await execute(process.execPath, argv, TIMEOUT_MS, IN_SYSROOT);
      try {
        r.profile = (JSON.parse(fs.readFileSync(stats, 'utf8')) as { profile?: Profile }).profile;
      } catch {
        // no stats: the run failed; its status says so
      } finally {
        fs.rmSync(stats, { force: true });
      }
      return r;
    },
  },
];

function ensureSysroot(ctx: BenchContext): void {
  ctx.progress(`programs: sysroot ${path.relative(REPO, SYSROOT)} (${PACKAGES.join(', ')})`);
  const r = spawnSync('bash', [path.join(REPO, 'scripts', 'sysroot.sh'), SYSROOT, ...PACKAGES], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) throw new BenchFailure(`scripts/sysroot.sh failed (status ${r.status}): cannot build the programs' sysroot`);
}

function failure(w: Workload, runner: string, r: Run): BenchFailure {
  const last = r.stderr.trim().split('\n').pop() ?? '';
  return new BenchFailure(`${w.id} (${w.program} ${w.args.join(' ')}) under ${runner}: exit status ${r.status}${last ? `: ${last}` : ''}`);
}

async function measure(ctx: BenchContext, list: Workload[]): Promise<ProgramFigures[]> {
  const runs = new Map<string, Map<string, Run[]>>(list.map((w) => [w.id, new Map(runners.map((r) => [r.name, []]))]));
  const expected = new Map<string, string>();
  // one native run first: fills the page cache and records the output every runner must print
  for (const w of list) {
    const r = await runners[0].run(w);
    if (r.status !== 0) throw failure(w, NATIVE, r);
    expected.set(w.id, r.stdoutSha256);
  }
  for (let round = 0; round < ctx.runs; round++) {
    ctx.progress(`programs: round ${round + 1}/${ctx.runs}`);
    for (let wi = 0; wi < list.length; wi++) {
      const w = list[wi];
      for (let k = 0; k < runners.length; k++) {
        const runner = runners[(round + wi + k) % runners.length];
        const r = await runner.run(w);
        if (r.status !== 0) throw failure(w, runner.name, r);
        if (w.kind === 'output' && r.stdoutSha256 !== expected.get(w.id)) {
          throw new BenchFailure(`OUTPUT MISMATCH: ${w.id} under ${runner.name} printed other output than natively`);
        }
        if (w.kind === 'throughput' && !Number.isFinite(throughputOf(r.stdout))) {
          throw new BenchFailure(`${w.id} under ${runner.name}: no rate in its output: ${JSON.stringify(r.stdout.slice(-200))}`);
        }
        runs.get(w.id)!.get(runner.name)!.push(r);
      }
    }
  }
  return list.map((w) => figures(w, runs.get(w.id)!));
}

function figures(w: Workload, byRunner: Map<string, Run[]>): ProgramFigures {
  const wallMs: ProgramFigures['wallMs'] = {};
  const rate: ProgramFigures['bytesPerSecond'] = {};
  for (const [name, rs] of byRunner) {
    wallMs[name] = { ...summarize(rs.map((r) => r.wallMs)), runs: rs.map((r) => Math.round(r.wallMs)) };
    if (w.kind === 'throughput') rate[name] = median(rs.map((r) => throughputOf(r.stdout)));
  }
  // time ratios (dsu over the other); for throughput, the inverse ratio of rates
  const over = (other: string): number =>
    w.kind === 'throughput' ? ratio(rate[other], rate[DSU]) : ratio(wallMs[DSU]?.median, wallMs[other]?.median);
  const profiles = (byRunner.get(DSU) ?? []).map((r) => r.profile).filter((p): p is Profile => p !== undefined);
  const split = profiles.length === 0 ? undefined : {
    guestMs: median(profiles.map((p) => p.guestMs)),
    syscallMs: median(profiles.map((p) => p.syscallMs)),
    otherCpuMs: median(profiles.map((p) => p.otherCpuMs)),
  };
  return { id: w.id, what: w.what, command: [w.program, ...w.args].join(' '), kind: w.kind, wallMs, bytesPerSecond: rate, dsuOverNative: over(NATIVE), dsuOverQemu: over(QEMU), dsuSplit: split };
}

export const programsGroup: BenchGroup = {
  name: 'programs',
  summary: 'real Debian i386 programs (Lua, SQLite, Python, gzip/xz/bzip2, openssl, sort): native vs qemu-i386 vs dsu',
  async run(ctx: BenchContext): Promise<GroupReport> {
    ensureSysroot(ctx);
    prepareInputs(ctx.scale);
    const list = workloads(ctx.scale);
    const results = await measure(ctx, list);
    return {
      text: renderPrograms(results, ctx.runs),
      json: { runs: ctx.runs, scale: ctx.scale, sysrootPackages: PACKAGES, environment: WORKLOAD_ENV, programs: results },
    };
  },
};
