// Rolling back the newest patch: wait until its code is idle, run its
// dsu_rollback() if it has one (journaled, like a transfer), then replay its
// undo log: jumps and GOT slots as they were before it, its versions
// forgotten, its object unmapped unless something still points into it
// (then the releaser unmaps it once nothing does).
import { refuseTree } from './process-tree.js';
import type { Patcher } from './apply.js';
import { PatcherError } from './errors.js';
import { waitUntilSafe } from './wait-safe.js';
import { WriteJournal } from './mechanism/write-journal.js';
import { callGuest } from './mechanism/guest-call.js';
import { reconcileCarried, snapshotCarried } from './carry.js';
import { UNLINK_STEP } from './link-adapter.js';
import type { CodeRange } from './quiescence.js';

export interface RollbackReport {
  id: number;
  patch: string;
  restored: string[];
  /** Functions whose live version is now an earlier patch's (id), else the program's own. */
  live: { function: string; version: string }[];
  pauseMs: number;
  waitedMs: number;
  rollbackRoutine: 'none' | 'ok';
  problems: string[];
  /** Why the patch's object stays mapped (what still points into it), or null once unmapped. */
  keptMapped: string | null;
  /** Earlier rolled-back patches unmapped now that nothing points into them. */
  released: number[];
}

export interface RollbackOptions {
  timeoutMs: number;
  transferTimeoutMs: number;
  /** Roll back a patch whose dsu_transfer has no dsu_rollback to undo it. */
  force: boolean;
}

export function rollbackLatest(patcher: Patcher, opts: RollbackOptions): Promise<RollbackReport> {
  return patcher.exclusive(async () => {
    const { registry, session } = patcher;
    const p = registry.latest();
    if (!p) throw new PatcherError('no patch to roll back');
    refuseTree(session.proc, 'roll back');
    if (p.id <= registry.rollbackFloor || !p.module) {
      throw new PatcherError(`patch #${p.id} can no longer be rolled back: code it would return to was released to keep memory bounded (the newest ${patcher.releaser.depth} patches can always be rolled back)`);
    }
    if (p.transferWrote > 0 && !p.hasRollback && !opts.force) {
      throw new PatcherError(`patch #${p.id} has no dsu_rollback, and its dsu_transfer changed ${p.transferWrote} page(s) of the program's memory ` +
        '(converted records, globals): the old code would run on that state; add a dsu_rollback to the patch, or roll back with --force if the old code can read it');
    }
    const module = p.module;
    const ranges: CodeRange[] = [{ start: p.range.start, end: p.range.end, name: `patch #${p.id} (${p.path})` }];
    const entries = p.replaced.flatMap((key) => {
      const f = registry.replaced(key);
      return f ? [f.original.address, ...f.versions.filter((v) => v.patch !== p.id).map((v) => v.address)] : [];
    });
    const safe = await waitUntilSafe(session, patcher.breakpoints, () => patcher.model.moduleMap(), ranges, entries, {
      timeoutMs: opts.timeoutMs, relaxed: false, updatePoint: null,
    });
    const pauseStart = performance.now();
    let routine: RollbackReport['rollbackRoutine'] = 'none';
    const carryWarnings: string[] = [];
    const bytes = session.proc.space.memory.bytes;
    // statics go back to their previous home with their current values
    const saved = p.carried.map((c) => bytes.slice(c.previous, c.previous + c.size));
    for (const c of p.carried) bytes.copyWithin(c.previous, c.current, c.current + c.size);
    try {
      if (p.hasRollback) {
        const entry = module.data.symbols.byName('dsu_rollback').find((s) => s.kind === 'function');
        if (!entry) throw new PatcherError(`patch #${p.id}: dsu_rollback not found`);
        const before = snapshotCarried(bytes, p.carried);
        const journal = new WriteJournal(session);
        const r = await callGuest(session, (entry.start + module.bias) >>> 0, [], opts.transferTimeoutMs);
        journal.close();
        if (!r.ok || r.value !== 0) {
          journal.undo();
          p.carried.forEach((c, i) => bytes.set(saved[i], c.previous));
          throw new PatcherError(r.ok ? `dsu_rollback returned ${r.value | 0}; patch #${p.id} stays applied` : `dsu_rollback failed: ${r.reason}; patch #${p.id} stays applied`);
        }
        carryWarnings.push(...reconcileCarried(bytes, before, 'previous'));
        routine = 'ok';
      }
      const problems = [...carryWarnings, ...p.undo.undoAll(UNLINK_STEP)];
      registry.dropPatch(p.id);
      registry.rolledBack.push({ id: p.id, path: p.path, appliedAt: p.appliedAt, rolledBackAt: new Date(), replaced: p.replaced });
      // the program may keep pointers into the patch (a string constant
      // dsu_rollback stored, a callback it registered): unmapped only if none;
      // earlier rolled-back ones the program let go of are unmapped too
      registry.retired.push({ id: p.id, path: p.path, range: p.range, unlink: p.unlink, by: '' });
      const released = patcher.releaser.releaseRetired();
      const keptMapped = registry.retired.find((r) => r.id === p.id)?.by ?? null;
      const live = p.replaced.map((key) => {
        const f = registry.replaced(key);
        const v = f?.versions[f.versions.length - 1];
        const adder = registry.patches.find((q) => q.added.includes(key));
        return { function: key, version: v ? `patch #${v.patch}` : adder ? `patch #${adder.id}, which added it` : 'original' };
      });
      return {
        id: p.id, patch: p.path, restored: p.replaced, live, pauseMs: Math.round((performance.now() - pauseStart) * 1000) / 1000,
        waitedMs: Math.round(safe.waitedMs * 1000) / 1000, rollbackRoutine: routine, problems, keptMapped,
        released: released.filter((id) => id !== p.id),
      };
    } finally {
      session.runner.release();
    }
  });
}
