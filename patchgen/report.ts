// What `dsu mkpatch` says: every decision it made (replaced and why, added,
// copied in, bound, left out and which changed lines will not take effect),
// the state it found changed and what it did about it, and the figures of
// the update (Hicks's: functions changed, replaced, left out; lines of patch
// code generated against lines written by hand). Text for people, JSON for
// scripts (--json).
import type { Decisions } from './select/decisions.js';
import type { NewVariableNeedingValue, VariableChange } from './data/variables.js';
import type { LineEffects } from './lines/never-returning.js';

export interface MkpatchReport {
  /** Where the patch was written, or null when it was refused. */
  patch: string | null;
  program: string;
  buildId: string | null;
  target: string;
  version: string;
  ok: boolean;
  /** Why it was refused, one line each. */
  refused: string[];
  warnings: string[];
  units: { changed: string[]; added: string[]; removed: string[] };
  decisions: Decisions;
  removedFunctions: { unit: string; name: string }[];
  variables: { changed: VariableChange[]; needingValue: NewVariableNeedingValue[]; initialValueChanged: { unit: string; name: string }[] };
  leftOutLines: LineEffects[];
  transfers: { unit: string; file: string; lines: number; functions: string[] }[];
  /** TRANSFER.skeleton.c, when a changed variable has no transfer. */
  skeleton: string | null;
  /** Decisions the skeleton leaves to a human (its #error "DSU-TODO" lines). */
  skeletonDecisions: number;
  figures: {
    functionsChanged: number;
    replaced: number;
    added: number;
    leftOut: number;
    copiedIn: number;
    bound: number;
    generatedLines: number;
    handWrittenLines: number;
    buildMs: number;
    totalMs: number;
  };
}

const list = (xs: readonly string[]): string => xs.join(', ');

export function formatReport(r: MkpatchReport): string {
  const out: string[] = [];
  out.push(r.ok ? `dsu mkpatch: wrote ${r.patch} (${r.target} -> ${r.version})` : `dsu mkpatch: no patch written: ${r.refused.length === 1 ? r.refused[0] : 'the patch cannot be made safely'}`);
  out.push(`  program: ${r.program}${r.buildId ? ` (build ID ${r.buildId.slice(0, 16)})` : ''}`);
  const d = r.decisions;
  for (const f of d.replaced) out.push(`  replaced ${f.name}${f.newName ? ` (new build: ${f.newName})` : ''} [${f.unit}]: ${f.reasons.join('; ')}`);
  for (const f of d.added) out.push(`  added ${f.kind} ${f.name}${f.local ? ' (static)' : ''} [${f.unit}]`);
  for (const f of d.copiedIn) out.push(`  copied in ${f.kind} ${f.name} [${f.unit}]: ${f.why}`);
  for (const f of d.leftOut) {
    out.push(`  left out ${f.name} [${f.unit}]: ${f.because}; changed: ${f.reasons.join('; ')}`);
    const lines = r.leftOutLines.find((l) => l.function === f.name && l.unit === f.unit);
    if (lines) {
      if (lines.startup.length > 0) out.push(`    start-up lines that already ran (no effect): ${lines.file}:${compactLines(lines.startup)}`);
      if (lines.loop.length > 0) out.push(`    lines in its loop that will NOT take effect: ${lines.file}:${compactLines(lines.loop)}`);
      if (lines.removed.length > 0) out.push(`    removed lines that keep running: ${lines.file} (old) ${compactLines(lines.removed)}`);
      if (lines.unknown) out.push(`    ${lines.unknown}`);
    }
  }
  if (d.bound.length > 0) out.push(`  bound to the running program: ${d.bound.length} (${list(d.bound.slice(0, 8).map((b) => b.as))}${d.bound.length > 8 ? ', ...' : ''})`);
  for (const v of r.variables.changed) {
    out.push(`  variable ${v.name} [${v.unit}] changed${v.type ? ` (${v.type})` : ''}: ${v.difference ?? ''}; ${v.converted ? 'converted by the transfer' : 'NOT converted: give a --transfer'}${v.storage ? ' (new storage in the patch)' : ''}`);
    if (v.stillUsedBy.length > 0) out.push(`    old code that keeps running and uses it: ${list(v.stillUsedBy)}`);
  }
  for (const v of r.variables.needingValue) out.push(`  new variable ${v.name} [${v.unit}] is set by ${list(v.setBy)}, which will not run again: the transfer must set it`);
  for (const v of r.variables.initialValueChanged) out.push(`  note: ${v.name} [${v.unit}] has a new initial value; the running program keeps its current value`);
  for (const f of r.removedFunctions) out.push(`  note: ${f.name} [${f.unit}] is gone from the new build; the program keeps it, new code does not call it`);
  for (const t of r.transfers) out.push(`  transfer ${t.file} appended to ${t.unit}: ${list(t.functions)} (${t.lines} lines)`);
  if (r.skeleton) {
    out.push(`  wrote ${r.skeleton}: a dsu_transfer and dsu_rollback for the changed variables, ` +
      (r.skeletonDecisions > 0 ? `with ${r.skeletonDecisions} decision(s) marked DSU-TODO to make` : 'complete as far as the layouts tell: check it') + ', then give it as --transfer');
  }
  for (const w of r.warnings) out.push(`  warning: ${w}`);
  for (const x of r.refused) out.push(`  refused: ${x}`);
  const f = r.figures;
  out.push(`  functions changed ${f.functionsChanged}, replaced ${f.replaced}, left out ${f.leftOut}, added ${f.added}, copied in ${f.copiedIn}, bound ${f.bound}; ` +
    `lines generated ${f.generatedLines}, written by hand ${f.handWrittenLines}; built in ${(f.buildMs / 1000).toFixed(1)} s, ${(f.totalMs / 1000).toFixed(1)} s in all`);
  return out.join('\n') + '\n';
}

/** 12,13,14,20 -> "12-14,20" */
function compactLines(lines: readonly number[]): string {
  const sorted = [...new Set(lines)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    parts.push(j > i ? `${sorted[i]}-${sorted[j]}` : `${sorted[i]}`);
    i = j + 1;
  }
  return parts.join(',');
}
