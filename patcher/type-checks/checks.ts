// Patch safety from the debug information (issue 12), decided before the
// program is paused and without changing it:
//   1. variables the patch binds to the program (by name, shared, carried)
//      must have the same layout in both;
//   2. a replaced function keeps its signature unless all its callers are
//      replaced too;
//   3. a type whose layout the patch changes must not be used by code that
//      stays live (not replaced, on the stack, or inlined into such code);
//   4. a static or global the patch moves to new storage must not be read or
//      written by code that stays live (the state would split in two);
//   5. a patch source file that replaces none of the program's functions of
//      that file is suspicious (gcc dropped its unreferenced statics).
// 1-3 can be overridden with --unsafe-types; every finding is still reported.
import path from 'node:path';
import type { RuntimeModule } from '../../loader/program/runtime-module.js';
import type { Resolution } from '../../loader/link/index.js';
import { OLD_PREFIX } from '../../loader/link/index.js';
import { compareLayouts, declaration, definition, type DebugIndex, type DwarfType, type FunctionInfo, type LayoutDifference, type VariableInfo } from '../../loader/dwarf/index.js';
import type { PatchFile, PatchSymbol } from '../patch-file.js';
import { RESERVED } from '../patch-file.js';
import type { ReplacementPlan } from '../replacement.js';
import { moduleRefs, reachableCode, reachableData, type FunctionRefs, type ModuleRefs } from './code-refs.js';
import { TypeUse } from './type-use.js';

interface Finding {
  check: 1 | 2 | 3 | 4 | 5;
  /** The variable, function or type concerned. */
  symbol: string;
  message: string;
}

export interface CheckReport {
  /** Findings that refuse the patch. */
  refused: Finding[];
  /** Findings of checks 1-3 that --unsafe-types let through (still reported). */
  overridden: Finding[];
  warnings: string[];
  /** Debug information that was missing (said once per file). */
  notes: string[];
}

export interface CheckInput {
  patch: PatchFile;
  patchDebug: DebugIndex | null;
  plan: ReplacementPlan;
  resolutions: ReadonlyMap<string, Resolution>;
  modules: readonly RuntimeModule[];
  /** The debug information of a module of the program (null when it has none). */
  programDebug: (m: RuntimeModule) => DebugIndex | null;
  /** Run-time addresses on the stacks of the program's threads now (instruction pointers and return addresses). */
  stackAddresses: readonly number[];
  /** Where each of those frames continues (the instruction pointer, or the return address itself). */
  resumePoints?: readonly number[];
  unsafeTypes: boolean;
  relaxed: boolean;
}

const base = (p: string | null | undefined): string => path.posix.basename(p ?? '');
/** A struct body on one line: an error message is one line (cli/output.ts). */
const oneLine = (text: string): string => text.replace(/\n\s*/g, ' ');

function functionType(f: FunctionInfo): DwarfType {
  return { kind: 'function', name: f.name, size: null, returns: f.returns, params: f.params.map((p) => p.type), variadic: f.variadic || undefined, prototyped: true, file: '', offset: -1 };
}

function describeDifference(d: LayoutDifference, name = ''): string {
  const path = d.path === '' ? '' : d.path.startsWith('->') || d.path.startsWith('[') ? `${name}${d.path}` : d.path;
  const where = path === '' ? '' : ` at ${path}`;
  return `first difference${where}: ${d.kind}: ${d.a} in the program, ${d.b} in the patch`;
}

function bothTypes(name: string, a: DwarfType, b: DwarfType, d: LayoutDifference): string {
  const parts = [`the program has ${declaration(a, name)}, the patch ${declaration(b, name)}`];
  const inner = d.within ?? { a, b };
  const da = definition(inner.a);
  const db = definition(inner.b);
  if (da.includes('\n') || db.includes('\n')) parts.push(`in the program: ${oneLine(da)}`, `in the patch: ${oneLine(db)}`);
  return parts.join('; ');
}

/** The program's module holding a run-time address. */
function moduleAt(modules: readonly RuntimeModule[], address: number): RuntimeModule | undefined {
  return modules.find((m) => m.kind !== 'linked' && address >= m.start && address < m.end);
}

function variableAt(index: DebugIndex, linkAddress: number): VariableInfo | undefined {
  for (const v of index.allVariables()) if (v.address === linkAddress && !v.declaration) return v;
  return undefined;
}

/** What each function of a program uses, kept across patches (the program does not change). */
const typeUses = new WeakMap<DebugIndex, TypeUse>();

class Checker {
  readonly report: CheckReport = { refused: [], overridden: [], warnings: [], notes: [] };
  /** Run-time entries of the program's functions this patch replaces. */
  private readonly replaced: Set<number>;
  private readonly exe: RuntimeModule | undefined;

