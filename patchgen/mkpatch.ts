// `dsu mkpatch`: a live patch made from two versions of a program's source.
// The generator is a list of passes, in order (as kpatch's
// create-diff-object): build both trees with the compiler intercepted,
// correlate their definitions, compare them, mark what changed, check the
// program's state across the versions, include what changed and what it
// needs, bind the rest to the running program, write the objects, link the
// patch. Each pass lives in a module of its own; this file only runs them.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { captureBuild, CapturedBuild, CapturedUnit } from './build/capture.js';
import { readRelocatable, RelocatableObject } from './object/relocatable.js';
import { pairUnits, UnitPair } from './diff/unit.js';
import { markUnit, propagateChanges, removedItems } from './diff/mark.js';
import { Item } from './diff/items.js';
import { ProgramDefinition, ProgramFile } from './program.js';
import { patchIdentity, verifyProgramIsOldBuild } from './identity.js';
import { selectPatch, Selection } from './select/include.js';
import { emitUnit } from './emit/emit-unit.js';
import { metadataObject } from './emit/metadata.js';
import { linkPatch } from './emit/link.js';
import { compileWithTransfer, parseTransfer, transferUnit, TransferSpec } from './transfer.js';
import { newVariablesSetAtStartup, oldUsers, referencedByTransfers, VariableChange } from './data/variables.js';
import { BuildDebug, variableChanges } from './data/types.js';
import { transferSkeleton } from './data/skeleton.js';
import { changedLayouts, markLayoutUsers } from './data/type-users.js';
import { MkpatchReport } from './report.js';
import { neverReturningLines, rowsOf } from './lines/never-returning.js';
import { InlineExplainer } from './lines/inline-reasons.js';
import { noReturnCallOffsets, waitingCallOffsets } from './lines/waiting-calls.js';
import { emptyDecisions } from './select/decisions.js';

export interface MkpatchOptions {
  old: string;
  new: string;
  build: string;
  transfers: string[];
  program: string | null;
  target: string | null;
  version: string | null;
  output: string;
  alwaysActive: string[];
  require: string[];
  /** Keep the private copies and objects (for debugging the generator). */
  keep: boolean;
}

/** A bad input or a failed step: one line for the user. */
export class MkpatchError extends Error {}

export function mkpatch(opts: MkpatchOptions): MkpatchReport {
  const started = performance.now();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'dsu-mkpatch-'));
  try {
    return run(opts, work, started);
  } finally {
    if (!opts.keep) fs.rmSync(work, { recursive: true, force: true });
  }
}

