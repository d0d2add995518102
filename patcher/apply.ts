// Applying a patch, as a pipeline of named steps in order (libcare's
// process_patch reads the same way):
//
//   read -> parse -> plan (what is replaced, shared, carried) -> plan the
//   link (every symbol resolved, nothing written) -> load (map, relocate,
//   initialise while the program runs) -> wait for a safe point -> [pause]
//   carry statics and transfer state (journaled) -> redirect (jumps at every
//   old version, GOT slots) -> commit [resume]
//
// The steps up to the link plan only read. From the load on, every write is
// recorded in the patch's undo log, and there is one failure path: it
// replays the log backwards, so the program goes on with its old code and
// its memory as it was. Checks that refuse a patch belong before the load
// (docs/PATCHING.md says where): the type checks run there.
import path from 'node:path';
import type { Session } from '../emulator/launch.js';
import { breakpointsOf, BreakpointSet } from '../emulator/breakpoints.js';
import { Reg } from '../emulator/engine/unicorn-consts.js';
import { FILE_LIMITS, FileReadError, readRegularFileAsync } from '../loader/files/regular-file.js';
import { ElfError } from '../loader/elf/errors.js';
import { LinkError, OLD_PREFIX, type LinkPlan, type Resolution } from '../loader/link/index.js';
import { readPatch, PatchError, PatchFile } from './patch-file.js';
import { dataKey, planReplacement, ReplacementPlan } from './replacement.js';
import { AppliedPatch, PatchRegistry, type CarriedStatic } from './registry.js';
import { PatchReleaser } from './release.js';
import { UndoLog } from './mechanism/undo-log.js';
import { WriteJournal } from './mechanism/write-journal.js';
import { callGuest } from './mechanism/guest-call.js';
import { jumpRoom } from './jump-room.js';
import { reconcileCarried, snapshotCarried } from './carry.js';
import { ExitStatus, PatcherError } from './errors.js';
import { refuseTree } from './process-tree.js';
import { waitUntilSafe, SafePoint } from './wait-safe.js';
import { DebugInfoCache, resumePoints, runTypeChecks, stackAddresses } from './type-checks/run-checks.js';
import { refusal, type CheckReport } from './type-checks/checks.js';
import { describeLocation } from '../loader/symbols/modules.js';
import type { CodeRange } from './quiescence.js';
import { linkPatch, planPatchLink, LinkedPatch } from './link-adapter.js';
import { redirect } from './redirect.js';
import type { ProgramModel } from './program-model.js';
import type { RuntimeModule } from '../loader/program/runtime-module.js';
import type { CheckOnlyReport, PatchReport } from './report.js';
import { round, StepTimer } from './step-timer.js';
import { StallMeter } from './stall-meter.js';
import { loadDisassembler } from '../emulator/faults/disasm.js';
import { moduleRefs } from './type-checks/code-refs.js';

/** How `dsu run` set up patching for the program. */
export interface PatcherOptions {
  /** Apply live patches only at dsu_update_point() (the invoke model). */
  updatePoints: boolean;
  /** How many of the newest patches can always be rolled back (older superseded ones are released). */
  rollbackDepth: number;
}

export interface PatchOptions {
  timeoutMs: number;
  relaxed: boolean;
  /** Apply only at dsu_update_point() (dsu run --update-points). */
  updatePoints: boolean;
  transferTimeoutMs: number;
  /** Let checks 1-3 of the type checks through (reported all the same). */
  unsafeTypes?: boolean;
}

/** What the steps before the load found (they change nothing; `dsu patch --check` stops after them). */
interface Prepared {
  bytes: Uint8Array;
  patch: PatchFile;
  plan: ReplacementPlan;
  linkPlan: LinkPlan;
  checks: CheckReport;
  checksMs: number;
}

/** What the load step leaves for the pause: the linked object, and what the redirect will need. */
interface Loaded {
  linked: LinkedPatch;
  /** GOT slots that may need rewriting, found now; inside the pause only their values are read (lazy binding may fill them in meanwhile). */
  slots: number[];
  /** Room for the jumps a later patch will write at each new version. */
  rooms: Map<string, number>;
}

/** What carrying statics and the state transfer did. */
interface Transferred {
  carried: CarriedStatic[];
  transfer: PatchReport['transfer'];
  warnings: string[];
  /** Pages of the program (not the patch's, not dead stack) dsu_transfer wrote. */
  programPagesWritten: number;
  journaledPages: number;
}

