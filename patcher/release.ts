// Keeping memory bounded over a long stream of patches: the code and data of
// a patch that newer patches superseded is unmapped once it falls out of
// the rollback window (the newest `depth` patches can always be rolled
// back) and nothing in the program points into it any more.
import type { Patcher } from './apply.js';
import { UndoLog } from './mechanism/undo-log.js';
import { findReferences, Range } from './mechanism/pointer-scan.js';

export interface ReleaseReport {
  /** Superseded patches unmapped, and rolled-back ones unmapped once unreferenced. */
  released: number[];
  /** Superseded patches kept because something still points into them. */
  pinned: { id: number; by: string }[];
}

/** Scan again only when this many new patches fell out of the window (a scan reads all the guest's data). */
const SCAN_BATCH = 4;

const rangeOf = (p: { range: Range }): Range => p.range;

export class PatchReleaser {
  private scannedUpTo = 0;

  constructor(private readonly patcher: Patcher, readonly depth: number) {}

  /** Release what can be released; cheap when nothing new fell out of the window. */
  run(force = false): ReleaseReport {
    const report: ReleaseReport = { released: [], pinned: [] };
    report.released.push(...this.releaseRetired());
    const { registry, session } = this.patcher;
    const kept = registry.patches.filter((p) => !p.released);
    if (kept.length <= this.depth) return report;
    const outside = kept.slice(0, kept.length - this.depth);
    const upTo = outside[outside.length - 1].id;
    const fresh = outside.filter((p) => p.id > this.scannedUpTo).length;
    if (!force && fresh < SCAN_BATCH) return report;
    this.scannedUpTo = upTo;

    let candidates = outside.filter((p) => !registry.liveAfter(p.id, upTo));
    if (candidates.length === 0) return report;
    const ignore = (at: number, value: number): boolean => {
      const holder = registry.patches.find((p) => !p.released && at >= p.range.start && at < p.range.end);
      return holder !== undefined && holder.oldDataRefs.has(value);
    };
    // a pinned patch may itself point into another candidate: repeat until nothing changes
    for (;;) {
      const refs = findReferences(session.proc, candidates.map(rangeOf), candidates.map(rangeOf), ignore);
      const pinned = candidates.filter((_, i) => refs[i] !== null);
      if (pinned.length === 0) break;
      for (const p of pinned) report.pinned.push({ id: p.id, by: refs[candidates.indexOf(p)]! });
      candidates = candidates.filter((_, i) => refs[i] === null);
      if (candidates.length === 0) break;
    }
    for (const p of candidates) {
      p.unlink();
      p.released = true;
      // the host keeps only what `dsu status` shows
      p.module = null;
      p.unlink = () => {};
      registry.forget(p.id);
      report.released.push(p.id);
    }
    if (report.released.length > 0) {
      // rolling back past `upTo` could bring released code back to life
      registry.rollbackFloor = Math.max(registry.rollbackFloor, upTo);
      for (const p of registry.patches) if (p.id <= registry.rollbackFloor) p.undo = new UndoLog();
    }
    return report;
  }

  /**
   * Rolled-back patches something pointed into: unmapped once nothing does
   * (rare, so checked on every run and every rollback). Returns their ids;
   * those left get the reference found now.
   */
  releaseRetired(): number[] {
    const { registry, session } = this.patcher;
    const released: number[] = [];
    if (registry.retired.length === 0) return released;
    const refs = findReferences(session.proc, registry.retired.map(rangeOf), registry.retired.map(rangeOf));
    for (let i = refs.length - 1; i >= 0; i--) {
      const p = registry.retired[i];
      if (refs[i] !== null) {
        p.by = refs[i]!;
        continue;
      }
      p.unlink();
      registry.retired.splice(i, 1);
      released.push(p.id);
    }
    return released;
  }
}
