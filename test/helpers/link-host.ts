// The linker tests' running program: c-samples/linktest/host started
// in-process under dsu, waiting (host_ready = 1) until told to quit
// (host_quit = 1). Symbol addresses for expectations come from readelf, not
// from the loader under test.
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { startSession, Session } from '../../emulator/launch.js';
import { createLogger } from '../../emulator/log.js';
import type { ExitStatus } from '../../emulator/process.js';
import { guestProgram } from '../../patcher/inspect/guest-program.js';
import { programModules } from '../../loader/program/program-modules.js';
import { ModuleCache } from '../../loader/symbols/modules.js';
import type { RuntimeModule } from '../../loader/program/runtime-module.js';
import { LinkCache, LinkOptions, LinkTarget } from '../../loader/link/index.js';
import { guestLinkTarget } from '../../patcher/guest-link-target.js';
import { BUILD, REPO } from './run.js';

const LINKTEST = path.join(BUILD, 'linktest');
export const HOST = path.join(LINKTEST, 'host');
export const HOST_STATIC = path.join(LINKTEST, 'host.static');

export function linktestObject(name: string): string {
  const file = path.join(LINKTEST, name);
  if (!fs.existsSync(file)) throw new Error(`${path.relative(REPO, file)} is missing: run make -s -C c-samples`);
  return file;
}

export interface ReadelfSymbol {
  name: string;
  value: number;
  size: number;
  type: string;
  bind: string;
  /** Section index, or UND / ABS. */
  ndx: string;
  /** The STT_FILE before a LOCAL symbol. */
  file: string | null;
  table: '.symtab' | '.dynsym';
}

/** Symbols as readelf prints them, versions stripped from the names. */
export function readelfSymbols(file: string): ReadelfSymbol[] {
  const out = execFileSync('readelf', ['-sW', file], { encoding: 'utf8' });
  const symbols: ReadelfSymbol[] = [];
  let table: ReadelfSymbol['table'] = '.dynsym';
  let source: string | null = null;
  for (const line of out.split('\n')) {
    const header = /^Symbol table '(\.\w+)'/.exec(line);
    if (header) {
      table = header[1] === '.symtab' ? '.symtab' : '.dynsym';
      source = null;
      continue;
    }
    const m = /^\s*\d+:\s+([0-9a-f]+)\s+(\d+)\s+(\w+)\s+(\w+)\s+\w+\s+(\w+)\s*(\S*)/.exec(line);
    if (!m) continue;
    const [, value, size, type, bind, ndx, rawName] = m;
    const name = rawName.replace(/@.*$/, '');
    if (type === 'FILE') {
      source = name;
      continue;
    }
    symbols.push({ name, value: parseInt(value, 16), size: Number(size), type, bind, ndx, file: bind === 'LOCAL' ? source : null, table });
  }
  return symbols;
}

/** The value of the default-version definition (name@@VERSION) of `name` in a library's dynamic symbols. */
export function defaultVersionValue(lib: string, name: string): number {
  const out = execFileSync('readelf', ['--dyn-syms', '-W', lib], { encoding: 'utf8' });
  const line = out.split('\n').find((l) => l.trim().split(/\s+/)[7]?.startsWith(`${name}@@`));
  if (!line) throw new Error(`${name}@@ is not in ${lib}`);
  return parseInt(line.trim().split(/\s+/)[1], 16);
}

export interface ReadelfRelocation {
  offset: number;
  type: string;
  symbol: string | null;
  table: string;
}

/** Dynamic relocations as readelf prints them (RELR entries as R_386_RELATIVE). */
export function readelfRelocations(file: string): ReadelfRelocation[] {
  const out = execFileSync('readelf', ['-rW', file], { encoding: 'utf8' });
  const relocs: ReadelfRelocation[] = [];
  let table = '';
  for (const line of out.split('\n')) {
    const header = /^Relocation section '([^']+)'/.exec(line);
    if (header) {
      table = header[1];
      continue;
    }
    const rel = /^([0-9a-f]{8})\s+[0-9a-f]{8}\s+(R_386_\w+)\s*(?:[0-9a-f]+\s+(\S+))?/.exec(line);
    if (rel) {
      relocs.push({ offset: parseInt(rel[1], 16), type: rel[2], symbol: rel[3] ? rel[3].replace(/@.*$/, '') : null, table });
      continue;
    }
    const relr = table.includes('relr') ? /^([0-9a-f]{8})\s*$/.exec(line) : null;
    if (relr) relocs.push({ offset: parseInt(relr[1], 16), type: 'R_386_RELATIVE', symbol: null, table });
  }
  return relocs;
}

