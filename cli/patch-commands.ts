// `dsu patch`, `dsu rollback` and `dsu status`: the patcher's client side.
import path from 'node:path';
import { CommandDef, Parsed, UsageError, millisecondsOption } from './args.js';
import { CONTROL_OPTION, controlSocket, jsonOption, noArguments } from './control-client.js';
import { callControl } from '../control/client.js';
import type { CheckOnlyReport, PatchReport } from '../patcher/report.js';
import { escapeStrings, printJson, printOut } from './output.js';

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
  // the pause is not all clients see: the patcher's steps before it share the program's thread
  lines.push(`  the program could not run for ${r.guestStall.longestMs.toFixed(3)} ms at the longest, ${r.guestStall.totalMs.toFixed(3)} ms in all, from the command to the new code live`);
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

async function patchRun(p: Parsed): Promise<number> {
  const socket = controlSocket(p);
  if (p.rest.length !== 1) throw new UsageError(`${p.rest.length === 0 ? 'missing PATCH.so' : 'one PATCH.so at a time'}`);
  const timeoutMs = millisecondsOption(p, 'timeout', 5000);
  const transferTimeoutMs = millisecondsOption(p, 'transfer-timeout', 5000);
  const args = {
    path: path.resolve(p.rest[0]), timeoutMs, transferTimeoutMs, relaxed: p.flags.has('relaxed'), updatePoints: p.flags.has('update-points'),
    unsafeTypes: p.flags.has('unsafe-types'),
  };
  const json = p.flags.has('json');
  if (p.flags.has('check')) {
    const checked = await callControl(socket, 'check', args, 60_000);
    if (json) printJson(checked);
    else printCheck(checked);
    return 0;
  }
  const report = await callControl(socket, 'patch', args, timeoutMs + transferTimeoutMs + 30_000);
  if (json) printJson(report);
  else printPatch(report);
  return 0;
}

const TIMEOUT_OPTION = { name: 'timeout', value: 'MS', help: 'how long to wait for a safe point (default 5000); after it nothing has changed (exit 5)' };

export const patchCommand: CommandDef = {
  name: 'patch',
  summary: 'apply a patch (.so) to a running program',
  synopsis: ['--control SOCK [--check] [--timeout MS] [--relaxed] [--update-points] [--unsafe-types] [--json] PATCH.so'],
  description: 'Waits until no version of a replaced function is on any thread\'s stack, then, with the program held, copies statics, runs the transfer and redirects the old code; exits 0 only when the new code is live. Exit statuses: 3 the patch file cannot be read or is not a patch, 4 refused by a check before anything changed, 5 no safe point before --timeout, 6 the state transfer failed (everything undone).',
  options: [
    CONTROL_OPTION,
    { name: 'check', help: 'do everything up to the pause (parse, plan, checks, the stack now) without changing the program' },
    TIMEOUT_OPTION,
    { name: 'transfer-timeout', value: 'MS', help: 'how long dsu_transfer() may run (default 5000); after it the update is undone (exit 6)' },
    { name: 'relaxed', help: 'apply while old versions still run (only the jump windows must be free): old activations finish in the old code' },
    { name: 'update-points', help: 'apply only while the program is in dsu_update_point()' },
    { name: 'unsafe-types', help: 'let type-check refusals of bound variables, signatures and live structs through (still reported)' },
    jsonOption('the report'),
  ],
  positional: 'file',
  run: patchRun,
};

async function rollbackRun(p: Parsed): Promise<number> {
  const socket = controlSocket(p);
  noArguments(p);
  const timeoutMs = millisecondsOption(p, 'timeout', 5000);
  const answer = await callControl(socket, 'rollback', { timeoutMs, force: p.flags.has('force') }, timeoutMs + 40_000);
  if (p.flags.has('json')) {
    printJson(answer);
    return 0;
  }
  const r = escapeStrings(answer);
  const byVersion = new Map<string, string[]>();
  for (const l of r.live) byVersion.set(l.version, [...(byVersion.get(l.version) ?? []), l.function]);
  const live = [...byVersion].map(([version, fns]) => `${version}: ${fns.join(', ')}`).join('; ');
  printOut(`patch #${r.id} rolled back: ${r.patch}\n  live now: ${live}\n  paused ${r.pauseMs.toFixed(3)} ms after waiting ${r.waitedMs.toFixed(3)} ms\n`);
  if (r.keptMapped !== null) printOut(`  its object stays mapped until nothing points into it (${r.keptMapped})\n`);
  if (r.released.length > 0) printOut(`  unmapped rolled-back patch(es) ${r.released.map((id) => `#${id}`).join(', ')}: nothing points into them any more\n`);
  for (const w of r.problems) printOut(`  warning: ${w}\n`);
  return 0;
}

export const rollbackCommand: CommandDef = {
  name: 'rollback',
  summary: 'undo the most recent patch',
  synopsis: ['--control SOCK [--timeout MS] [--force] [--json]'],
  options: [
    CONTROL_OPTION,
    { ...TIMEOUT_OPTION, help: 'how long to wait for a safe point (default 5000)' },
    { name: 'force', help: 'roll back a patch whose dsu_transfer() changed state even though it has no dsu_rollback(): the old code must be able to read that state' },
    jsonOption('the report'),
  ],
  positional: 'none',
  run: rollbackRun,
};

async function statusRun(p: Parsed): Promise<number> {
  const socket = controlSocket(p);
  noArguments(p);
  const answer = await callControl(socket, 'status', {}, 10_000);
  if (p.flags.has('json')) {
    printJson(answer);
    return 0;
  }
  const s = escapeStrings(answer);
  const lines = [`${s.program} (pid ${s.pid}): now ${s.version}, ${s.patches.length} patch(es) applied`];
  for (const patch of s.patches) {
    const what = `replaced ${patch.replaced.join(', ') || 'nothing'}${patch.added.length ? `; added ${patch.added.join(', ')}` : ''}`;
    const notes = [`paused ${patch.pauseMs} ms`, ...(patch.version ? [`made it ${patch.version}`] : []), ...(patch.released ? ['released: superseded and unreferenced'] : [])];
    lines.push(`  #${patch.id} ${patch.path} at ${patch.appliedAt}: ${what} (${notes.join('; ')})`);
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
  if (s.rolledBack.length > 0) lines.push('history (rolled back):');
  for (const r of s.rolledBack) lines.push(`  #${r.id} ${r.path}: applied at ${r.appliedAt}, rolled back at ${r.rolledBackAt} (replaced ${r.replaced.join(', ') || 'nothing'})`);
  for (const r of s.retired) lines.push(`rolled back, still mapped: #${r.id} ${r.path} at ${r.range} (${r.by})`);
  const live = s.threads.filter((t) => t.state !== 'exited').length;
  lines.push(`${live} thread(s):`);
  for (const t of s.threads) lines.push(`  ${t.tid}${t.main ? ' (main)' : ''}: ${t.state}${t.where ? ` in ${t.where}` : ''}`);
  if (s.processes.length > 1) {
    lines.push(`${s.processes.length} process(es):`);
    for (const p of s.processes) lines.push(`  ${p.pid} (parent ${p.parent || 'outside'}): ${p.program}, ${p.version}${p.state === 'zombie' ? ', exited, not yet reaped' : ''}`);
  }
  printOut(lines.join('\n') + '\n');
  return 0;
}

export const statusCommand: CommandDef = {
  name: 'status',
  summary: 'list applied patches, which version of each function is live, the threads and the processes',
  synopsis: ['--control SOCK [--json]'],
  options: [CONTROL_OPTION, jsonOption('the status')],
  positional: 'none',
  run: statusRun,
};
