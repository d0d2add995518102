// The live module and GOT models of programs run under `dsu run --control`,
// through `dsu modules` and `dsu got --control`, checked against sources
// that do not share dsu's code: the guest's own /proc/self/maps for module
// bases, libc's dynamic symbol table for where puts is, the section headers
// for where the PLT is.
import { describe, expect, test } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { BUILD } from '../helpers/run.js';
import { dsuCli, dsuJson, runControlled } from '../helpers/control-session.js';
import { loadElf } from '../helpers/elf-modules.js';
import { dynamicSymbols } from '../../loader/elf/symbols.js';

interface ModuleRow {
  name: string;
  path: string;
  kind: string;
  base: string;
  start: string;
  end: string;
  buildId: string | null;
  eager: string | null;
  segments: { start: string; end: string; fileProt: string; pages: { start: string; end: string; prot: string }[] }[];
}

interface SlotRow {
  module: string;
  symbol: string | null;
  type: string;
  slot: string;
  value: string | null;
  state: string;
  target: string | null;
  targetModule: string | null;
  targetSymbol: string | null;
  relro: boolean;
  binding: string | null;
  eager: string | null;
}

const program = (name: string) => path.join(BUILD, 'programs', name);
const num = (hex: string | null): number => parseInt(hex!, 16);

/** start address of the first offset-0 mapping of each file in /proc/self/maps text. */
function mapBases(maps: string): Map<string, number> {
  const bases = new Map<string, number>();
  for (const line of maps.split('\n')) {
    const m = /^([0-9a-f]+)-[0-9a-f]+ \S+ 00000000 \S+ \d+\s+(\/\S+)$/.exec(line);
    if (m && !bases.has(m[2])) bases.set(m[2], parseInt(m[1], 16));
  }
  return bases;
}

function libcAddress(libcPath: string, base: number, name: string): number {
  const sym = dynamicSymbols(loadElf(libcPath)).find((s) => s.name === name && s.shndx !== 0);
  if (!sym) throw new Error(`${name} not in ${libcPath}'s dynamic symbols`);
  return (base + sym.value) >>> 0;
}

function pltRange(file: string, base: number): [number, number] {
  const plt = loadElf(file).sections.find((s) => s.name === '.plt')!;
  return [base + plt.addr, base + plt.addr + plt.size];
}

const slotOf = (rows: SlotRow[], module: string, symbol: string, type = 'R_386_JUMP_SLOT'): SlotRow => {
  const r = rows.find((x) => x.module === module && x.symbol === symbol && x.type === type);
  if (!r) throw new Error(`no ${type} slot for ${symbol} in ${module}`);
  return r;
};

