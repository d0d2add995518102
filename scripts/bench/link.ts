// The "link" group: how long the linker takes to parse, check, place, bind,
// relocate, map and register a 1 MB shared object (c-samples/linktest's
// big.so: 950 functions with their data and pointer tables, ~5,700
// relocations) into a program running under dsu, in this process. The
// program is held still, as the patcher holds it; each run is unlinked
// before the next. Measured warm (the LinkCache the patcher keeps already
// indexed libc and the executable) and cold (a new cache for each run).
import fs from 'node:fs';
import path from 'node:path';
import { BenchContext, BenchGroup, GroupReport } from './group.js';
import { BenchFailure } from './matrix.js';
import { REPO, SAMPLES } from './paths.js';
import { summarize, Summary } from './stats.js';
import { formatTable, ms, plusMinus } from './table.js';
import { startSession, Session } from '../../emulator/launch.js';
import { createLogger } from '../../emulator/log.js';
import { staticSymbols } from '../../loader/elf/symbols.js';
import { ModuleCache } from '../../loader/symbols/modules.js';
import { programModules } from '../../loader/program/program-modules.js';
import type { RuntimeModule } from '../../loader/program/runtime-module.js';
import { guestProgram } from '../../patcher/inspect/guest-program.js';
import { LinkCache, applyLink, planLink, unlink } from '../../loader/link/index.js';
import { guestLinkTarget } from '../../patcher/guest-link-target.js';

const TARGET_MS = 20;
/** Untimed links after the first, so the JIT has compiled the linker before timing. */
const WARM_UP = 5;
const HOST = path.join(SAMPLES, 'linktest', 'host');
const OBJECT = path.join(SAMPLES, 'linktest', 'big.so');

interface Run {
  planMs: number;
  applyMs: number;
  totalMs: number;
}

async function startHost(): Promise<{ session: Session; quit: () => Promise<void> }> {
  const devnull = fs.openSync('/dev/null', 'w');
  const session = startSession({ program: HOST, args: [], log: createLogger({ fd: devnull }) });
  const proc = session.proc;
  const symbol = (name: string): number => {
    const s = staticSymbols(proc.exe!.elf).find((x) => x.name === name);
    if (!s) throw new BenchFailure(`${name} not in ${HOST}`);
    return s.value + proc.exe!.bias;
  };
  const view = proc.space.memory.view;
  const ready = symbol('host_ready');
  for (const started = Date.now(); view.getUint32(ready, true) !== 1;) {
    if (proc.exited || Date.now() - started > 20_000) throw new BenchFailure('the link host did not get ready');
    await new Promise((r) => setTimeout(r, 5));
  }
  session.runner.hold();
  return {
    session,
    quit: async () => {
      session.runner.release();
      view.setUint32(symbol('host_quit'), 1, true);
      await session.done;
      fs.closeSync(devnull);
    },
  };
}

/** One link and unlink; checks a word the linker wrote, so a broken link cannot pass for a fast one. */
async function linkOnce(session: Session, bytes: Uint8Array, cache: LinkCache, moduleCache: ModuleCache): Promise<Run & { relocations: number }> {
  const proc = session.proc;
  // the bench links and unlinks at once: its own list of linked objects
  const linkedObjects: RuntimeModule[] = [];
  const modules = programModules(guestProgram(proc, moduleCache, linkedObjects));
  const t0 = performance.now();
  const plan = planLink(bytes, OBJECT, guestLinkTarget(proc, linkedObjects, modules, { cache, moduleCache }));
  const t1 = performance.now();
  const linked = await applyLink(plan);
  const t2 = performance.now();
  const table = linked.exports.get('big_fns');
  const fn = linked.exports.get('big_fn_0');
  const ok = table && fn && proc.space.memory.view.getUint32(table.address, true) === fn.address;
  unlink(linked);
  if (!ok) throw new BenchFailure('big.so linked, but big_fns[0] is not big_fn_0');
  return { planMs: t1 - t0, applyMs: t2 - t1, totalMs: t2 - t0, relocations: plan.object.relocations.entries.length + plan.object.relocations.relative.length };
}

function row(label: string, s: Summary): string[] {
  return [label, `${ms(s.median)} ${plusMinus(s.spread)}`, ms(s.min), ms(s.max)];
}

export const linkGroup: BenchGroup = {
  name: 'link',
  summary: 'linker: plan + apply (parse, bind, relocate, map, register) of a 1 MB .so into a running program',
  async run(ctx: BenchContext): Promise<GroupReport> {
    if (!fs.existsSync(OBJECT) || !fs.existsSync(HOST)) throw new BenchFailure(`${path.relative(REPO, OBJECT)} or the host is missing: make -C c-samples`);
    const t0 = performance.now();
    const bytes = fs.readFileSync(OBJECT);
    const readMs = performance.now() - t0;
    const runs = Math.max(ctx.runs * 4, 10);
    const { session, quit } = await startHost();
    try {
      const moduleCache = new ModuleCache();
      const warmCache = new LinkCache();
      ctx.progress(`link: ${runs} warm and ${runs} cold links of ${path.basename(OBJECT)}`);
      const first = await linkOnce(session, bytes, warmCache, moduleCache);
      for (let i = 0; i < WARM_UP; i++) await linkOnce(session, bytes, warmCache, moduleCache);
      const warm: Run[] = [];
      const cold: Run[] = [];
      for (let i = 0; i < runs; i++) {
        warm.push(await linkOnce(session, bytes, warmCache, moduleCache));
        cold.push(await linkOnce(session, bytes, new LinkCache(), new ModuleCache()));
      }
      const total = summarize(warm.map((r) => r.totalMs));
      const plan = summarize(warm.map((r) => r.planMs));
      const apply = summarize(warm.map((r) => r.applyMs));
      const coldTotal = summarize(cold.map((r) => r.totalMs));
      const verdict = total.median <= TARGET_MS ? 'met' : 'MISSED';
      const text = formatTable(['measurement', 'median ms', 'min ms', 'max ms'], [
        row('plan + apply (warm caches)', total),
        row('  planLink', plan),
        row('  applyLink', apply),
        row('plan + apply (cold caches)', coldTotal),
        ['first link in this process', ms(first.totalMs), '-', '-'],
      ], {
        title: `Linking ${path.relative(REPO, OBJECT)} (${(bytes.length / 2 ** 20).toFixed(2)} MiB, ${first.relocations} relocations) into a running ${path.basename(HOST)}: ${runs} runs each`,
        notes: [
          `target: plan + apply under ${TARGET_MS} ms: ${ms(total.median)} ms, ${verdict}`,
          'warm: the LinkCache and ModuleCache (libc\'s and the executable\'s symbol indexes) kept between runs, as the patcher keeps them; cold: new caches each run.',
          `first link: JIT warm-up and cold caches; ${WARM_UP} more untimed links follow it. Reading the file: ${ms(readMs)} ms (not included). Unlinking is not timed.`,
        ],
      });
      return {
        text,
        json: { object: path.relative(REPO, OBJECT), bytes: bytes.length, relocations: first.relocations, runs, targetMs: TARGET_MS, verdict, firstMs: first.totalMs, readMs, warm, cold, summary: { total, plan, apply, coldTotal } },
      };
    } finally {
      await quit();
    }
  },
};
