// `dsu patch`, `dsu rollback` and `dsu status`: the patcher's client side.
import path from 'node:path';
import { UsageError } from './args.js';
import { withControl } from './control-client.js';
import { callControl } from '../control/client.js';
import type { CheckOnlyReport, PatchReport } from '../patcher/report.js';
import { escapeStrings, printJson, printOut } from './output.js';

function timeoutOf(options: Map<string, string[]>): number {
  const raw = options.get('timeout')?.[0];
  if (raw === undefined) return 5000;
  const ms = Number(raw);
  if (!Number.isFinite(ms) || ms <= 0) throw new UsageError(`--timeout ${raw}: expected milliseconds`);
  return ms;
}

function printPatch(report: PatchReport): void {
  // names, paths and versions come from the patch and the program
  const r = escapeStrings(report);
  const lines = [`patch #${r.id} applied: ${r.patch}`];
  for (const f of r.replaced) {
    const how = f.redirected.length > 0 ? `jumps at ${f.redirected.join(", ")}` : "reached only from its own function (cold part)";
    lines.push(`  replaced ${f.function} (${f.from}) -> ${f.to}; ${how}${f.gotSlots ? `; ${f.gotSlots} GOT slot(s)` : ""}`);
  }
  if (r.added.length > 0) lines.push(`  added ${r.added.join(', ')}`);
  if (r.carried.length > 0) lines.push(`  carried over ${r.carried.join(', ')}`);
  if (r.transfer !== 'none') lines.push(`  state transfer: ${r.transfer} (${r.journaledPages} page(s) journaled)`);
  for (const w of r.warnings) lines.push(`  warning: ${w}`);
  for (const n of r.notes ?? []) lines.push(`  note: ${n}`);
  if (r.released.length > 0) lines.push(`  released patch(es) ${r.released.map((id) => `#${id}`).join(', ')} (superseded, out of the rollback window, unreferenced)`);
  lines.push(`  loaded in ${r.loadMs.toFixed(3)} ms, waited ${r.waitedMs.toFixed(3)} ms for a safe point (${r.safePoint}), paused ${r.pauseMs.toFixed(3)} ms; live ${r.totalMs.toFixed(3)} ms after the command`);
  lines.push(`  the program was at: ${r.stack.slice(0, 6).join(' <- ')}${r.stack.length > 6 ? ' <- ...' : ''}`);
  printOut(lines.join('\n') + '\n');
}

function printCheck(report: CheckOnlyReport): void {
  // names and paths come from the patch and the program
  const r = escapeStrings(report);
  const lines = [`${r.patch}: would apply (nothing was changed)`];
  if (r.wouldReplace.length > 0) lines.push(`  would replace ${r.wouldReplace.join(', ')}`);
  if (r.wouldAdd.length > 0) lines.push(`  would add ${r.wouldAdd.join(', ')}`);
  if (r.wouldCarry.length > 0) lines.push(`  would carry over ${r.wouldCarry.join(', ')}`);
  for (const w of r.warnings) lines.push(`  warning: ${w}`);
  for (const n of r.notes) lines.push(`  note: ${n}`);
  lines.push(r.activeNow.length > 0 ? `  running now (the update would wait for them): ${r.activeNow.join(', ')}` : '  none of the replaced functions is running now');
  lines.push(`  the program is at: ${r.stack.slice(0, 6).join(' <- ')}${r.stack.length > 6 ? ' <- ...' : ''}`);
  printOut(lines.join('\n') + '\n');
}

export async function patchCommand(argv: string[]): Promise<number> {
  return withControl('patch', argv, { values: ['timeout', 'transfer-timeout'], flags: ['relaxed', 'update-points', 'check', 'unsafe-types'] }, async (c) => {
    if (c.rest.length !== 1) throw new UsageError('usage: dsu patch --control SOCK PATCH.so [--check] [--timeout MS] [--relaxed] [--update-points] [--unsafe-types] [--json]');
    const timeoutMs = timeoutOf(c.options);
    const transferTimeoutMs = c.options.has('transfer-timeout') ? Number(c.options.get('transfer-timeout')![0]) : 5000;
    const args = {
      path: path.resolve(c.rest[0]), timeoutMs, transferTimeoutMs, relaxed: c.flags.has('relaxed'), updatePoints: c.flags.has('update-points'),
      unsafeTypes: c.flags.has('unsafe-types'),
    };
    if (c.flags.has('check')) {
      const checked = await callControl(c.socket, 'check', args, 60_000);
      if (c.json) printJson(checked);
      else printCheck(checked);
      return 0;
    }
    const report = await callControl(c.socket, 'patch', args, timeoutMs + transferTimeoutMs + 30_000);
    if (c.json) printJson(report);
    else printPatch(report);
    return 0;
  });
}

export async function rollbackCommand(argv: string[]): Promise<number> {
  return withControl('rollback', argv, { values: ['timeout'], flags: ['force'] }, async (c) => {
    const timeoutMs = timeoutOf(c.options);
    const answer = await callControl(c.socket, 'rollback', { timeoutMs, force: c.flags.has('force') }, timeoutMs + 40_000);
    if (c.json) printJson(answer);
    else {
      const r = escapeStrings(answer);
      const byVersion = new Map<string, string[]>();
      for (const l of r.live) byVersion.set(l.version, [...(byVersion.get(l.version) ?? []), l.function]);
      const live = [...byVersion].map(([version, fns]) => `${version}: ${fns.join(', ')}`).join('; ');
      printOut(`patch #${r.id} rolled back: ${r.patch}\n  live now: ${live}\n  paused ${r.pauseMs.toFixed(3)} ms after waiting ${r.waitedMs.toFixed(3)} ms\n`);
      if (r.keptMapped !== null) printOut(`  its object stays mapped until nothing points into it (${r.keptMapped})\n`);
      if (r.released.length > 0) printOut(`  unmapped rolled-back patch(es) ${r.released.map((id) => `#${id}`).join(', ')}: nothing points into them any more\n`);
      for (const p of r.problems) printOut(`  warning: ${p}\n`);
    }
    return 0;
  });
}

export async function statusCommand(argv: string[]): Promise<number> {
  return withControl('status', argv, {}, async (c) => {
    const answer = await callControl(c.socket, 'status', {}, 10_000);
    if (c.json) {
      printJson(answer);
      return 0;
    }
    const s = escapeStrings(answer);
    const lines = [`${s.program} (pid ${s.pid}): now ${s.version}, ${s.patches.length} patch(es) applied`];
    for (const p of s.patches) {
      const what = `replaced ${p.replaced.join(', ') || 'nothing'}${p.added.length ? `; added ${p.added.join(', ')}` : ''}`;
      const notes = [`paused ${p.pauseMs} ms`, ...(p.version ? [`made it ${p.version}`] : []), ...(p.released ? ['released: superseded and unreferenced'] : [])];
      lines.push(`  #${p.id} ${p.path} at ${p.appliedAt}: ${what} (${notes.join('; ')})`);
    }
    if (s.rollbackFloor > 0) lines.push(`  patches up to #${s.rollbackFloor} can no longer be rolled back`);
    // which version of each replaced function runs now (addresses: --json)
    const byLive = new Map<string, string[]>();
    for (const f of s.functions) {
      const version = f.live.replace(/ at 0x[0-9a-f]+$/, '');
      byLive.set(version, [...(byLive.get(version) ?? []), f.function]);
    }
    if (byLive.size > 0) lines.push(`${s.functions.length} replaced function(s) live in:`);
    for (const [version, fns] of byLive) lines.push(`  ${version}: ${fns.join(', ')}`);
    for (const r of s.retired) lines.push(`rolled back, still mapped: #${r.id} ${r.path} at ${r.range} (${r.by})`);
    const live = s.threads.filter((t) => t.state !== 'exited').length;
    lines.push(`${live} thread(s):`);
    for (const t of s.threads) lines.push(`  ${t.tid}${t.main ? ' (main)' : ''}: ${t.state}${t.where ? ` in ${t.where}` : ''}`);
    printOut(lines.join('\n') + '\n');
    return 0;
  });
}