  constructor(private readonly input: CheckInput) {
    this.replaced = new Set(input.plan.replacements.map((r) => r.original.address));
    this.exe = input.modules.find((m) => m.kind === 'exe');
  }

  private find(check: Finding['check'], symbol: string, message: string): void {
    const f = { check, symbol, message };
    if (check <= 3 && this.input.unsafeTypes) this.report.overridden.push(f);
    else this.report.refused.push(f);
  }

  /** A function stays live after the update: not replaced, or still on a stack (with --relaxed, replaced ones too). */
  private live(m: RuntimeModule, start: number, size: number): 'not replaced' | 'on the stack' | null {
    const at = (start + m.bias) >>> 0;
    const onStack = this.input.stackAddresses.some((a) => a >= at && a < at + Math.max(1, size));
    if (!this.replaced.has(at)) return onStack ? 'on the stack' : 'not replaced';
    return onStack && this.input.relaxed ? 'on the stack' : null;
  }

  run(): CheckReport {
    const { patchDebug } = this.input;
    const exeDebug = this.exe ? this.input.programDebug(this.exe) : null;
    if (!exeDebug) {
      this.report.notes.push(`the program has no debug information, so types could not be checked (build it with -g, or install its debug package: ` +
        `dsu looks in the file, then under /usr/lib/debug/.build-id/ of the root and through .gnu_debuglink)`);
    }
    if (!patchDebug) this.report.notes.push(`the patch has no debug information, so types could not be checked (build it with -g)`);
    if (exeDebug && patchDebug) {
      this.variables(patchDebug);
      this.signatures(patchDebug);
      this.types(exeDebug, patchDebug);
      this.dropped(exeDebug, patchDebug);
    }
    this.newStorage();
    return this.report;
  }

  /**
   * Check 1: the layout of every variable the patch shares with the program
   * (declared and bound by name, or defined with the same size). Variables
   * the patch defines anew (other size, statics it carries) are its own,
   * filled by the carry and its transfer.
   */
  private variables(patchDebug: DebugIndex): void {
    const pairs: { name: string; address: number; patchVar: VariableInfo | undefined; how: string }[] = [];
    for (const r of this.input.resolutions.values()) {
      if (r.kind !== 'object' || r.name.startsWith(OLD_PREFIX) || r.from === 'self' || r.from.startsWith('linked:') || this.input.plan.shared.has(r.name)) continue;
      pairs.push({ name: r.name, address: r.address, patchVar: patchDebug.variables(r.name).find((v) => v.declaration) ?? patchDebug.variable(r.name), how: 'declares it and binds to the program\'s storage' });
    }
    for (const [name, address] of this.input.plan.shared) {
      pairs.push({ name, address, patchVar: patchDebug.variables(name).find((v) => !v.declaration && v.external), how: 'defines it with the same size, so it shares the program\'s storage' });
    }
    for (const p of pairs) {
      if (!p.patchVar) continue;
      const m = moduleAt(this.input.modules, p.address);
      const index = m && this.input.programDebug(m);
      const programVar = index && variableAt(index, (p.address - m.bias) >>> 0);
      if (!programVar) continue;
      // the variable's own layout: what it points to is check 3's (the transfer may convert records)
      const d = compareLayouts(programVar.type, p.patchVar.type, { throughPointers: false });
      if (!d) continue;
      const users = m ? this.usersOf(m, p.address - m.bias, Math.max(1, programVar.type.size ?? 1)) : [];
      this.find(1, p.name, `${p.name}: the patch ${p.how}, but the types differ (${describeDifference(d, p.name)}); ${bothTypes(p.name, programVar.type, p.patchVar.type, d)}` +
        `${users.length ? `; live code using it: ${users.join(', ')}` : ''}; define it in the patch (new storage, filled by dsu_transfer from DSU_OLD(${p.name})) or keep the program's type`);
    }
  }

