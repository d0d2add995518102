// The redirect step of an update, inside the pause: a jump at the entry of
// every old version of each replaced function straight to the new one, and
// every GOT slot that points at an old version rewritten to the new one.
// The versions are recorded in the registry; each write goes into the
// patch's undo log.
import type { Process } from '../emulator/process.js';
import { writeSlots } from './got/slot-write.js';
import { writeJumps } from './mechanism/jump.js';
import type { UndoLog } from './mechanism/undo-log.js';
import type { PatchRegistry } from './registry.js';
import type { ReplacementPlan } from './replacement.js';
import type { LinkedPatch } from './link-adapter.js';
import type { ReplacedReport } from './report.js';
import { PatcherError } from './errors.js';

const hex = (n: number): string => `0x${(n >>> 0).toString(16)}`;

export interface RedirectInput {
  proc: Process;
  registry: PatchRegistry;
  plan: ReplacementPlan;
  linked: LinkedPatch;
  /** The new patch's id. */
  id: number;
  undo: UndoLog;
  /** GOT slots found before the pause; only their values are read now. */
  slots: readonly number[];
  /** Room for jumps at each new version (a later patch writes there). */
  rooms: ReadonlyMap<string, number>;
}

export function redirect({ proc, registry, plan, linked, id, undo, slots, rooms }: RedirectInput): ReplacedReport[] {
  const reports: ReplacedReport[] = [];
  const retarget = new Map<number, number>();
  undo.record(`versions of patch #${id}`, () => registry.dropPatch(id));
  for (const r of plan.replacements) {
    const to = (linked.bias + r.patchValue) >>> 0;
    const olds = [r.original.address, ...registry.versions(r.key).map((v) => v.address)];
    if (r.entry) for (const from of olds) retarget.set(from, to);
    const room = rooms.get(r.key) ?? r.patchSize;
    registry.addVersion(r.key, { address: r.original.address, size: r.original.symbol.size, room: r.room, module: r.original.module.name, patch: r.original.patch ?? null },
      { address: to, size: r.patchSize, room, patch: id });
    reports.push({ function: r.key, from: r.original.module.name, to: hex(to), redirected: r.entry ? olds.map(hex) : [], gotSlots: 0 });
  }
  writeJumps(proc, retarget, undo);
  const view = proc.space.memory.view;
  const rewrites = new Map<number, number>();
  for (const slot of slots) {
    const to = retarget.get(view.getUint32(slot, true));
    if (to !== undefined) rewrites.set(slot, to);
  }
  if (rewrites.size > 0) {
    const { old, skipped } = writeSlots(proc, rewrites);
    if (skipped.length > 0) throw new PatcherError(`cannot rewrite GOT slots: ${skipped.join('; ')}`);
    undo.record(`${old.size} GOT slot(s)`, () => writeSlots(proc, old));
    for (const to of rewrites.values()) {
      const rep = reports.find((x) => x.to === hex(to));
      if (rep) rep.gotSlots++;
    }
  }
  return reports;
}