function run(opts: MkpatchOptions, work: string, started: number): MkpatchReport {
  const specs = opts.transfers.map(parseTransfer);
  if (path.resolve(opts.old) === path.resolve(opts.new)) throw new MkpatchError('--old and --new are the same directory: nothing changed');

  // pass 1: build both trees, compiler intercepted
  const mapTo = path.resolve(opts.old);
  const programName = opts.program ? path.basename(opts.program) : null;
  const oldBuild = captureBuild(opts.old, opts.build, { programName, mapTo, workDir: work, label: 'old' });
  const newBuild = captureBuild(opts.new, opts.build, { programName: path.basename(oldBuild.program), mapTo, workDir: work, label: 'new' });
  const buildMs = performance.now() - started;
  const warnings: string[] = [];
  for (const f of [...oldBuild.foreign, ...newBuild.foreign]) warnings.push(`${f} was linked into the program but not compiled by the build: it is not compared`);

  // the running program: --program, else the old tree's own build output, else the private build's
  const programPath = opts.program ?? (fs.existsSync(oldBuild.programInTree) ? oldBuild.programInTree : oldBuild.program);
  if (!opts.program && !fs.existsSync(oldBuild.programInTree)) {
    warnings.push(`the old tree holds no built ${path.basename(oldBuild.program)}: the patch is for the program as dsu mkpatch built it; pass --program with the binary that runs`);
  }
  const program = ProgramFile.open(programPath);
  // the debug information of both builds (their programs as the private builds linked them)
  const oldDebug = BuildDebug.open(oldBuild.program);
  const newDebug = BuildDebug.open(newBuild.program);
  if (!oldDebug || !newDebug) warnings.push('a build has no debug information: variables were compared by size only (types not checked)');

  // transfers: each compiled appended to its unit of the new version; that object stands for the unit
  const declared: { what: 'target' | 'version'; value: string; file: string }[] = [];
  const transferObjects = new Map<string, { spec: TransferSpec; object: string; plainNames: Set<string> }>();
  const newObjects = new Map<string, string>();
  for (const u of newBuild.units) newObjects.set(u.key, u.record.object);
  for (const spec of specs) {
    const unit = transferUnit(spec, newBuild.units);
    if (transferObjects.has(unit.key)) throw new MkpatchError(`two transfers for ${unit.key}: put them in one file`);
    const plain = readObject(unit);
    const object = compileWithTransfer(unit, spec, plain.sourceName ?? path.basename(unit.key), { copy: newBuild.copy, tree: mapTo }, work);
    const plainNames = new Set(plain.symbols.filter((x) => x.shndx !== 0).map((x) => x.name));
    transferObjects.set(unit.key, { spec, object, plainNames });
    declared.push(...declaredVersions(readRelocatable(fs.readFileSync(object), object), spec.file));
    newObjects.set(unit.key, object);
  }

  const target = agreed('target', opts.target, declared) ?? program.name;
  const version = agreed('version', opts.version, declared) ?? path.basename(path.resolve(opts.new));

  // pass 2: correlate units and their definitions
  const units = pairAll(oldBuild, newBuild, newObjects);
  // the program must be the old build, function for function
  verifyProgramIsOldBuild(units, program, programPath);

  // passes 3-4: compare and mark
  for (const u of units) if (u.old && u.new) markUnit(u);
    else if (u.new) for (const item of u.newItems) u.states.set(item, { item, old: null, status: 'new', reasons: [] });
  propagateChanges(units);

  // code unchanged but handling a struct whose layout changed is replaced too (dsu patch's check 3)
  if (oldDebug && newDebug && markLayoutUsers(units, oldDebug, newDebug, changedLayouts(oldDebug, newDebug)) > 0) propagateChanges(units);

  const neverReturning = new Set(['main', ...opts.alwaysActive]);
  const transferFunctions = new Set<Item>();
  for (const u of units) {
    const t = transferObjects.get(u.key);
    if (!t) continue;
    // what the transfer defines: the functions the unit alone does not have
    for (const s of u.states.values()) if (s.item.kind === 'function' && !t.plainNames.has(s.item.name)) transferFunctions.add(s.item);
  }

  // data: variables whose storage or type changed, new ones only start-up code sets
  const byTransfers = referencedByTransfers(units, transferFunctions);
  const converted = (item: Item, name: string): boolean => byTransfers.items.has(item) || byTransfers.names.has(name);
  const { changes: changedVariables, types: changedTypes } = variableChanges(units, oldDebug, newDebug);
  for (const v of changedVariables) v.converted = converted(v.item, v.name);
  const needingValue = newVariablesSetAtStartup(units, neverReturning, (v) => converted(v, v.name));
  const refused: string[] = [];
  for (const v of changedVariables) {
    if (!v.converted) refused.push(`variable ${v.name} (${v.unit}) changed (${v.type ? `${v.type}: ` : ''}${v.difference}): give a --transfer that converts it`);
  }
  if (needingValue.length > 0 && transferObjects.size === 0) {
    for (const v of needingValue) warnings.push(`new variable ${v.name} (${v.unit}) is set by ${v.setBy.join(', ')}, which will not run again: set it in a transfer`);
  }

  // passes 5-6: include what changed and what it needs, bind the rest
  const newStorage = new Set(changedVariables.filter((v) => v.storage && v.converted).map((v) => v.item));
  // globals a transfer defines (a variable whose storage changed, given its value by hand)
  const definedByTransfers = new Set<string>();
  for (const u of units) {
    const t = transferObjects.get(u.key);
    if (t) for (const i of u.newItems) if (i.kind === 'variable' && !i.local && !t.plainNames.has(i.name)) definedByTransfers.add(i.name);
  }
  const selection = selectPatch(units, program, { neverReturning, newStorage, definedByTransfers });
  const replacedKeys = new Set(selection.decisions.replaced.map((r) => `${r.unit}\0${r.name}`));
  for (const v of changedVariables) {
    const home = units.find((u) => u.key === v.unit)!;
    v.stillUsedBy = oldUsers(units, home, home.correlation.toOld.get(v.item)!, replacedKeys);
  }
  for (const req of opts.require) {
    const left = selection.decisions.leftOut.find((l) => l.name === req);
    if (left) refused.push(`--require ${req}: ${req} changed but cannot be replaced (${left.because})`);
  }

  // say which inlined code made a function change
  if (newDebug) {
    const explain = new InlineExplainer(newDebug, { old: path.resolve(opts.old), new: path.resolve(opts.new) });
    for (const r of selection.decisions.replaced) r.reasons.push(...explain.reasons(r.newName ?? r.name, units.find((x) => x.key === r.unit)!.fileName));
  }
  const report = baseReport({ ...opts, target, version }, units, selection, program, changedVariables, needingValue, warnings, refused, transferObjects);
  // what leaving out a function that never returns means, line by line
  for (const left of selection.decisions.leftOut) {
    const u = units.find((x) => x.key === left.unit)!;
    const item = u.newItems.find((i) => i.name === left.name && i.kind === 'function');
    const old = item ? u.correlation.toOld.get(item) : undefined;
    const def = (debug: BuildDebug | null, it: Item | undefined): ProgramDefinition | null =>
      debug && it ? (it.local ? debug.program.local(u.fileName, it.name) : debug.program.global(it.name)) : null;
    const newDef = def(newDebug, item);
    const at = (offsets: number[]): number[] => (newDef ? offsets.map((o) => newDef.address + o) : []);
    const calls = item ? { waits: at(waitingCallOffsets(units, u, item)), noReturn: at(noReturnCallOffsets(units, u, item)) } : undefined;
    report.leftOutLines.push(...neverReturningLines(u.key, left.name, def(oldDebug, old), newDef, oldDebug, newDebug, { old: path.resolve(opts.old), new: path.resolve(opts.new) }, calls));
  }
  if (selection.decisions.replaced.length === 0 && selection.decisions.added.length === 0 && transferFunctions.size === 0 && changedVariables.length === 0) {
    if (selection.decisions.leftOut.length > 0) {
      refused.push(`only ${selection.decisions.leftOut.map((l) => l.name).join(', ')} changed, which cannot be replaced while it runs`);
    } else throw new MkpatchError('nothing changed between the two builds: no patch to make');
  }
  // a transfer to complete, for the variables no transfer converts
  const unconverted = changedVariables.filter((v) => !v.converted && changedTypes.has(v));
  if (unconverted.length > 0) {
    const skeleton = transferSkeleton(unconverted.map((change) => ({ change, ...changedTypes.get(change)!, fileRef: program.fileReference(units.find((u) => u.key === change.unit)!.fileName) })), { old: target, new: version });
    report.skeleton = path.join(path.dirname(path.resolve(opts.output)), 'TRANSFER.skeleton.c');
    fs.writeFileSync(report.skeleton, skeleton.text);
    report.skeletonDecisions = skeleton.decisions;
  }
  if (refused.length > 0) return finish(report, refused, buildMs, started);

  // passes 7-8: write the objects, link the patch
  const objects: string[] = [];
  let markers = 0;
  for (const sel of selection.units) {
    const emitted = emitUnit(sel, markers);
    markers += emitted.gotoffMarkers.length;
    const file = path.join(work, `unit-${objects.length}-${path.basename(sel.unit.key)}.o`);
    fs.writeFileSync(file, emitted.bytes);
    objects.push(file);
  }
  const meta = path.join(work, 'dsu-metadata.o');
  fs.writeFileSync(meta, metadataObject(report.target, report.version, patchIdentity(units, selection, program)));
  objects.push(meta);
  const output = path.resolve(opts.output);
  linkPatch({ objects, output, markers });
  report.patch = output;
  report.figures.generatedLines = generatedLines(selection, newDebug, transferObjects);
  return finish(report, refused, buildMs, started);
}