describe('live module model (dsu modules --control)', () => {
  test('executable, libc.so.6 and ld-linux.so.2 with the bases the guest sees in /proc/self/maps', async () => {
    const p = runControlled(program('got_wait.dyn'), ['maps']);
    try {
      await p.waitForLine('ready');
      const modules = await dsuJson<ModuleRow[]>(['modules', '--control', p.socket]);
      expect(modules.map((m) => [m.name, m.kind])).toEqual([
        ['got_wait.dyn', 'exe'], ['libc.so.6', 'lib'], ['ld-linux.so.2', 'interp'],
      ]);
      const bases = mapBases(p.stdout());
      for (const m of modules) {
        const inMaps = bases.get(fs.realpathSync(m.path));
        expect(inMaps, `${m.path} in /proc/self/maps`).toBeDefined();
        expect(num(m.base)).toBe(inMaps);
        expect(num(m.start)).toBe(inMaps);
        expect(m.buildId).toMatch(/^[0-9a-f]{40}$/);
      }
      expect(modules[0].path).toBe(program('got_wait.dyn'));
      // ld.so made the start of the data segment (RELRO) read-only: its pages say so, the file does not
      const data = modules[0].segments.find((s) => s.fileProt === 'rw-')!;
      expect(data.pages[0].prot).toBe('r--');
      expect(data.pages.at(-1)!.prot).toBe('rw-');
      const text = await dsuCli(['modules', '--control', p.socket]);
      expect(text.status).toBe(0);
      expect(text.stdout.split('\n')[0]).toMatch(/^#\s+KIND\s+BASE\s+START\s+END\s+NAME/);
      expect(text.stdout).toContain('libc.so.6');
    } finally {
      const end = await p.finish();
      expect(end.status).toBe(0);
      expect(end.stdout).toMatch(/rand \d+\n$/);
    }
  });

  test('a static program: the executable alone, from the loader\'s own bookkeeping; its IFUNC slots resolved inside it', async () => {
    const exe = program('got_wait.static');
    const p = runControlled(exe, ['maps']);
    try {
      await p.waitForLine('ready');
      const modules = await dsuJson<ModuleRow[]>(['modules', '--control', p.socket]);
      expect(modules.map((m) => [m.name, m.kind, m.base])).toEqual([['got_wait.static', 'exe', '0x0']]);
      expect(num(modules[0].start)).toBe(mapBases(p.stdout()).get(exe));
      const rows = await dsuJson<SlotRow[]>(['got', '--control', p.socket]);
      expect(rows.length).toBeGreaterThan(0);
      for (const r of rows) {
        expect(r).toMatchObject({ type: 'R_386_IRELATIVE', state: 'irelative', symbol: null, targetModule: 'got_wait.static', binding: null });
        // the resolver picked one implementation: a named function of libc's static archive
        expect(r.targetSymbol).toMatch(/^__\w+$/);
      }
    } finally {
      expect((await p.finish()).status).toBe(0);
    }
  });

  test('an object loaded with dlopen appears, with its slots bound into libc, and goes with dlclose', async () => {
    const plugin = program('libgot_plugin.so');
    const p = runControlled(program('dlopen_wait.dyn'), [plugin]);
    try {
      await p.waitForLine('ready');
      const loaded = await dsuJson<ModuleRow[]>(['modules', '--control', p.socket]);
      const mod = loaded.find((m) => m.name === 'libgot_plugin.so');
      expect(mod).toMatchObject({ kind: 'lib', path: plugin });
      const libc = loaded.find((m) => m.name === 'libc.so.6')!;
      const slots = await dsuJson<SlotRow[]>(['got', '--control', p.socket, '--module', 'libgot_plugin.so']);
      expect(new Set(slots.map((s) => s.module))).toEqual(new Set(['libgot_plugin.so']));
      const printf = slotOf(slots, 'libgot_plugin.so', 'printf');
      expect(printf).toMatchObject({ state: 'bound', targetModule: 'libc.so.6', targetSymbol: 'printf' });
      expect(num(printf.target)).toBe(libcAddress(libc.path, num(libc.base), 'printf'));
      expect(num(printf.slot)).toBeGreaterThanOrEqual(num(mod!.start));
      p.write('\n');
      await p.waitForLine('unloaded');
      const after = await dsuJson<ModuleRow[]>(['modules', '--control', p.socket]);
      expect(after.map((m) => m.name)).toEqual(['dlopen_wait.dyn', 'libc.so.6', 'ld-linux.so.2']);
    } finally {
      expect((await p.finish()).status).toBe(0);
    }
  });
});

describe('live GOT model (dsu got --control)', () => {
  test('lazy binding: puts (called) points at libc\'s puts, rand (not yet called) back into the PLT', async () => {
    const exe = program('got_wait.dyn');
    const p = runControlled(exe);
    try {
      await p.waitForLine('ready');
      const modules = await dsuJson<ModuleRow[]>(['modules', '--control', p.socket]);
      const libc = modules.find((m) => m.name === 'libc.so.6')!;
      const base = num(modules[0].base);
      const rows = await dsuJson<SlotRow[]>(['got', '--control', p.socket]);
      const puts = slotOf(rows, 'got_wait.dyn', 'puts');
      expect(puts).toMatchObject({ state: 'bound', targetModule: 'libc.so.6', targetSymbol: 'puts', binding: 'lazy', relro: false });
      expect(num(puts.target)).toBe(libcAddress(libc.path, num(libc.base), 'puts'));
      expect(puts.value).toBe(puts.target);
      const rand = slotOf(rows, 'got_wait.dyn', 'rand');
      expect(rand).toMatchObject({ state: 'lazy', targetModule: 'got_wait.dyn' });
      const [pltStart, pltEnd] = pltRange(exe, base);
      expect(num(rand.value)).toBeGreaterThanOrEqual(pltStart);
      expect(num(rand.value)).toBeLessThan(pltEnd);
      // a data import, in RELRO: read-only by now
      const stdout = slotOf(rows, 'got_wait.dyn', 'stdout', 'R_386_GLOB_DAT');
      expect(stdout).toMatchObject({ state: 'bound', targetModule: 'libc.so.6', targetSymbol: 'stdout', relro: true });
      expect(num(stdout.target)).toBe(libcAddress(libc.path, num(libc.base), 'stdout'));
      // weak undefined imports stay 0
      expect(slotOf(rows, 'got_wait.dyn', '__gmon_start__', 'R_386_GLOB_DAT').state).toBe('unresolved');
      // ld.so's own slots and libc's IFUNC slots are listed as what they are
      expect(rows.some((r) => r.module === 'libc.so.6' && r.type === 'R_386_IRELATIVE' && r.state === 'irelative' && r.symbol === null)).toBe(true);
      expect(slotOf(rows, 'ld-linux.so.2', '_dl_catch_exception')).toMatchObject({ state: 'bound', targetModule: 'libc.so.6' });
      const text = await dsuCli(['got', '--control', p.socket, '--module', 'got_wait.dyn']);
      expect(text.stdout).toMatch(/JUMP_SLOT\s+rand\s+0x[0-9a-f]+\s+lazy\b/);
      expect(text.stdout).toMatch(/JUMP_SLOT\s+puts\s+0x[0-9a-f]+\s+bound\s+lazy\s+puts \(libc\.so\.6\)/);
    } finally {
      const end = await p.finish();
      expect(end.status).toBe(0);
    }
  });

  test('linked with -z now: rand is bound before its first call and every slot is read-only', async () => {
    const p = runControlled(program('got_wait.now'));
    try {
      await p.waitForLine('ready');
      const modules = await dsuJson<ModuleRow[]>(['modules', '--control', p.socket]);
      const libc = modules.find((m) => m.name === 'libc.so.6')!;
      const rows = await dsuJson<SlotRow[]>(['got', '--control', p.socket, '--module', 'got_wait.now']);
      const rand = slotOf(rows, 'got_wait.now', 'rand');
      expect(rand).toMatchObject({ state: 'bound', targetModule: 'libc.so.6', targetSymbol: 'rand', binding: 'now', relro: true });
      expect(rand.eager).toMatch(/BIND_NOW|DF_1_NOW/);
      expect(num(rand.target)).toBe(libcAddress(libc.path, num(libc.base), 'rand'));
      expect(rows.filter((r) => r.type === 'R_386_JUMP_SLOT').every((r) => r.state === 'bound' && r.relro)).toBe(true);
    } finally {
      expect((await p.finish()).status).toBe(0);
    }
  });

  test('a non-PIE executable: stdout is a copy relocation, and libc\'s own stdout slot points at the copy', async () => {
    const p = runControlled(program('got_wait.nopie'));
    try {
      await p.waitForLine('ready');
      const modules = await dsuJson<ModuleRow[]>(['modules', '--control', p.socket]);
      expect(modules[0]).toMatchObject({ name: 'got_wait.nopie', kind: 'exe', base: '0x0' });
      const libc = modules.find((m) => m.name === 'libc.so.6')!;
      const rows = await dsuJson<(SlotRow & { copiedFrom?: string })[]>(['got', '--control', p.socket]);
      const copy = slotOf(rows, 'got_wait.nopie', 'stdout', 'R_386_COPY');
      expect(copy).toMatchObject({ state: 'copy', target: copy.slot, targetModule: 'got_wait.nopie', copiedFrom: 'libc.so.6' });
      // the copy holds what libc's stdout held: the address of libc's FILE for stdout
      expect(num(copy.value)).toBe(libcAddress(libc.path, num(libc.base), '_IO_2_1_stdout_'));
      const inLibc = slotOf(rows, 'libc.so.6', 'stdout', 'R_386_GLOB_DAT');
      expect(inLibc).toMatchObject({ state: 'bound', target: copy.slot, targetModule: 'got_wait.nopie' });
    } finally {
      expect((await p.finish()).status).toBe(0);
    }
  });

  test('LD_BIND_NOW=1 binds the lazy build at start-up too, and is named as the reason', async () => {
    const p = runControlled(program('got_wait.dyn'), [], { LD_BIND_NOW: '1' });
    try {
      await p.waitForLine('ready');
      const rows = await dsuJson<SlotRow[]>(['got', '--control', p.socket, '--module', 'got_wait.dyn']);
      const rand = slotOf(rows, 'got_wait.dyn', 'rand');
      expect(rand).toMatchObject({ state: 'bound', targetSymbol: 'rand', binding: 'now', eager: 'LD_BIND_NOW' });
    } finally {
      expect((await p.finish()).status).toBe(0);
    }
  });

  test('after the guest exits, the control socket is gone: one-line error', async () => {
    const p = runControlled(program('got_wait.dyn'));
    await p.waitForLine('ready');
    const socket = p.socket;
    await p.finish();
    const r = await dsuCli(['got', '--control', socket]);
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
