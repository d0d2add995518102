// What a patch does to the running program, decided before anything is
// written: which functions it replaces (every version of each, when an
// earlier patch already replaced it), which functions it adds, which of its
// globals share the program's storage, which of its statics inherit the old
// values, and which code must be idle for the update to be safe.
import path from 'node:path';
import type { RuntimeModule } from '../loader/program/runtime-module.js';
import type { SymbolEntry } from '../loader/symbols/symbol-table.js';
import { PatchError, PatchFile, PatchSymbol, RESERVED } from './patch-file.js';
import { JMP_SIZE } from './mechanism/jump.js';
import { jumpRoom } from './jump-room.js';
import { conventionMismatches } from './convention-check.js';
import { nothingMatched, unmatchedFunctions } from './unmatched.js';
import { addedByPatch } from './added-functions.js';
import { identityProblems } from './identity-check.js';
import type { CodeRange } from './quiescence.js';
import type { PatchRegistry } from './registry.js';

export interface ProgramSymbol {
  module: RuntimeModule;
  symbol: SymbolEntry;
  /** Run-time address. */
  address: number;
  /** Set when the function lives in an earlier patch (which added it). */
  patch?: number;
}

export interface Replacement {
  /** Identity of the function across versions: "name" for globals, "file.c:name" for statics. */
  key: string;
  name: string;
  /** The program's original function. */
  original: ProgramSymbol;
  /** Bytes a jump may cover at the original's entry. */
  room: number;
  /** Link-time address of the new version inside the patch. */
  patchValue: number;
  patchSize: number;
  /**
   * False for the split-off cold part of a function (gcc's NAME.cold): it is
   * reached only by jumps from its own function, so it gets no jump of its
   * own, but it is code that must be idle like the rest.
   */
  entry: boolean;
}

/** gcc's hot/cold splitting: "find_link.cold", "f.cold.3". */
const isColdPart = (name: string): boolean => /\.cold(\.\d+)?$/.test(name);

interface DataCarry {
  /** "file.c:name" */
  key: string;
  name: string;
  file: string | null;
  /** Where the running program keeps it. */
  from: number;
  size: number;
  /** Link-time address of the patch's copy. */
  patchValue: number;
}

export interface ReplacementPlan {
  replacements: Replacement[];
  added: string[];
  /** Globals the patch defines that the program already has: the patch uses the program's storage. */
  shared: Map<string, number>;
  /** Statics the patch redefines with the same size: their old values are copied in before the transfer. */
  carried: DataCarry[];
  /** Functions the patch declares it depends on (DSU_DEPENDS): they must be idle too. */
  dependents: CodeRange[];
  /** Things that are allowed but probably not meant (reported, not refused). */
  warnings: string[];
}

const base = (f: string | null): string | null => (f === null ? null : path.posix.basename(f));

/** How the registry names a variable: "file.c:name" for a static, "name" for a global. */
export const dataKey = (d: PatchSymbol): string => (d.local ? `${base(d.file)}:${d.name}` : d.name);

function programFunctions(modules: readonly RuntimeModule[], name: string): ProgramSymbol[] {
  const out: ProgramSymbol[] = [];
  for (const m of modules) {
    if (m.kind === 'linked') continue;
    for (const s of m.data.symbols.byName(name)) {
      if (s.kind === 'function') out.push({ module: m, symbol: s, address: (s.start + m.bias) >>> 0 });
    }
  }
  return out;
}

function programData(modules: readonly RuntimeModule[], name: string): ProgramSymbol[] {
  const out: ProgramSymbol[] = [];
  for (const m of modules) {
    if (m.kind === 'linked') continue;
    for (const s of m.data.symbols.byName(name)) if (s.kind === 'object') out.push({ module: m, symbol: s, address: (s.start + m.bias) >>> 0 });
  }
  return out;
}

const describe = (p: ProgramSymbol): string => `${p.symbol.name}${p.symbol.file ? ` (${base(p.symbol.file)})` : ''} in ${p.module.name}`;

/**
 * The function of the program a patch function replaces, or null when it is
 * new. Globals match a global of the same name (the executable first, then
 * the libraries), else a unique static; statics match the static of the same
 * name in the same source file.
 */
function match(f: PatchSymbol, modules: readonly RuntimeModule[], problems: string[]): ProgramSymbol | null {
  const candidates = programFunctions(modules, f.name);
  if (candidates.length === 0) return null;
  if (!f.local) {
    const globals = candidates.filter((c) => c.symbol.bind !== 'local');
    if (globals.length > 0) return globals.find((g) => g.module.kind === 'exe') ?? globals[0];
    if (candidates.length === 1) return candidates[0];
    problems.push(`${f.name}: ambiguous, the program has ${candidates.map(describe).join(', ')} (make it static in the same source file)`);
    return null;
  }
  const sameFile = candidates.filter((c) => c.symbol.bind === 'local' && base(c.symbol.file) === base(f.file));
  if (sameFile.length === 1) return sameFile[0];
  if (sameFile.length > 1) {
    problems.push(`${f.file}:${f.name}: ambiguous, ${sameFile.map(describe).join(', ')}`);
    return null;
  }
  return null;
}

/**
 * A static the patch takes over lives on in the patch's copy; the old static
 * functions of the same file that the patch does not replace keep using the
 * old copy. Name them: the patch was probably meant to contain the whole file.
 */
