// `dsu got PROGRAM`: the import slots of a file before it runs must be the
// ones binutils lists: for every sample program, server and shared object,
// the (type, symbol, address) triples of its JUMP_SLOT, GLOB_DAT,
// IRELATIVE, COPY and symbol-bearing R_386_32 relocations equal
// `readelf -rW`'s. With --all the libraries come from where ld.so finds them.
import { describe, expect, test } from 'vitest';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BUILD } from '../helpers/run.js';
import { dsuCli, dsuJson } from '../helpers/control-session.js';
import { readelfRelocs } from '../helpers/readelf-relocs.js';
import { sharedObjects } from '../helpers/elf-modules.js';

interface Row {
  module: string;
  symbol: string | null;
  type: string;
  slot: string;
  value: string | null;
  state: string | null;
  target: string | null;
  relro: boolean;
  binding: string | null;
}

const SLOT_TYPES = new Set(['R_386_JUMP_SLOT', 'R_386_GLOB_DAT', 'R_386_IRELATIVE', 'R_386_COPY', 'R_386_32']);

/** Debian's libraries unpacked for the DWARF tests are not samples (some 250 gconv modules, read elsewhere). */
const NOT_SAMPLES = new Set(['sysroot-i386']);

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (NOT_SAMPLES.has(e.name)) return [];
    return e.isDirectory() ? walk(p) : [p];
  });
}

/** Shared objects other tests build on purpose as broken files are left to those tests: only what binutils reads. */
const readable = (f: string): boolean => spawnSync('readelf', ['-h', f], { stdio: 'ignore' }).status === 0;
const files = walk(BUILD)
  .filter((f) => /\.(dyn|now|nopie)$/.test(f) || /\/(kvstore|httpd)-v\d$/.test(f) || (f.endsWith('.so') && readable(f)))
  .sort();
const statics = walk(BUILD).filter((f) => f.endsWith('.static')).sort().slice(0, 5);

/** readelf's slots as "TYPE SYMBOL 0xADDR" lines, sorted. */
function expected(file: string): string[] {
  return readelfRelocs(file)
    .filter((r) => SLOT_TYPES.has(r.type) && !(r.type === 'R_386_32' && r.symbol === null))
    .map((r) => `${r.type} ${r.symbol ?? '-'} 0x${r.offset.toString(16)}`)
    .sort();
}

const actual = (rows: Row[]): string[] => rows.map((r) => `${r.type} ${r.symbol ?? '-'} ${r.slot}`).sort();

/** Runs `work` over `items`, `limit` at a time. */
async function pool<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: limit }, async () => {
    while (next < items.length) await work(items[next++]);
  }));
}