export class Patcher {
  readonly registry = new PatchRegistry();
  /** The patcher's own breakpoints (return breakpoints, dsu_update_point). */
  readonly breakpoints: BreakpointSet;
  readonly releaser: PatchReleaser;
  readonly updatePointsOnly: boolean;
  private busy = false;
  /** Debug information of the program's files and of the patches, read once. */
  readonly debugInfo: DebugInfoCache;

  constructor(
    readonly session: Session,
    readonly model: ProgramModel,
    options: PatcherOptions,
  ) {
    this.updatePointsOnly = options.updatePoints;
    this.breakpoints = breakpointsOf(session.runner).owner('patcher');
    this.releaser = new PatchReleaser(this, options.rollbackDepth);
    this.debugInfo = new DebugInfoCache(session);
  }

  /**
   * Read, before any patch arrives, what the first patch would otherwise
   * read while the program's clients wait (issue 15): capstone, the index
   * of the program's modules, the program's debug information and its code
   * references, the stacks' unwinding tables, the linker's symbol indexes. One step
   * per turn of the event loop, with the program
   * running in between; a step still takes this thread for as long as it
   * computes (see scripts/bench/README.md, "Patch stall"). Stops when a
   * patch operation starts (it reads what is missing itself) or the program
   * has exited; a failure is left for that patch to report.
   */
  async warmUp(startAfterMs: number, betweenStepsMs: number): Promise<void> {
    // by then a dynamic program has loaded its libraries (the module list is read again when it changes)
    await new Promise((resolve) => setTimeout(resolve, startAfterMs).unref());
    if (this.busy || this.session.proc.exited) return;
    const exe = (): RuntimeModule | undefined => this.model.modules().find((m) => m.kind === 'exe');
    const steps: (() => unknown)[] = [
      () => loadDisassembler(),
      () => this.model.modules(),
      () => this.model.moduleMap(),
      () => {
        const m = exe();
        if (m) this.debugInfo.program(m)?.allVariables();
      },
      () => {
        const m = exe();
        if (m) moduleRefs(m.data.elf, m.data.symbols);
      },
      // unwinding every thread's stack reads the call-frame tables of the libraries on it
      () => stackAddresses(this.session, this.model.moduleMap()),
      () => this.model.linkTarget(this.model.modules()),
      // the import slots of every object (their relocations), which the load step lists
      () => this.model.slotAddresses(),
    ];
    // the linker's index of each library's exports and of the program's symbols, one object per turn
    try {
      for (const m of this.model.modules()) {
        if (m.kind === 'linked') continue;
        steps.push(() => (m.kind === 'exe' ? this.model.linkCache.executableSymbols(m.data) : this.model.linkCache.exportsOf(m.data.elf)));
      }
    } catch {
      return;
    }
    for (const step of steps) {
      await new Promise((resolve) => setTimeout(resolve, betweenStepsMs).unref());
      if (this.busy || this.session.proc.exited) return;
      try {
        await step();
      } catch {
        return;
      }
    }
  }

  /** Run `job` unless another patch operation is in progress. */
  async exclusive<T>(job: () => Promise<T>): Promise<T> {
    if (this.busy) throw new PatcherError('another patch operation is in progress; try again when it has finished');
    if (this.session.proc.exited) throw new PatcherError('the program has exited');
    this.busy = true;
    try {
      return await job();
    } finally {
      this.busy = false;
      // a child forked from now on inherits what is live now
      this.session.proc.codeVersion = this.registry.currentVersion();
    }
  }

  apply(patchPath: string, opts: PatchOptions): Promise<PatchReport> {
    return this.exclusive(async () => {
      refuseTree(this.session.proc, 'patch');
      const report = await this.applyNow(patchPath, opts);
      // after the pause, with the program running again between slices
      const release = this.releaser.run();
      report.released = release.released;
      report.pinned = release.pinned;
      return report;
    });
  }

  /** `dsu patch --check`: the report a real patch gives up to the pause, and nothing changed. */
  check(patchPath: string, opts: PatchOptions): Promise<CheckOnlyReport> {
    return this.exclusive(async () => {
      const { plan, checks } = await this.prepare(patchPath, opts);
      const map = this.model.moduleMap();
      const stack = stackAddresses(this.session, map);
      const active = [...new Set(this.busyRanges(plan).filter((r) => stack.some((a) => a >= r.start && a < r.end)).map((r) => r.name))];
      return {
        patch: patchPath, wouldReplace: plan.replacements.map((r) => r.key), wouldAdd: plan.added, wouldCarry: plan.carried.map((c) => c.key),
        warnings: [...plan.warnings, ...checks.warnings, ...overriddenWarnings(checks)], notes: checks.notes,
        stack: stack.map((a) => describeLocation(map.locate(a))), activeNow: active,
      };
    });
  }

