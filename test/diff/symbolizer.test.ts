// The symbolizer on real binaries: every function maps back to itself from
// its first to its last byte, in the executable (static and PIE), the
// interpreter and the C library, at link-time and run-time addresses.
import { describe, expect, test } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { SymbolTable } from '../../loader/symbols/symbol-table.js';
import { ModuleCache, ModuleMap, biasOfMapping, describeLocation, modulesFromMappings } from '../../loader/symbols/modules.js';
import { debugFileCandidates, debugLink, openDebugFile } from '../../loader/symbols/debug-file.js';
import { buildId } from '../../loader/elf/notes.js';
import { ElfFile } from '../../loader/elf/elf-file.js';
import { faultSample, loadElf, moduleFor, sharedObjects } from '../helpers/elf-modules.js';

const PIE_BIAS = 0x56555000;
const page = (n: number): number => n - (n % 4096);

function objects(): { name: string; file: () => string }[] {
  const dyn = faultSample('qsort_callback', 'dyn');
  return [
    { name: 'static executable', file: () => faultSample('qsort_callback', 'static') },
    { name: 'PIE executable', file: () => dyn },
    { name: 'interpreter', file: () => loadElf(dyn).interpreter! },
    { name: 'C library', file: () => sharedObjects(dyn).get('libc.so.6')! },
  ];
}