  /** Check 2: the signature of every replaced function. */
  private signatures(patchDebug: DebugIndex): void {
    for (const r of this.input.plan.replacements) {
      if (!r.entry) continue;
      const m = r.original.module;
      const index = this.input.programDebug(m);
      const old = index?.functionAt(r.original.symbol.start);
      const now = patchDebug.functionAt(r.patchValue);
      if (!old || !now) continue;
      const a = functionType(old);
      const b = functionType(now);
      const d = compareLayouts(a, b, { throughPointers: false });
      if (!d) continue;
      const refs = moduleRefs(m.data.elf, m.data.symbols);
      const callers = refs.functions.filter((f) => f.calls.has(r.original.symbol.start));
      const liveCallers = callers.filter((f) => this.live(m, f.symbol.start, f.symbol.size) !== null).map((f) => f.symbol.name);
      const unknown = refs.addressTaken.has(r.original.symbol.start) ? 'its address is taken, so callers through pointers cannot be known' : refs.unavailable ? 'the callers could not be read' : null;
      if (liveCallers.length === 0 && unknown === null) continue;
      const why = [liveCallers.length ? `callers that stay live: ${liveCallers.join(', ')}` : '', unknown ?? ''].filter((x) => x).join('; ');
      this.find(2, r.key, `${r.key}: the patch changes its signature (${describeDifference(d)}); the program has ${declaration(a, r.name)}, the patch ${declaration(b, r.name)}; ` +
        `${why}: they would pass the old arguments to the new code; replace every caller in the same patch, or keep the signature`);
    }
  }

  /** Check 3: types whose layout changed, used by code that stays live. */
  private types(exeDebug: DebugIndex, patchDebug: DebugIndex): void {
    const exe = this.exe!;
    const refs = moduleRefs(exe.data.elf, exe.data.symbols);
    let use = typeUses.get(exeDebug);
    if (!use) typeUses.set(exeDebug, (use = new TypeUse(exeDebug)));
    const located = [...exeDebug.allVariables()].filter((v) => v.address !== null && !v.declaration);
    const varAt = (a: number): VariableInfo | undefined => located.find((v) => a >= v.address! && a < v.address! + Math.max(1, v.type.size ?? 1));
    const reported = new Set<string>();
    const varsOf = new Map<object, VariableInfo[]>();
    for (const named of patchDebug.allNamedTypes()) {
      if (named.type.declaration || reported.has(named.name)) continue;
      const theirs = exeDebug.namedTypes(named.name).filter((t) => !t.type.declaration);
      if (theirs.length === 0) continue;
      const sameFile = theirs.find((t) => t.unit.file === named.unit.file) ?? theirs.find((t) => base(t.type.declFile) === base(named.type.declFile));
      const chosen = sameFile ?? (theirs.every((t) => compareLayouts(t.type, theirs[0].type, { throughPointers: false }) === null) ? theirs[0] : undefined);
      if (!chosen) continue;
      const d = compareLayouts(chosen.type, named.type, { throughPointers: false });
      if (!d) continue;
      reported.add(named.name);
      const users: string[] = [];
      for (const fr of refs.functions) {
        const liveness = this.live(exe, fr.symbol.start, fr.symbol.size);
        if (!liveness) continue;
        const f = exeDebug.functionAt(fr.symbol.start);
        if (!f) continue;
        let vars = varsOf.get(fr);
        if (!vars) varsOf.set(fr, (vars = [...new Set([...this.liveData(exe, fr)].map(varAt).filter((v): v is VariableInfo => v !== undefined))]));
        const resumes = this.resumesIn(exe, fr);
        const reachable = resumes === null ? undefined : ((preds) => (a: number) => preds.some((p) => p(a)))(resumes.map((r) => reachableCode(fr, r)));
        const how = use.of(f, vars, reachable).get(named.name);
        if (how !== undefined) users.push(`${fr.symbol.name} (${how}${liveness === 'on the stack' ? ', on the stack' : ''})`);
      }
      if (users.length === 0) continue;
      this.find(3, named.name, `${named.name}: its layout differs between the program and the patch (${describeDifference(d)}); ` +
        `in the program: ${oneLine(definition(chosen.type))}; in the patch: ${oneLine(definition(named.type))}; ` +
        `code of the program that stays live uses the old layout: ${users.join(', ')}; it would go on creating and reading the old layout ` +
        `(a transfer does not change that): replace that code in the same patch, or keep the layout (new data in a structure of its own)`);
    }
  }

  /** Check 4: state the patch moves to new storage while live code still uses the old. */
  private newStorage(): void {
    const moved: { name: string; plain: string; address: number; size: number }[] = this.input.plan.carried.map((c) => ({ name: c.key, plain: c.name, address: c.from, size: c.size }));
    for (const d of this.input.patch.data) {
      if (d.local || !d.writable || d.size === 0 || this.input.plan.shared.has(d.name)) continue;
      const g = this.programGlobal(d);
      if (g) moved.push({ name: d.name, plain: d.name, address: g.address, size: g.size });
    }
    for (const v of moved) {
      const m = moduleAt(this.input.modules, v.address);
      if (!m) continue;
      const users = this.usersOf(m, v.address - m.bias, v.size);
      if (users.length === 0) continue;
      this.find(4, v.name, `${v.name}: the patch gives it new storage, but code of the program that stays live reads or writes the old copy: ${users.join(', ')}; ` +
        `after the update the program's state would be split in two (old code on the old copy, new code on the new one): replace that code in the same patch, or declare ${v.plain} extern in the patch so that both use the program's storage`);
    }
  }