  /**
   * The steps that only read: read, parse, plan, link plan, and the type
   * checks from the debug information (issue 12), which refuse before
   * anything changes.
   */
  private async prepare(patchPath: string, opts: PatchOptions): Promise<Prepared> {
    const { proc } = this.session;
    // the guest shares this thread: it runs between the steps of the preparation
    const bytes = await readPatchFile(patchPath);
    // the plan and the checks decode code (capstone, loaded on first use, off the guest's thread)
    await loadDisassembler();
    const patch = explained(() => readPatch(bytes, patchPath), ExitStatus.badFile);
    await yieldToGuest();
    const modules = this.model.modules();
    const plan = explained(() => planReplacement(patch, modules, this.registry, path.posix.basename(proc.exePath)), ExitStatus.refused);
    await yieldToGuest();
    const linkPlan = explained(() => planPatchLink(this.model, bytes, patchPath, modules, this.model.overrides(this.registry), plan.shared, (a) => this.invoke(a, opts)), ExitStatus.refused);
    refuseOldReplacedFunctions(linkPlan.resolutions, this.entries(plan));
    await yieldToGuest();
    const checksStart = performance.now();
    const checks = runTypeChecks(this.debugInfo, {
      patch, patchDebug: this.debugInfo.patch(patch.elf, patchPath), plan, resolutions: linkPlan.resolutions, modules,
      stackAddresses: stackAddresses(this.session, this.model.moduleMap()), resumePoints: resumePoints(this.session, this.model.moduleMap()),
      unsafeTypes: opts.unsafeTypes === true, relaxed: opts.relaxed,
    });
    const checksMs = performance.now() - checksStart;
    if (checks.refused.length > 0) throw new PatcherError(refusal(checks), ExitStatus.refused);
    await yieldToGuest();
    return { bytes, patch, plan, linkPlan, checks, checksMs };
  }

  private async applyNow(patchPath: string, opts: PatchOptions): Promise<PatchReport> {
    const received = performance.now();
    const stall = new StallMeter();
    try {
      return await this.applySteps(patchPath, opts, received, stall);
    } finally {
      stall.cancel();
    }
  }

  private async applySteps(patchPath: string, opts: PatchOptions, received: number, stall: StallMeter): Promise<PatchReport> {
    const timer = new StepTimer();
    const { proc } = this.session;
    const { patch, plan, linkPlan, checks, checksMs } = await this.prepare(patchPath, opts);
    const updatePoint = this.updatePointFor(opts);

    const undo = new UndoLog();
    try {
      const loaded = await timer.time('load', () => this.load(linkPlan, plan, undo));
      const safe = await waitUntilSafe(this.session, this.breakpoints, () => this.model.moduleMap(), this.busyRanges(plan), this.entries(plan), {
        timeoutMs: opts.timeoutMs, relaxed: opts.relaxed, updatePoint,
      });
      // the program is held from here: the pause
      try {
        const pauseSteps = performance.now();
        const transferred = await timer.time('transfer', () => this.transferState(patch, plan, loaded.linked, opts));
        const id = this.registry.newId();
        const replaced = await timer.time('redirect', () => redirect({ proc, registry: this.registry, plan, linked: loaded.linked, id, undo, slots: loaded.slots, rooms: loaded.rooms }));
        const applied = this.commit(id, patchPath, patch, plan, loaded.linked, transferred, undo, safe);
        const guestStall = stall.finish(applied.pauseMs);
        return {
          id, patch: patchPath, replaced, added: plan.added, carried: plan.carried.map((c) => c.key),
          transfer: transferred.transfer, pauseMs: round(applied.pauseMs),
          pausePhases: { checkMs: round(pauseSteps - safe.heldAt), transferMs: timer.of('transfer'), redirectMs: timer.of('redirect') },
          waitedMs: round(safe.waitedMs), loadMs: timer.of('load'), totalMs: round(performance.now() - received),
          guestStall: { longestMs: round(guestStall.longestMs), totalMs: round(guestStall.totalMs) },
          safePoint: safe.at, stack: safe.stack, journaledPages: transferred.journaledPages, released: [], pinned: [],
          warnings: [...plan.warnings, ...checks.warnings, ...overriddenWarnings(checks), ...transferred.warnings, ...relaxedWarning(safe.stillActive, plan)],
          notes: checks.notes, checksMs: round(checksMs),
        };
      } finally {
        this.session.runner.release();
      }
    } catch (e) {
      throw this.rolledBack(undo, e);
    }
  }