function staleStaticUsers(carried: readonly DataCarry[], replacements: readonly Replacement[], modules: readonly RuntimeModule[]): string[] {
  const files = new Set(carried.map((c) => base(c.file)).filter((f): f is string => f !== null));
  const replaced = new Set(replacements.map((r) => r.original.address));
  const warnings: string[] = [];
  for (const file of files) {
    const left: string[] = [];
    for (const m of modules) {
      if (m.kind === 'linked') continue;
      for (const s of m.data.symbols.all()) {
        if (s.kind !== 'function' || s.bind !== 'local' || base(s.file) !== file || isColdPart(s.name)) continue;
        if (!replaced.has((s.start + m.bias) >>> 0)) left.push(s.name);
      }
    }
    if (left.length > 0) {
      warnings.push(`the patch takes over the statics of ${file} but not ${left.join(', ')} of that file, which will go on using the old copies`);
    }
  }
  return warnings;
}

export function planReplacement(patch: PatchFile, modules: readonly RuntimeModule[], registry: PatchRegistry, programName: string): ReplacementPlan {
  const problems: string[] = [];
  const exe = modules.find((m) => m.kind === 'exe');
  const version = registry.currentVersion();
  if (patch.target !== null && version !== null) {
    const last = registry.patches.filter((p) => p.version !== null).at(-1)!;
    if (patch.target !== version) problems.push(`the patch is for ${patch.target}, but the program is now ${version} (since patch #${last.id})`);
  } else if (patch.target !== null && exe) {
    const matches = patch.target === programName || patch.target === path.posix.basename(exe.path) || patch.target === exe.buildId;
    if (!matches) problems.push(`the patch is for ${patch.target}, not for ${programName}`);
  }
  if (patch.identity !== null && problems.length === 0) problems.push(...identityProblems(patch.identity, modules, registry, programName));
  const replacements: Replacement[] = [];
  const added: string[] = [];
  const unmatched: PatchSymbol[] = [];
  for (const f of patch.functions) {
    if (RESERVED.has(f.name)) continue;
    const old = match(f, modules, problems) ?? addedByPatch(f, registry);
    if (!old) {
      if (!isColdPart(f.name)) unmatched.push(f);
      if (!f.local) added.push(f.name);
      continue;
    }
    const key = old.symbol.bind === 'local' ? `${base(old.symbol.file) ?? '?'}:${old.symbol.name}` : old.symbol.name;
    if (replacements.some((r) => r.key === key)) continue;
    const entry = !isColdPart(f.name);
    const room = jumpRoom(old.module.data.elf, old.module.data.symbols, old.symbol.start, old.symbol.size);
    const rooms = [room, ...registry.versions(key).map((v) => v.room)];
    const small = rooms.find((s) => s < JMP_SIZE);
    if (entry && small !== undefined) problems.push(`${key}: a version has only ${small} bytes before the next function, too few for the ${JMP_SIZE}-byte jump`);
    replacements.push({ key, name: f.name, original: old, room, patchValue: f.value, patchSize: f.size, entry });
  }
  problems.push(...conventionMismatches(patch.elf, replacements));
  // a patch may only fix state (a transfer and no code), but one that matches
  // nothing at all was most likely built for another program
  const reasons = unmatchedFunctions(unmatched, modules);
  if (replacements.length === 0 && problems.length === 0 && !patch.hasTransfer) {
    problems.push(nothingMatched(unmatched, reasons));
  }

  const shared = new Map<string, number>();
  const carried: DataCarry[] = [];
  const resized: string[] = [];
  for (const d of patch.data) {
    if (!d.writable || d.size === 0) continue;
    const old = programData(modules, d.name);
    if (!d.local) {
      // a global keeps its storage, the copy an earlier patch introduced or
      // else the program's, unless its size changed: sharing a smaller
      // object would let the new code write past its end
      const introduced = registry.currentData(d.name);
      const g = old.find((o) => o.symbol.bind !== 'local');
      const live = introduced ?? (g ? { address: g.address, size: g.symbol.size } : null);
      if (live === null) continue;
      if (live.size === d.size || live.size === 0) shared.set(d.name, live.address);
      else {
        resized.push(`${d.name}: the patch's global has ${d.size} bytes, the live one ${live.size}: it gets new storage with its initial value, ` +
          `which only code of this patch uses; ${patch.hasTransfer ? 'dsu_transfer is expected to' : 'a dsu_transfer should'} fill it from DSU_OLD(${d.name})`);
      }
      continue;
    }
    const key = dataKey(d);
    // the live copy: an earlier patch's (it may have introduced the variable), else the program's
    const live = registry.currentData(key);
    const own = old.filter((o) => o.symbol.bind === 'local' && base(o.symbol.file) === base(d.file) && o.symbol.size === d.size);
    const from = live ? (live.size === d.size ? live.address : null) : own.length === 1 ? own[0].address : null;
    if (from !== null) carried.push({ key, name: d.name, file: d.file, from, size: d.size, patchValue: d.value });
  }

  const dependents: CodeRange[] = [];
  for (const name of patch.depends) {
    const fns = programFunctions(modules, name);
    if (fns.length === 0) problems.push(`DSU_DEPENDS(${name}): no such function in the program`);
    for (const fn of fns) {
      const current = registry.versions(fn.symbol.bind === 'local' ? `${base(fn.symbol.file) ?? '?'}:${name}` : name);
      dependents.push({ start: fn.address, end: fn.address + Math.max(1, fn.symbol.size), name: describe(fn) });
      for (const v of current) dependents.push({ start: v.address, end: v.address + Math.max(1, v.size), name: `${name} (patch #${v.patch})` });
    }
  }
  if (problems.length > 0) throw new PatchError(problems.join('; '));
  return { replacements, added, shared, carried, dependents, warnings: [...reasons, ...resized, ...staleStaticUsers(carried, replacements, modules)] };
}
