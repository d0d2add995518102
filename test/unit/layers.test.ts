// The layers of docs/ARCHITECTURE.md, checked over every import of the
// sources: a folder imports only the layers below it, no group of files
// imports each other at run time, and the two foreign-function boundaries
// (Unicorn in emulator/engine/, host libc in emulator/host/) stay where they are.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { folderOf, ImportEdge, ImportGraph, readImportGraph, runtimeCycles } from '../../scripts/import-graph.js';
import { REPO } from '../helpers/run.js';

/** What each top-level folder may import besides itself (packages aside). */
const MAY_IMPORT: Record<string, readonly string[]> = {
  loader: [],
  emulator: ['loader'],
  patcher: ['emulator', 'loader'],
  patchgen: ['loader'],
  debugger: ['emulator', 'loader'],
  control: ['patcher', 'emulator', 'loader'],
  cli: ['control', 'patcher', 'patchgen', 'debugger', 'emulator', 'loader'],
  scripts: ['cli', 'control', 'patcher', 'patchgen', 'debugger', 'emulator', 'loader'],
};

/** Files that may import koffi: the Unicorn binding, the host libc calls. */
const KOFFI_FOLDERS = ['emulator/engine/', 'emulator/host/'];

const graph = readImportGraph(REPO);
const where = (e: ImportEdge): string => `${e.from}:${e.line} imports ${e.to}`;

function againstLayers(g: ImportGraph): string[] {
  return g.edges.filter((e) => {
    const from = folderOf(e.from);
    const to = folderOf(e.to);
    return from !== null && to !== null && from !== to && !(MAY_IMPORT[from] ?? []).includes(to);
  }).map(where);
}

describe('layers', () => {
  test('the graph is read: every folder is found and imports resolve to files', () => {
    for (const f of ['loader', 'emulator', 'patcher', 'cli']) expect(graph.files.some((x) => folderOf(x) === f)).toBe(true);
    const unresolved = graph.edges.filter((e) => folderOf(e.to) !== null && !fs.existsSync(path.join(REPO, e.to)));
    expect(unresolved.map(where)).toEqual([]);
  });

  test('every folder imports only the layers below it', () => {
    expect(Object.keys(MAY_IMPORT).sort()).toEqual(['cli', 'control', 'debugger', 'emulator', 'loader', 'patcher', 'patchgen', 'scripts']);
    expect(againstLayers(graph)).toEqual([]);
  });

  test('no files import each other at run time', () => {
    expect(runtimeCycles(graph)).toEqual([]);
  });

  test('only emulator/engine/ and emulator/host/ use koffi; only emulator/host/ffi.ts loads libc', () => {
    const koffiUsers = graph.edges.filter((e) => e.to === 'koffi' && !e.typeOnly).map((e) => e.from);
    expect(koffiUsers.filter((f) => !KOFFI_FOLDERS.some((d) => f.startsWith(d)))).toEqual([]);
    const text = (f: string): string => fs.readFileSync(path.join(REPO, f), 'utf8');
    expect(graph.files.filter((f) => /koffi\.load\(\s*['"]libc/.test(text(f)))).toEqual(['emulator/host/ffi.ts']);
    // the engine's worker thread loads Unicorn again for itself: a library load outside the two folders is the error
    expect(graph.files.filter((f) => /koffi\.load\(/.test(text(f)) && !KOFFI_FOLDERS.some((d) => f.startsWith(d)))).toEqual([]);
  });

  test('only emulator/engine/ reaches the Unicorn library', () => {
    const users = graph.edges.filter((e) => e.to === 'emulator/engine/unicorn-lib.ts').map((e) => e.from);
    expect(users.length).toBeGreaterThan(0);
    expect(users.filter((f) => !f.startsWith('emulator/engine/'))).toEqual([]);
  });
});

describe('the checks themselves', () => {
  const edge = (from: string, to: string, typeOnly = false): ImportEdge => ({ from, to, typeOnly, line: 1 });

  test('an upward import is reported, a downward one is not', () => {
    const g: ImportGraph = { files: ['loader/a.ts', 'emulator/b.ts'], edges: [edge('loader/a.ts', 'emulator/b.ts', true), edge('emulator/b.ts', 'loader/a.ts')] };
    expect(againstLayers(g)).toEqual(['loader/a.ts:1 imports emulator/b.ts']);
  });

  test('a run-time cycle is found through several files; a type-only back edge is no cycle', () => {
    const files = ['emulator/a.ts', 'emulator/b.ts', 'emulator/c.ts'];
    const chain = [edge('emulator/a.ts', 'emulator/b.ts'), edge('emulator/b.ts', 'emulator/c.ts')];
    expect(runtimeCycles({ files, edges: [...chain, edge('emulator/c.ts', 'emulator/a.ts')] })).toEqual([files]);
    expect(runtimeCycles({ files, edges: [...chain, edge('emulator/c.ts', 'emulator/a.ts', true)] })).toEqual([]);
  });
});