  /** The one failure path once anything was written: replay the undo log, then say why. */
  private rolledBack(undo: UndoLog, e: unknown): PatcherError {
    const failures = undo.undoAll();
    if (failures.length > 0) this.session.proc.log.line(`dsu: patch: undo problems: ${failures.join('; ')}`);
    return e instanceof PatcherError ? e : new PatcherError((e as Error).message);
  }

  /** Where the update may happen: anywhere safe, or only at dsu_update_point(). */
  private updatePointFor(opts: PatchOptions): number | null {
    if (!opts.updatePoints && !this.updatePointsOnly) return null;
    const at = this.model.updatePoint();
    if (at === null) throw new PatcherError('the program has no dsu_update_point() (include dsu.h and call it from its loop)');
    return at;
  }

  /**
   * Load: the object is mapped, relocated and initialised while the program
   * runs (nothing reaches it before the jumps exist), like dlopen.
   */
  private async load(linkPlan: LinkPlan, plan: ReplacementPlan, undo: UndoLog): Promise<Loaded> {
    const linked = await linkPatch(linkPlan, undo);
    await yieldToGuest();
    const slots = this.model.slotAddresses();
    const rooms = new Map<string, number>();
    for (const r of plan.replacements) rooms.set(r.key, jumpRoom(linked.module.data.elf, linked.module.data.symbols, r.patchValue, r.patchSize));
    await yieldToGuest();
    return { linked, slots, rooms };
  }

  /** Carry statics into the patch, then run its dsu_transfer under a write journal (undone if it fails). */
  private async transferState(patch: PatchFile, plan: ReplacementPlan, linked: LinkedPatch, opts: PatchOptions): Promise<Transferred> {
    const { proc } = this.session;
    const bytes = proc.space.memory.bytes;
    const carried = plan.carried.map((c) => {
      const to = (linked.bias + c.patchValue) >>> 0;
      bytes.copyWithin(to, c.from, c.from + c.size);
      return { key: c.key, size: c.size, previous: c.from, current: to };
    });
    if (!patch.hasTransfer) return { carried, transfer: 'none', warnings: [], programPagesWritten: 0, journaledPages: 0 };
    const before = snapshotCarried(bytes, carried);
    const esp = proc.machine.cpu.reg(Reg.ESP) >>> 0;
    const journal = new WriteJournal(this.session);
    const r = await callGuest(this.session, linked.exports.get('dsu_transfer')!, [], opts.transferTimeoutMs);
    journal.close();
    if (!r.ok || r.value !== 0) {
      journal.undo();
      throw new PatcherError(r.ok ? `dsu_transfer returned ${r.value | 0}; nothing was changed` : `dsu_transfer failed: ${r.reason}; nothing was changed`, ExitStatus.transferFailed);
    }
    return {
      carried, transfer: 'ok', warnings: reconcileCarried(bytes, before, 'current'),
      programPagesWritten: programPagesWritten(this.session.proc, journal.pageAddresses(), linked, esp), journaledPages: journal.pages,
    };
  }

  /** Commit: the patch joins the registry, its variables become the live copies; the pause ends here. */
  private commit(id: number, patchPath: string, patch: PatchFile, plan: ReplacementPlan, linked: LinkedPatch, t: Transferred, undo: UndoLog, safe: SafePoint): AppliedPatch {
    const applied: AppliedPatch = {
      id, path: patchPath, buildId: patch.buildId, appliedAt: new Date(), module: linked.module, range: { start: linked.start, end: linked.end }, unlink: linked.unlink,
      replaced: plan.replacements.map((r) => r.key), added: plan.added, hasRollback: patch.hasRollback, transferWrote: t.programPagesWritten, version: patch.version,
      carried: t.carried, undo,
      oldDataRefs: new Set([...linked.resolutions.values()].filter((r) => r.name.startsWith(OLD_PREFIX) && r.kind !== 'function').map((r) => r.address)),
      pauseMs: 0, waitedMs: safe.waitedMs, released: false,
    };
    this.registry.patches.push(applied);
    for (const d of patch.data) {
      // globals bound to the program's existing storage stay where they are
      if (!d.writable || d.size === 0 || (!d.local && plan.shared.has(d.name))) continue;
      this.registry.addData(dataKey(d), { address: (linked.bias + d.value) >>> 0, size: d.size, patch: id });
    }
    applied.pauseMs = performance.now() - safe.heldAt;
    return applied;
  }