/** DSU_TARGET and DSU_VERSION a transfer declares. */
function declaredVersions(obj: RelocatableObject, file: string): { what: 'target' | 'version'; value: string; file: string }[] {
  const out: { what: 'target' | 'version'; value: string; file: string }[] = [];
  for (const [name, what] of [['.dsu.target', 'target'], ['.dsu.version', 'version']] as const) {
    const s = obj.sections.find((x) => x.name === name);
    if (s && s.data.length > 0) out.push({ what, value: Buffer.from(s.data).toString('utf8').replace(/\0[\s\S]*$/, ''), file });
  }
  return out;
}

/** --target/--version, or what the transfers declare; they must agree. */
function agreed(what: 'target' | 'version', given: string | null, declared: readonly { what: string; value: string; file: string }[]): string | null {
  const values = declared.filter((d) => d.what === what);
  const all = new Set([...(given !== null ? [given] : []), ...values.map((v) => v.value)]);
  if (all.size > 1) {
    throw new MkpatchError(`the ${what} is given as ${[...all].join(' and ')} (${[given !== null ? `--${what}` : null, ...values.map((v) => v.file)].filter((x) => x).join(', ')}): they must agree`);
  }
  return [...all][0] ?? null;
}

function readObject(unit: CapturedUnit): RelocatableObject {
  return readRelocatable(fs.readFileSync(unit.record.object), unit.record.object);
}

