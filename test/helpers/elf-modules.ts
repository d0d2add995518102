// Real ELF files as loader modules, for symbolizer and unwinder tests: the
// fault samples, and the interpreter and C library they are linked against.
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { ElfFile, parseElf } from '../../loader/elf/elf-file.js';
import { Module, ModuleCache, ModuleMap, moduleName } from '../../loader/symbols/modules.js';
import { BUILD } from './run.js';

export function loadElf(file: string): ElfFile {
  return parseElf(fs.readFileSync(file), file);
}

export function faultSample(name: string, variant: 'dyn' | 'static'): string {
  return path.join(BUILD, 'faults', `${name}.${variant}`);
}

/** Host paths of the shared objects `program` loads, as ldd reports them (by soname). */
export function sharedObjects(program: string): Map<string, string> {
  const out = execFileSync('ldd', [program], { encoding: 'utf8' });
  const found = new Map<string, string>();
  for (const line of out.split('\n')) {
    const m = /^\s*(\S+) => (\/\S+)/.exec(line) ?? /^\s*(\/\S+) \(/.exec(line);
    if (m) found.set(path.basename(m[1]), m[2] ?? m[1]);
  }
  return found;
}

/** A module for `elf` placed with `bias` (0 for ET_EXEC). */
export function moduleFor(elf: ElfFile, bias: number, cache = new ModuleCache()): Module {
  const loads = elf.segments.filter((s) => s.type === 1);
  const low = Math.min(...loads.map((s) => s.vaddr)) & ~0xfff;
  const high = Math.max(...loads.map((s) => s.vaddr + s.memsz));
  return { path: elf.path, name: moduleName(elf.path), start: low + bias, end: high + bias, bias, data: cache.forElf(elf) };
}

export function mapOf(...modules: Module[]): ModuleMap {
  return new ModuleMap(modules);
}