  /** Run a guest function for the linker (IFUNC resolvers, initialisers) while the program is held. */
  private async invoke(address: number, opts: PatchOptions): Promise<number> {
    const { runner } = this.session;
    runner.hold();
    let r;
    try {
      r = await callGuest(this.session, address, [], opts.transferTimeoutMs);
    } finally {
      runner.release();
    }
    if (!r.ok) throw new PatcherError(`guest call at 0x${address.toString(16)} failed: ${r.reason}`);
    return r.value;
  }

  /** Code that must be idle: every version of every replaced function, and declared dependents. */
  private busyRanges(plan: ReplacementPlan): CodeRange[] {
    const ranges: CodeRange[] = [...plan.dependents];
    for (const r of plan.replacements) {
      const o = r.original;
      ranges.push({ start: o.address, end: o.address + Math.max(1, o.symbol.size), name: `${r.key} (${o.module.name})` });
      for (const v of this.registry.versions(r.key)) ranges.push({ start: v.address, end: v.address + Math.max(1, v.size), name: `${r.key} (patch #${v.patch})` });
    }
    return ranges;
  }

  /** Entries that will receive a jump. */
  private entries(plan: ReplacementPlan): number[] {
    return plan.replacements.filter((r) => r.entry).flatMap((r) => [r.original.address, ...this.registry.versions(r.key).map((v) => v.address)]);
  }
}

/** Read the patch file (off the event loop: the program keeps running while a large patch is read). */
async function readPatchFile(patchPath: string): Promise<Uint8Array> {
  try {
    return await readRegularFileAsync(patchPath, FILE_LIMITS.patch);
  } catch (e) {
    if (!(e instanceof FileReadError)) throw e;
    const why: Record<string, string> = { ENOENT: 'no such file', EISDIR: 'is a directory', ENOTDIR: 'a component of the path is not a directory' };
    throw new PatcherError(`${patchPath}: cannot read the patch: ${why[e.code] ?? e.reason}`, ExitStatus.badFile);
  }
}

/** Run a checking step; what it refuses (a bad patch, ELF or link) becomes the patcher's error, by type. */
function explained<T>(step: () => T, status: number): T {
  try {
    return step();
  } catch (e) {
    if (e instanceof PatcherError) throw e;
    if (e instanceof PatchError || e instanceof ElfError || e instanceof LinkError) throw new PatcherError(e.message, status);
    throw e;
  }
}

/** What --unsafe-types let through, said in the report all the same. */
function overriddenWarnings(checks: CheckReport): string[] {
  return checks.overridden.map((f) => `--unsafe-types: check ${f.check} would have refused: ${f.message}`);
}

/** --relaxed let old activations run on: say which, since they never see the new code or state. */
function relaxedWarning(active: readonly string[], plan: ReplacementPlan): string[] {
  if (active.length === 0) return [];
  const statics = plan.carried.length > 0 ? ` and the old copies of ${plan.carried.map((c) => c.key).join(', ')}` : '';
  return [`--relaxed: ${active.join(', ')} ${active.length === 1 ? 'was' : 'were'} running; ${active.length === 1 ? 'that activation goes' : 'those activations go'} on ` +
    `in the old code${statics} until ${active.length === 1 ? 'it returns' : 'they return'} (a main loop never does: code inlined into it stays old)`];
}

/** Pages a transfer wrote that the old code may read: not the patch's own, not the dead stack below the program's frame. */
function programPagesWritten(proc: Session['proc'], pages: readonly number[], patch: { start: number; end: number }, esp: number): number {
  const stack = proc.space.regionAt(esp);
  return pages.filter((p) => !(p >= patch.start && p < patch.end) && !(stack && p >= stack.start && p < esp)).length;
}

const yieldToGuest = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * A patch may call the version of a function it does not replace through
 * dsu.old.NAME, but not one it replaces: that entry is about to jump to the
 * new version, so the call would land in the new code.
 */
function refuseOldReplacedFunctions(resolutions: ReadonlyMap<string, Resolution>, entries: readonly number[]): void {
  const bad = [...resolutions.values()].filter((r) => r.name.startsWith(OLD_PREFIX) && r.kind === 'function' && entries.includes(r.address));
  if (bad.length > 0) {
    throw new PatcherError(`${bad.map((r) => r.name).join(', ')}: the patch replaces ${bad.length === 1 ? 'this function' : 'these functions'}, so the old entry will jump to the new version; calling the old version from the patch is not supported`, ExitStatus.refused);
  }
}
