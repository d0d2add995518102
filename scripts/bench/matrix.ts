// Runs a set of cases on several runners, several rounds, interleaved: each
// round runs every case once on every runner (rotating the runner order),
// so slow drift of the machine affects all runners alike. Every run must
// exit 0 and print the same "checksum <hex>" line as the others; anything
// else stops the benchmark with a BenchFailure.
import path from 'node:path';
import { Runner, Sample, run } from './runners.js';
import { REPO } from './paths.js';

export interface Case {
  /** Identifier used in tables and JSON, e.g. "memory" or "syscall-n1". */
  id: string;
  program: string;
  args: string[];
}

export interface CaseResult {
  case: Case;
  checksum: string;
  /** Per runner name: one sample per round, in round order. */
  samples: Map<string, Sample[]>;
  /** Runners that could not run this case (only those allowed to fail), with the reason. */
  unavailable: Map<string, string>;
}

export interface MatrixOptions {
  runs: number;
  /** Untimed rounds run first (page cache, lazy binding); their results are checked but dropped. */
  warmup?: number;
  /** May this runner fail on this case (a feature still being built)? Then the case is reported unavailable for it. */
  mayFail?: (runner: Runner, c: Case) => boolean;
  progress?: (message: string) => void;
}

/** A run that exited badly or printed a different checksum: the figures would be meaningless. */
export class BenchFailure extends Error {}

const CHECKSUM = /^checksum ([0-9a-f]{8})$/m;

export function describeCase(c: Case): string {
  return [path.relative(REPO, c.program), ...c.args].join(' ');
}

function failureReason(s: Sample): string {
  const lines = s.stderr.trim().split('\n').filter((l) => l.length > 0);
  return `exit status ${s.status}${lines.length ? `: ${lines[lines.length - 1]}` : ''}`;
}

export async function runMatrix(cases: Case[], runners: Runner[], opts: MatrixOptions): Promise<CaseResult[]> {
  const results: CaseResult[] = cases.map((c) => ({
    case: c,
    checksum: '',
    samples: new Map(runners.map((r) => [r.name, []])),
    unavailable: new Map(),
  }));
  const warmup = opts.warmup ?? 0;
  for (let round = 0; round < warmup + opts.runs; round++) {
    const timed = round >= warmup;
    opts.progress?.(timed ? `round ${round - warmup + 1}/${opts.runs}` : `warm-up ${round + 1}/${warmup}`);
    for (let ci = 0; ci < cases.length; ci++) {
      const res = results[ci];
      const c = res.case;
      for (let k = 0; k < runners.length; k++) {
        const runner = runners[(round + ci + k) % runners.length];
        if (res.unavailable.has(runner.name)) continue;
        const s = await run(runner, c.program, c.args);
        const where = `${describeCase(c)} under ${runner.name}`;
        if (s.status !== 0) {
          if (opts.mayFail?.(runner, c)) {
            res.unavailable.set(runner.name, failureReason(s));
            res.samples.get(runner.name)!.length = 0;
            continue;
          }
          throw new BenchFailure(`${where} failed with ${failureReason(s)}`);
        }
        const m = CHECKSUM.exec(s.stdout);
        if (!m) throw new BenchFailure(`${where} printed no checksum line; stdout: ${JSON.stringify(s.stdout.slice(0, 200))}`);
        if (res.checksum === '') res.checksum = m[1];
        else if (m[1] !== res.checksum) {
          throw new BenchFailure(`CHECKSUM MISMATCH: ${where} printed ${m[1]}, other runs printed ${res.checksum}`);
        }
        if (timed) res.samples.get(runner.name)!.push(s);
      }
    }
  }
  return results;
}

export function walls(r: CaseResult, runner: string): number[] {
  return (r.samples.get(runner) ?? []).map((s) => s.wallMs);
}

export function cpuTimes(r: CaseResult, runner: string): number[] {
  return (r.samples.get(runner) ?? []).map((s) => s.cpuMs);
}