function pairAll(oldBuild: CapturedBuild, newBuild: CapturedBuild, newObjects: ReadonlyMap<string, string>): UnitPair[] {
  const keys = [...new Set([...oldBuild.units.map((u) => u.key), ...newBuild.units.map((u) => u.key)])];
  return keys.map((key) => {
    const o = oldBuild.units.find((u) => u.key === key);
    const n = newObjects.get(key);
    return pairUnits(key, o ? readObject(o) : null, n ? readRelocatable(fs.readFileSync(n), n) : null);
  });
}

function baseReport(
  opts: MkpatchOptions, units: UnitPair[], selection: Selection, program: ProgramFile, changedVariables: VariableChange[],
  needingValue: MkpatchReport['variables']['needingValue'], warnings: string[], refused: string[],
  transfers: Map<string, { spec: TransferSpec; object: string; plainNames: Set<string> }>,
): MkpatchReport {
  const d = selection.decisions ?? emptyDecisions();
  const initialValueChanged: { unit: string; name: string }[] = [];
  for (const u of units) {
    for (const s of u.states.values()) {
      if (s.item.kind !== 'variable' || !s.old || s.old.symbol.size !== s.item.symbol.size) continue;
      const a = s.old.section.data.subarray(s.old.symbol.value, s.old.symbol.value + s.old.symbol.size);
      const b = s.item.section.data.subarray(s.item.symbol.value, s.item.symbol.value + s.item.symbol.size);
      if (a.length === b.length && !a.every((x, i) => x === b[i])) initialValueChanged.push({ unit: u.key, name: s.item.name });
    }
  }
  const changedUnits = units.filter((u) => [...u.states.values()].some((s) => s.status !== 'same')).map((u) => u.key);
  return {
    patch: null,
    program: program.path,
    buildId: program.buildId,
    target: opts.target ?? program.name,
    version: opts.version ?? path.basename(path.resolve(opts.new)),
    ok: false,
    refused,
    warnings,
    units: { changed: changedUnits, added: units.filter((u) => !u.old).map((u) => u.key), removed: units.filter((u) => !u.new).map((u) => u.key) },
    decisions: d,
    removedFunctions: units.flatMap((u) => removedItems(u).filter((i) => i.kind === 'function').map((i) => ({ unit: u.key, name: i.name }))),
    variables: { changed: changedVariables, needingValue, initialValueChanged },
    leftOutLines: [],
    transfers: [...transfers.entries()].map(([unit, t]) => ({
      unit, file: t.spec.file, lines: fs.readFileSync(t.spec.file, 'utf8').split('\n').filter((l) => l.trim() !== '').length,
      functions: [...(units.find((u) => u.key === unit)?.states.values() ?? [])].filter((s) => s.item.kind === 'function' && !t.plainNames.has(s.item.name) && s.item.name !== 'dsu_update_point').map((s) => s.item.name),
    })),
    skeleton: null,
    skeletonDecisions: 0,
    figures: {
      functionsChanged: units.reduce((n, u) => n + [...u.states.values()].filter((s) => s.item.kind === 'function' && s.status === 'changed').length, 0),
      replaced: d.replaced.length, added: d.added.length, leftOut: d.leftOut.length, copiedIn: d.copiedIn.length, bound: d.bound.length,
      generatedLines: 0, handWrittenLines: 0, buildMs: 0, totalMs: 0,
    },
  };
}

/** Source lines of the new build's code the patch carries (its line table rows), the transfers' own lines aside. */
function generatedLines(selection: Selection, debug: BuildDebug | null, transfers: ReadonlyMap<string, { plainNames: Set<string> }>): number {
  if (!debug) return 0;
  const lines = new Set<string>();
  for (const sel of selection.units) {
    const fromTransfer = transfers.get(sel.unit.key)?.plainNames;
    for (const s of sel.sections) {
      for (const item of sel.unit.new!.itemsBySection.get(s) ?? []) {
        if (item.kind !== 'function' || (fromTransfer && !fromTransfer.has(item.name))) continue;
        const def = item.local ? debug.program.local(sel.unit.fileName, item.name) : debug.program.global(item.name);
        if (!def) continue;
        for (const r of rowsOf(debug, def.address, def.address + def.size)) lines.add(`${r.file}:${r.line}`);
      }
    }
  }
  return lines.size;
}

function finish(report: MkpatchReport, refused: string[], buildMs: number, started: number): MkpatchReport {
  report.refused = refused;
  report.ok = refused.length === 0 && report.patch !== null;
  report.figures.handWrittenLines = report.transfers.reduce((n, t) => n + t.lines, 0);
  report.figures.buildMs = Math.round(buildMs);
  report.figures.totalMs = Math.round(performance.now() - started);
  return report;
}