describe('dsu got PROGRAM (from the file)', () => {
  test('finds the sample programs', () => {
    expect(files.filter((f) => f.endsWith('.dyn')).length).toBeGreaterThan(50);
    expect(files.some((f) => f.endsWith('kvstore-v3'))).toBe(true);
  });

  test('every dynamic sample, server and shared object: the same slots as readelf -rW', async () => {
    const mismatches: string[] = [];
    let jumpSlots = 0;
    await pool(files, 6, async (file) => {
      const rows = await dsuJson<Row[]>(['got', file]);
      const want = expected(file);
      const got = actual(rows);
      jumpSlots += rows.filter((r) => r.type === 'R_386_JUMP_SLOT').length;
      if (JSON.stringify(got) !== JSON.stringify(want)) {
        mismatches.push(`${path.relative(BUILD, file)}: dsu ${got.length} slots, readelf ${want.length}; first difference ${got.find((g) => !want.includes(g)) ?? want.find((w) => !got.includes(w))}`);
      }
      // nothing is bound in a file: no state but the type's own, no target
      for (const r of rows) {
        expect(r.target).toBeNull();
        if (r.type === 'R_386_JUMP_SLOT' || r.type === 'R_386_GLOB_DAT') expect(r.state).toBeNull();
      }
    });
    expect(mismatches).toEqual([]);
    expect(jumpSlots).toBeGreaterThan(files.length);
  }, 300_000); // one dsu process per file: some 200 of them

  test('static programs: only IRELATIVE slots, as readelf lists them, and no binding mode', async () => {
    for (const file of statics) {
      const rows = await dsuJson<Row[]>(['got', file]);
      expect(actual(rows)).toEqual(expected(file));
      expect(rows.length).toBeGreaterThan(0);
      for (const r of rows) {
        expect(r.type).toBe('R_386_IRELATIVE');
        expect(r.state).toBe('irelative');
        expect(r.binding).toBeNull();
      }
    }
  });

  test('a lazy JUMP_SLOT holds the address of its PLT entry\'s push in the file; -z now moves the slots into RELRO', async () => {
    const lazy = await dsuJson<Row[]>(['got', path.join(BUILD, 'programs', 'got_wait.dyn')]);
    const now = await dsuJson<Row[]>(['got', path.join(BUILD, 'programs', 'got_wait.now')]);
    const rand = (rows: Row[]) => rows.find((r) => r.symbol === 'rand' && r.type === 'R_386_JUMP_SLOT')!;
    expect(rand(lazy).binding).toBe('lazy');
    expect(rand(lazy).relro).toBe(false);
    expect(rand(now).binding).toBe('now');
    expect(rand(now).relro).toBe(true);
    // the PLT entry is 16 bytes: jmp *slot (6 bytes), then the push the slot points at
    const plt = /\.plt\s+PROGBITS\s+([0-9a-f]+)\s+[0-9a-f]+\s+([0-9a-f]+)/.exec(
      (await import('node:child_process')).execFileSync('readelf', ['-SW', path.join(BUILD, 'programs', 'got_wait.dyn')], { encoding: 'utf8' }),
    )!;
    const value = parseInt(rand(lazy).value!, 16);
    const start = parseInt(plt[1], 16);
    expect(value).toBeGreaterThan(start);
    expect(value).toBeLessThan(start + parseInt(plt[2], 16));
    expect((value - start) % 16).toBe(6);
  });

  test('--all: the libraries ld.so would load, each with readelf\'s slots', async () => {
    const program = path.join(BUILD, 'programs', 'got_wait.dyn');
    const rows = await dsuJson<Row[]>(['got', '--all', program]);
    const modules = [...new Set(rows.map((r) => r.module))];
    expect(modules).toEqual(['got_wait.dyn', 'libc.so.6', 'ld-linux.so.2']);
    // the same files the host's ldd finds
    const libs = sharedObjects(program);
    for (const name of ['libc.so.6', 'ld-linux.so.2']) {
      const file = libs.get(name)!;
      expect(actual(rows.filter((r) => r.module === name))).toEqual(expected(file));
    }
  });

  test('--all follows DT_RUNPATH $ORIGIN to a library of the program\'s own', async () => {
    const rows = await dsuJson<Row[]>(['got', '--all', path.join(BUILD, 'bench', 'indirection.dyn')]);
    const own = rows.filter((r) => r.module === 'libindirection.so');
    expect(own.length).toBeGreaterThan(0);
    expect(actual(own)).toEqual(expected(path.join(BUILD, 'bench', 'libindirection.so')));
    const exe = rows.filter((r) => r.module === 'indirection.dyn').map((r) => `${r.type} ${r.symbol}`);
    expect(exe).toContain('R_386_JUMP_SLOT lib_step_plt');
    expect(exe).toContain('R_386_GLOB_DAT lib_step_got');
  });

  test('errors are one line with a non-zero status', async () => {
    const notElf = await dsuCli(['got', 'package.json']);
    expect(notElf.status).toBe(1);
    expect(notElf.stderr).toBe('dsu got: package.json: not an ELF file\n');
    const missing = await dsuCli(['got', 'no/such/program']);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toBe('dsu got: no/such/program: No such file or directory\n');
    const noSocket = await dsuCli(['got', '--control', '/nonexistent/dsu.sock']);
    expect(noSocket.status).toBe(1);
    expect(noSocket.stderr.trim().split('\n')).toHaveLength(1);
    expect(noSocket.stderr).toMatch(/^dsu got: no control socket at \/nonexistent\/dsu\.sock/);
    const modules = await dsuCli(['modules', '--control', '/nonexistent/dsu.sock']);
    expect(modules.status).toBe(1);
    expect(modules.stderr).toMatch(/^dsu modules: no control socket/);
    const usage = await dsuCli(['got']);
    expect(usage.status).toBe(2);
  });
});