describe('every function symbol maps back to itself', () => {
  for (const o of objects()) {
    test(o.name, () => {
      const table = SymbolTable.fromElf(loadElf(o.file()));
      const functions = table.all().filter((s) => s.kind === 'function' && s.size > 0);
      expect(functions.length).toBeGreaterThanOrEqual(4);
      for (const f of functions) {
        for (const at of [f.start, f.start + f.size - 1]) {
          const hit = table.lookup(at);
          expect(hit, `${f.name}+0x${(at - f.start).toString(16)}`).not.toBeNull();
          expect(hit!.symbol.start, `${f.name} at 0x${at.toString(16)} gave ${hit!.symbol.name}`).toBe(f.start);
          expect(hit!.offset).toBe(at - f.start);
        }
      }
    });
  }

  test('aliases resolve to the public name', () => {
    const table = SymbolTable.fromElf(loadElf(faultSample('qsort_callback', 'static')));
    const qsortR = table.byName('qsort_r')[0];
    expect(table.byName('__qsort_r')[0].start).toBe(qsortR.start);
    expect(table.lookup(qsortR.start)!.symbol.name).toBe('qsort_r');
  });

  test('local symbols keep their source file', () => {
    const table = SymbolTable.fromElf(loadElf(faultSample('qsort_callback', 'dyn')));
    expect(table.source).toBe('.symtab');
    const [cmp] = table.byName('compare_values');
    expect(cmp.bind).toBe('local');
    expect(cmp.file).toBe('qsort_callback.c');
    expect(table.byName('sort_values')[0]).toMatchObject({ bind: 'global', file: null });
  });

  test('a stripped file falls back to .dynsym', () => {
    const libc = sharedObjects(faultSample('qsort_callback', 'dyn')).get('libc.so.6')!;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dsu-sym-'));
    try {
      const stripped = path.join(dir, 'libc.so.6');
      execFileSync('strip', ['--strip-all', '-o', stripped, libc]);
      const table = SymbolTable.fromElf(loadElf(stripped));
      expect(table.source).toBe('.dynsym');
      const qsort = table.byName('qsort')[0];
      expect(qsort.kind).toBe('function');
      expect(table.lookup(qsort.start + qsort.size - 1)!.symbol.start).toBe(qsort.start);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('addresses outside every symbol give nothing', () => {
    const table = SymbolTable.fromElf(loadElf(faultSample('qsort_callback', 'dyn')));
    expect(table.lookup(0)).toBeNull();
    expect(table.lookup(0xfffff000)).toBeNull();
  });
});

describe('modules at run-time addresses', () => {
  test('a PIE with a bias: run-time addresses name the function and module', () => {
    const elf = loadElf(faultSample('qsort_callback', 'dyn'));
    const map = new ModuleMap([moduleFor(elf, PIE_BIAS)]);
    const sort = SymbolTable.fromElf(elf).byName('sort_values')[0];
    const loc = map.locate(sort.start + PIE_BIAS + 5);
    expect(loc.symbol?.name).toBe('sort_values');
    expect(describeLocation(loc)).toBe('sort_values+0x5 (qsort_callback.dyn)');
    expect(describeLocation(map.locate(PIE_BIAS))).toBe('(qsort_callback.dyn+0x0)');
    expect(describeLocation(map.locate(PIE_BIAS - 1))).toBe('??');
  });

  test('a library mapped segment by segment, as ld.so does, is one module with the right bias', () => {
    const libcPath = sharedObjects(faultSample('qsort_callback', 'dyn')).get('libc.so.6')!;
    const elf = loadElf(libcPath);
    const base = 0xf7d00000;
    const mappings = elf.segments.filter((s) => s.type === 1).map((s) => ({
      path: '/guest/libc.so.6', start: base + page(s.vaddr), end: base + s.vaddr + s.memsz, offset: page(s.offset),
    }));
    expect(mappings.length).toBeGreaterThan(1);
    for (const m of mappings) expect(biasOfMapping(elf, m.start, m.offset)).toBe(base);
    const cache = new ModuleCache();
    const data = cache.forElf(elf);
    const modules = modulesFromMappings([...mappings, { path: '/guest/data.bin', start: 0x10000, end: 0x11000, offset: 0 }],
      (p) => (p === '/guest/libc.so.6' ? data : null));
    expect(modules).toHaveLength(1);
    expect(modules[0]).toMatchObject({ name: 'libc.so.6', bias: base, start: mappings[0].start, end: mappings[mappings.length - 1].end });
    const map = new ModuleMap(modules);
    const qsort = data.symbols.byName('qsort')[0];
    expect(describeLocation(map.locate(base + qsort.start + 0x1a))).toBe('qsort+0x1a (libc.so.6)');
  });

  test('the cache parses a file once', () => {
    const cache = new ModuleCache();
    let opened = 0;
    const open = () => {
      opened++;
      return loadElf(faultSample('qsort_callback', 'dyn'));
    };
    const a = cache.forFile('key', open);
    const b = cache.forFile('key', open);
    expect(a).toBe(b);
    expect(a!.symbols).toBe(b!.symbols);
    expect(opened).toBe(1);
  });
});

describe('separate debug files', () => {
  /** A finder over host paths, as the emulator's is over the guest's. */
  const finder = (roots: string[]) => (elf: ElfFile): ElfFile | null => {
    for (const c of debugFileCandidates(elf, elf.path, roots)) {
      const debug = fs.existsSync(c.path) ? openDebugFile(c, fs.readFileSync(c.path)) : null;
      if (debug) return debug;
    }
    return null;
  };

  function split(dir: string): { full: string; stripped: string; debug: string } {
    const full = faultSample('null_deref', 'dyn');
    const debug = path.join(dir, 'prog.debug');
    const stripped = path.join(dir, 'bin', 'prog');
    fs.mkdirSync(path.dirname(stripped));
    execFileSync('objcopy', ['--only-keep-debug', full, debug]);
    execFileSync('strip', ['--strip-all', '-o', stripped, full]);
    return { full, stripped, debug };
  }

  test('found through .gnu_debuglink next to the object, and checked by CRC', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dsu-debug-'));
    try {
      const { full, stripped, debug } = split(dir);
      const linked = path.join(dir, 'bin', 'prog.debug');
      fs.copyFileSync(debug, linked);
      execFileSync('objcopy', [`--add-gnu-debuglink=${linked}`, stripped], { cwd: path.join(dir, 'bin') });
      expect(debugLink(loadElf(stripped))?.file).toBe('prog.debug');
      const reference = SymbolTable.fromElf(loadElf(full)).all().filter((s) => s.kind === 'function');
      expect(SymbolTable.fromElf(loadElf(stripped)).source).not.toBe('.symtab');
      const data = new ModuleCache(finder([path.join(dir, 'no-root')])).forElf(loadElf(stripped));
      expect(data.symbols.source).toBe('.symtab');
      expect(data.symbols.all().filter((s) => s.kind === 'function').map((s) => [s.name, s.start, s.size]))
        .toEqual(reference.map((s) => [s.name, s.start, s.size]));
      // another file under the linked name has another CRC and is refused
      fs.writeFileSync(linked, Buffer.concat([fs.readFileSync(debug), Buffer.from([0])]));
      const refused = new ModuleCache(finder([path.join(dir, 'no-root')])).forElf(loadElf(stripped));
      expect(refused.symbols.byName('crash_here')).toEqual([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('found by build ID under a debug root', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dsu-debug-'));
    try {
      const { stripped, debug } = split(dir);
      const id = buildId(loadElf(stripped))!;
      expect(id).toMatch(/^[0-9a-f]{40}$/);
      const root = path.join(dir, 'debug-root');
      fs.mkdirSync(path.join(root, '.build-id', id.slice(0, 2)), { recursive: true });
      fs.copyFileSync(debug, path.join(root, '.build-id', id.slice(0, 2), `${id.slice(2)}.debug`));
      const data = new ModuleCache(finder([root])).forElf(loadElf(stripped));
      const hit = data.symbols.lookup(data.symbols.byName('middle')[0].start + 3);
      expect(hit?.symbol.name).toBe('middle');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