  /**
   * The data a live function can still name. `main` is entered once: while
   * it is on the stack only the code reachable from where it resumes counts
   * (its set-up before the loop never runs again); any other function may
   * be called anew, so all of its code counts.
   */
  private liveData(m: RuntimeModule, f: FunctionRefs): Set<number> {
    const resumes = this.resumesIn(m, f);
    if (resumes === null) return f.data;
    const out = new Set<number>();
    for (const r of resumes) for (const d of reachableData(f, r)) out.add(d);
    return out;
  }

  /** Link-time resume points inside `main` of the executable, or null when the whole function counts. */
  private resumesIn(m: RuntimeModule, f: FunctionRefs): number[] | null {
    if (m.kind !== 'exe' || f.symbol.name !== 'main' || !this.input.resumePoints) return null;
    const start = (f.symbol.start + m.bias) >>> 0;
    const inside = this.input.resumePoints.filter((a) => a >= start && a < start + f.symbol.size).map((a) => (a - m.bias) >>> 0);
    return inside.length > 0 ? inside : null;
  }

  /** The program's global the patch defines again with another size (it gets new storage). */
  private programGlobal(d: PatchSymbol): { address: number; size: number } | null {
    for (const m of this.input.modules) {
      if (m.kind === 'linked') continue;
      const s = m.data.symbols.byName(d.name).find((e) => e.kind === 'object' && e.bind !== 'local');
      if (s && s.size !== d.size && s.size > 0) return { address: (s.start + m.bias) >>> 0, size: s.size };
    }
    return null;
  }

  /** Functions of `m` that stay live and name an address in [start, start + size) (link-time). */
  private usersOf(m: RuntimeModule, start: number, size: number): string[] {
    const refs: ModuleRefs = moduleRefs(m.data.elf, m.data.symbols);
    const out: string[] = [];
    for (const f of refs.functions) {
      if (![...f.data].some((a) => a >= start && a < start + size)) continue;
      if (![...this.liveData(m, f)].some((a) => a >= start && a < start + size)) continue;
      const liveness = this.live(m, f.symbol.start, f.symbol.size);
      if (liveness) out.push(`${f.symbol.name}${liveness === 'on the stack' ? ' (on the stack)' : ''}`);
    }
    return out;
  }

  /** Check 5: patch source files that replace none (or almost none) of the program's functions of that file. */
  private dropped(exeDebug: DebugIndex, patchDebug: DebugIndex): void {
    const exe = this.exe!;
    for (const unit of patchDebug.units) {
      const file = unit.file;
      const programFunctions = [...exeDebug.allFunctions()].filter((f) => f.unit.file === file && f.ranges.length > 0 && !RESERVED.has(f.name));
      if (programFunctions.length === 0) continue;
      const entries = new Set(programFunctions.map((f) => (f.ranges[0].start + exe.bias) >>> 0));
      const replaced = this.input.plan.replacements.filter((r) => entries.has(r.original.address));
      const names = [...new Set(programFunctions.map((f) => f.name))];
      // a generated patch (dsu mkpatch) was cut per function, not built from
      // whole files: one that takes only new functions from this file (a
      // helper the fix introduces) replaces none of it by design
      if (replaced.length === 0 && this.input.patch.identity) continue;
      if (replaced.length === 0) {
        this.report.refused.push({ check: 5, symbol: file, message: `${file}: the patch was built from ${file} but replaces none of the program's ${names.length} function(s) of that file ` +
          `(${names.slice(0, 8).join(', ')}${names.length > 8 ? ', ...' : ''}); gcc drops static functions nothing references (and inlines others), so the patch probably ` +
          `lost the functions it was meant to replace: keep them with __attribute__((used)), or ship their callers too` });
      } else if (names.length >= 8 && replaced.length * 4 < names.length) {
        this.report.warnings.push(`${file}: the patch replaces only ${replaced.length} of the program's ${names.length} functions of ${file}: if it was built from the whole file, gcc probably dropped the others (unreferenced statics)`);
      }
    }
  }
}

export function checkPatch(input: CheckInput): CheckReport {
  return new Checker(input).run();
}

/** The report of a refused patch, one finding after another. */
export function refusal(report: CheckReport): string {
  return report.refused.map((f) => `refused by check ${f.check}: ${f.message}`).join(' -- and ');
}

