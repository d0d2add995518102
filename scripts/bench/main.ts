// `npm run bench [-- GROUP...] [--runs N] [--scale F] [--variant static|dyn|all]`
// Runs the selected benchmark groups (default: all), prints their tables on
// stdout and writes one JSON file per group under bench-results/.
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { BenchContext, BenchGroup } from './group.js';
import { BenchFailure } from './matrix.js';
import { REPO, Variant } from './paths.js';
import { writeResults } from './results.js';
import { emulatorGroup } from './emulator.js';
import { quantumGroup } from './quantum.js';
import { indirectionGroup } from './indirection.js';
import { modulesGroup } from './modules.js';
import { linkGroup } from './link.js';
import { serversGroup } from './servers.js';
import { patchingGroup } from './patching.js';
import { programsGroup } from './programs.js';
import { processesGroup } from './processes.js';
import { startupGroup } from './startup.js';
import { threadsGroup } from './threads.js';

/** Every group, in the order `all` runs them. New groups register here. */
const GROUPS: BenchGroup[] = [startupGroup, emulatorGroup, quantumGroup, indirectionGroup, modulesGroup, linkGroup, serversGroup, threadsGroup, processesGroup, patchingGroup, programsGroup];

const USAGE = `usage: npm run bench -- [GROUP...] [options]
groups (default: all):
${GROUPS.map((g) => `  ${g.name.padEnd(10)} ${g.summary}`).join('\n')}
options:
  --runs N        timed runs per measurement, median reported (default 5)
  --scale F       multiply every kernel's work by F (default 1)
  --variant V     static, dyn or all (default all): which sample builds to measure
  --list          list the groups and exit`;

function fail(message: string): never {
  process.stderr.write(`bench: ${message}\n${USAGE}\n`);
  process.exit(2);
}

function options(): { groups: BenchGroup[]; ctx: BenchContext } {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        runs: { type: 'string', default: '5' },
        scale: { type: 'string', default: '1' },
        variant: { type: 'string', default: 'all' },
        list: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (e) {
    fail((e as Error).message);
  }
  const v = parsed.values;
  if (v.help || v.list) {
    process.stdout.write(USAGE + '\n');
    process.exit(0);
  }
  const runs = Number(v.runs);
  const scale = Number(v.scale);
  if (!Number.isInteger(runs) || runs < 1) fail(`--runs ${v.runs}: expected a positive integer`);
  if (!(scale > 0)) fail(`--scale ${v.scale}: expected a positive number`);
  const variants: Variant[] = v.variant === 'all' ? ['static', 'dyn'] : v.variant === 'static' || v.variant === 'dyn' ? [v.variant] : fail(`--variant ${v.variant}: expected static, dyn or all`);
  const names = parsed.positionals.length === 0 || parsed.positionals.includes('all') ? GROUPS.map((g) => g.name) : parsed.positionals;
  const groups = names.map((n) => GROUPS.find((g) => g.name === n) ?? fail(`unknown group ${n}`));
  const started = Date.now();
  const progress = (m: string): void => {
    process.stderr.write(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${m}\n`);
  };
  return { groups, ctx: { runs, scale, variants, progress } };
}

async function main(): Promise<number> {
  const { groups, ctx } = options();
  if (ctx.runs < 5) ctx.progress(`note: --runs ${ctx.runs} is below 5; medians will be noisy`);
  const load = os.loadavg()[0];
  if (load > 0.5) ctx.progress(`note: load average ${load.toFixed(2)} on ${os.cpus().length} CPUs; other work will distort the timings`);
  for (const g of groups) {
    const when = new Date();
    try {
      const report = await g.run(ctx);
      const file = writeResults(g.name, when, report.json);
      process.stdout.write(`\n== ${g.name} ==\n${report.text}\n\nwrote ${path.relative(REPO, file)}\n`);
    } catch (e) {
      if (e instanceof BenchFailure) {
        process.stderr.write(`\nbench: ${g.name} FAILED: ${e.message}\n`);
        return 1;
      }
      throw e;
    }
  }
  return 0;
}

process.exitCode = await main();