export interface ReadelfSegment {
  type: string;
  offset: number;
  vaddr: number;
  filesz: number;
  memsz: number;
  flags: string;
}

/** Program headers as readelf prints them. */
export function readelfSegments(file: string): ReadelfSegment[] {
  const out = execFileSync('readelf', ['-lW', file], { encoding: 'utf8' });
  const segments: ReadelfSegment[] = [];
  for (const line of out.split('\n')) {
    const m = /^\s+(\w+)\s+0x([0-9a-f]+) 0x([0-9a-f]+) 0x[0-9a-f]+ 0x([0-9a-f]+) 0x([0-9a-f]+) ([RWE ]{3})/.exec(line);
    if (m) {
      segments.push({ type: m[1], offset: parseInt(m[2], 16), vaddr: parseInt(m[3], 16), filesz: parseInt(m[4], 16), memsz: parseInt(m[5], 16), flags: m[6] });
    }
  }
  return segments;
}

/** Dynamic entries as readelf prints them: tag name -> numeric value. */
export function readelfDynamic(file: string): Map<string, number> {
  const out = execFileSync('readelf', ['-dW', file], { encoding: 'utf8' });
  const tags = new Map<string, number>();
  for (const line of out.split('\n')) {
    const m = /^\s*0x[0-9a-f]+ \((\w+)\)\s+(0x[0-9a-f]+|\d+)/.exec(line);
    if (m && !tags.has(m[1])) tags.set(m[1], Number(m[2]));
  }
  return tags;
}

/** The guest's mappings and a digest of every mapped byte: equal snapshots mean nothing was written. */
export function snapshot(proc: Session['proc']): { regions: string; digest: string } {
  const hash = createHash('sha256');
  for (const r of proc.space.regions) hash.update(proc.space.memory.bytes.subarray(r.start, r.end));
  return { regions: JSON.stringify(proc.space.regions), digest: hash.digest('hex') };
}

export interface LinkHost {
  session: Session;
  moduleCache: ModuleCache;
  linkCache: LinkCache;
  /** The objects the linker registered (what the patcher's program model keeps for a running program). */
  linked: RuntimeModule[];
  /** The program's objects in load order (ld.so's list, then the objects dsu linked), as the module model reads them. */
  modules(): RuntimeModule[];
  target(): LinkTarget;
  /** Run-time address of a symbol of the host, by readelf; `file` picks a static. */
  address(name: string, file?: string): number;
  u32(address: number): number;
  quit(): Promise<ExitStatus>;
}

export async function startLinkHost(program = HOST): Promise<LinkHost> {
  const devnull = fs.openSync('/dev/null', 'w');
  const session = startSession({ program, args: [], log: createLogger({ fd: devnull }) });
  const proc = session.proc;
  const symbols = readelfSymbols(program).filter((s) => s.table === '.symtab' && s.ndx !== 'UND');
  const address = (name: string, file?: string): number => {
    const found = symbols.filter((s) => s.name === name && (file === undefined || s.file === file));
    if (found.length !== 1) throw new Error(`${name}${file ? ` in ${file}` : ''}: ${found.length} symbols in the host`);
    return (found[0].value + proc.exe!.bias) >>> 0;
  };
  const u32 = (a: number): number => proc.space.memory.view.getUint32(a, true);
  const ready = address('host_ready');
  const started = Date.now();
  while (u32(ready) !== 1) {
    if (proc.exited) throw new Error(`the host exited: ${JSON.stringify(proc.exit)}`);
    if (Date.now() - started > 20_000) throw new Error('the host did not get ready in 20 s');
    await new Promise((r) => setTimeout(r, 5));
  }
  const moduleCache = new ModuleCache();
  const linkCache = new LinkCache();
  const linked: RuntimeModule[] = [];
  return {
    session, moduleCache, linkCache, linked, address, u32,
    modules: () => programModules(guestProgram(proc, moduleCache, linked)),
    target: () => guestLinkTarget(proc, linked, programModules(guestProgram(proc, moduleCache, linked)), { cache: linkCache, moduleCache }),
    quit: async () => {
      proc.space.memory.view.setUint32(address('host_quit'), 1, true);
      const status = await session.done;
      fs.closeSync(devnull);
      return status;
    },
  };
}

