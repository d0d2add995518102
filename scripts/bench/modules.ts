// The "modules" group: how fast the module model answers. Address -> function
// lookups (what a stack walk does for every frame) over a real program's
// modules, placed as ld.so places them, with its symbol tables; and the cost
// of one live `modules` and `got` query through the control socket, which
// re-reads ld.so's list and every slot from the running program each time.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BenchContext, BenchGroup, GroupReport } from './group.js';
import { DSU_CLI, REPO, sample } from './paths.js';
import { formatTable } from './table.js';
import { median } from './stats.js';
import { parseElf } from '../../loader/elf/elf-file.js';
import { PF_X, PT_LOAD } from '../../loader/elf/constants.js';
import { imageSpan } from '../../loader/image.js';
import { loadList } from '../../loader/program/library-search.js';
import { Module, ModuleCache, ModuleMap, moduleName } from '../../loader/symbols/modules.js';
import { callControl } from '../../control/client.js';

const LOOKUPS = 1_000_000;
const QUERIES = 50;

/** The program's modules, as ld.so would load them, at distinct page-aligned bases. */
function placedModules(program: string): Module[] {
  const exe = parseElf(fs.readFileSync(program), program);
  const read = (p: string): Uint8Array | null => (fs.existsSync(p) && fs.statSync(p).isFile() ? fs.readFileSync(p) : null);
  const cache = new ModuleCache();
  let next = 0xf7000000;
  return loadList(exe, program, read).objects.map((o, i) => {
    const { low, high } = imageSpan(o.elf);
    const start = i === 0 ? 0x56555000 : next;
    if (i > 0) next += high - low + 0x10000;
    const bias = start - low;
    return { path: o.path, name: moduleName(o.path), start, end: start + (high - low), bias, data: cache.forElf(o.elf) };
  });
}

/** Random addresses inside the modules' executable segments: return addresses of a stack walk. */
function codeAddresses(modules: Module[], count: number): Uint32Array {
  const ranges = modules.flatMap((m) => m.data.elf.segments
    .filter((s) => s.type === PT_LOAD && (s.flags & PF_X) !== 0)
    .map((s) => [s.vaddr + m.bias, s.memsz] as const));
  const total = ranges.reduce((n, [, size]) => n + size, 0);
  const out = new Uint32Array(count);
  let seed = 12345;
  for (let i = 0; i < count; i++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    let at = seed % total;
    for (const [start, size] of ranges) {
      if (at < size) {
        out[i] = start + at;
        break;
      }
      at -= size;
    }
  }
  return out;
}

function lookupRate(modules: Module[]): { perSecond: number; nsPerLookup: number; symbols: Record<string, number>; hitRate: number } {
  const map = new ModuleMap(modules);
  const addresses = codeAddresses(modules, LOOKUPS);
  const symbols = Object.fromEntries(modules.map((m) => [m.name, m.data.symbols.all().length]));
  let hits = 0;
  for (let i = 0; i < 10_000; i++) map.locate(addresses[i]); // warm-up
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < addresses.length; i++) if (map.locate(addresses[i]).symbol) hits++;
  const ns = Number(process.hrtime.bigint() - t0) / addresses.length;
  return { perSecond: 1e9 / ns, nsPerLookup: ns, symbols, hitRate: hits / addresses.length };
}

/** Milliseconds per live `modules` and `got` query against got_wait.dyn under dsu run --control. */
async function queryCost(): Promise<{ modulesMs: number; gotMs: number; slots: number }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dsu-bench-modules-'));
  const socket = path.join(dir, 'control.sock');
  const child = spawn(process.execPath, [DSU_CLI, 'run', '--control', socket, sample('programs', 'got_wait', 'dyn')], { cwd: REPO, stdio: ['pipe', 'pipe', 'inherit'] });
  try {
    await new Promise<void>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('ready\n')) resolve();
      });
      child.on('exit', () => reject(new Error('got_wait exited before "ready"')));
    });
    const time = async (cmd: 'modules' | 'got'): Promise<{ ms: number; result: unknown }> => {
      const ms: number[] = [];
      let result: unknown;
      for (let i = 0; i < QUERIES; i++) {
        const t0 = performance.now();
        result = await callControl(socket, cmd, {}, 30_000);
        ms.push(performance.now() - t0);
      }
      return { ms: median(ms), result };
    };
    const modules = await time('modules');
    const got = await time('got');
    return { modulesMs: modules.ms, gotMs: got.ms, slots: (got.result as unknown[]).length };
  } finally {
    child.stdin!.end('\n');
    await new Promise((r) => child.on('close', r));
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export const modulesGroup: BenchGroup = {
  name: 'modules',
  summary: 'module model: address -> function lookups per second; live modules/got query time',
  async run(ctx: BenchContext): Promise<GroupReport> {
    const program = sample('programs', 'got_wait', 'dyn');
    ctx.progress('modules: lookups');
    const modules = placedModules(program);
    const rates = Array.from({ length: ctx.runs }, () => lookupRate(modules));
    const perSecond = median(rates.map((r) => r.perSecond));
    const nsPerLookup = median(rates.map((r) => r.nsPerLookup));
    ctx.progress('modules: live queries');
    const live = await queryCost();
    const text = [
      formatTable(['what', 'figure'], [
        ['address -> function lookups per second', Math.round(perSecond).toLocaleString('en-US')],
        ['ns per lookup', nsPerLookup.toFixed(0)],
        ['lookups that found a symbol', `${(rates[0].hitRate * 100).toFixed(1)}%`],
        ['live "modules" query (control socket round trip)', `${live.modulesMs.toFixed(2)} ms`],
        [`live "got" query (${live.slots} slots)`, `${live.gotMs.toFixed(2)} ms`],
      ], {
        title: `Module model of ${path.relative(REPO, program)} (${modules.map((m) => m.name).join(', ')})`,
        notes: [
          `Lookups: ${LOOKUPS.toLocaleString('en-US')} random addresses in the executable segments, ModuleMap.locate (binary search for the module, then for the symbol); median of ${ctx.runs} passes.`,
          `Symbols per module: ${Object.entries(rates[0].symbols).map(([n, c]) => `${n} ${c}`).join(', ')} (libc without a debug file has only .dynsym: misses are its static functions).`,
          `Live queries: median of ${QUERIES} control calls each, against \`dsu run --control\` on a waiting got_wait.dyn.`,
        ],
      }),
    ].join('\n');
    return { text, json: { program: path.relative(REPO, program), lookupsPerSecond: perSecond, nsPerLookup, hitRate: rates[0].hitRate, symbols: rates[0].symbols, live } };
  },
};
