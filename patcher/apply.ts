// Applying a patch: a pipeline of named steps with early, clean failure.
//
//   parse -> plan (what is replaced, shared, carried) -> link plan (every
//   symbol resolved, nothing written) -> wait for a safe point -> [pause]
//   final check -> link -> carry statics -> state transfer (journaled) ->
//   redirect (jumps at every old version, GOT slots) -> commit [resume]
//
// Everything before the pause only reads. Every write inside it is recorded
// in the patch's undo log; any failure replays the log backwards and the
// program goes on with its old code and its memory as it was.
import path from 'node:path';
import type { Session } from '../emulator/launch.js';
import { ModuleMap } from '../loader/symbols/modules.js';
import { moduleListKey, programModules } from '../loader/program/program-modules.js';
import type { RuntimeModule } from '../loader/program/runtime-module.js';
import { ImportSlotCache } from '../loader/program/got.js';
import { R_386_COPY } from '../loader/elf/constants.js';
import { guestProgram } from './inspect/guest-program.js';
import { writeSlots } from './got/slot-write.js';
import { readPatch, PatchError, PatchFile } from './patch-file.js';
import { dataKey, planReplacement, ReplacementPlan } from './replacement.js';
import { AppliedPatch, PatchRegistry } from './registry.js';
import { PatchReleaser } from './release.js';
import { Breakpoints } from './mechanism/breakpoints.js';
import { UndoLog } from './mechanism/undo-log.js';
import { writeJumps, JMP_SIZE } from './mechanism/jump.js';
import { jumpRoom } from './jump-room.js';
import { WriteJournal } from './mechanism/write-journal.js';
import { callGuest } from './mechanism/guest-call.js';
import { Reg } from '../emulator/engine/unicorn-consts.js';
import { FILE_LIMITS, FileReadError, readRegularFileAsync } from '../loader/files/regular-file.js';
import { reconcileCarried, snapshotCarried } from './carry.js';
import { PatcherError } from './errors.js';
import { waitUntilSafe, SafePoint } from './wait-safe.js';
import type { CodeRange } from './quiescence.js';
import { linkPatch, planPatchLink, LinkedPatch } from './link-adapter.js';
import { LinkError, OLD_PREFIX, type Resolution } from '../loader/link/index.js';
import { ElfError } from '../loader/elf/errors.js';
import type { ModuleCache } from '../loader/symbols/modules.js';

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
}

export interface ReplacedReport {
  function: string;
  from: string;
  /** Entry of the newest version (hex). */
  to: string;
  /** Old entries now jumping to it (hex), the original first. */
  redirected: string[];
  gotSlots: number;
}

export interface PatchReport {
  id: number;
  patch: string;
  replaced: ReplacedReport[];
  added: string[];
  carried: string[];
  transfer: 'none' | 'ok';
  /** Guest stopped: final check, writes, transfer. */
  pauseMs: number;
  /** The pause by step: the final stack check, carrying statics and the transfer, jumps and GOT slots. */
  pausePhases: { checkMs: number; transferMs: number; redirectMs: number };
  /** Waiting for a safe point, guest running. */
  waitedMs: number;
  /** Mapping, relocating and initialising the patch, guest running (stopped only for its initialisers). */
  loadMs: number;
  /** From the command to the new code being live. */
  totalMs: number;
  safePoint: SafePoint['at'];
  /** Where the program was when the update happened (innermost first). */
  stack: string[];
  journaledPages: number;
  /** Allowed but probably not meant (e.g. a file's statics taken over without all of its functions). */
  warnings: string[];
  /** Earlier patches unmapped after this one (superseded, out of the rollback window, unreferenced). */
  released: number[];
  /** Superseded patches out of the rollback window that something still points into. */
  pinned: { id: number; by: string }[];
}

const hex = (n: number): string => `0x${(n >>> 0).toString(16)}`;

export class Patcher {
  readonly registry = new PatchRegistry();
  readonly breakpoints: Breakpoints;
  readonly releaser: PatchReleaser;
  private busy = false;

  readonly updatePointsOnly: boolean;

  constructor(
    readonly session: Session,
    private readonly cache: ModuleCache,
    options: PatcherOptions,
  ) {
    this.updatePointsOnly = options.updatePoints;
    this.breakpoints = new Breakpoints(session);
    this.releaser = new PatchReleaser(this, options.rollbackDepth);
  }

  private known: { key: string; modules: RuntimeModule[]; map: ModuleMap } | null = null;
  /** Import slots of each object's file, read once. */
  private readonly importSlots = new ImportSlotCache();

  /** The program's modules, re-read only when the list changed (dlopen, a patch linked or released). */
  modules(): RuntimeModule[] {
    return this.current().modules;
  }

  moduleMap(): ModuleMap {
    return this.current().map;
  }

  private current(): { modules: RuntimeModule[]; map: ModuleMap } {
    const view = guestProgram(this.session.proc, this.cache);
    const key = moduleListKey(view);
    if (this.known?.key !== key) {
      const modules = programModules(view);
      this.known = { key, modules, map: new ModuleMap(modules) };
    }
    return this.known;
  }

  private updatePoint(): number | null {
    for (const m of this.modules()) {
      if (m.kind === 'linked') continue;
      const s = m.data.symbols.byName('dsu_update_point').find((e) => e.kind === 'function');
      if (s) return (s.start + m.bias) >>> 0;
    }
    return null;
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
    }
  }

  apply(patchPath: string, opts: PatchOptions): Promise<PatchReport> {
    return this.exclusive(async () => {
      const report = await this.applyNow(patchPath, opts);
      // after the pause, with the program running again between slices
      const release = this.releaser.run();
      report.released = release.released;
      report.pinned = release.pinned;
      return report;
    });
  }

  private async applyNow(patchPath: string, opts: PatchOptions): Promise<PatchReport> {
    const received = performance.now();
    const { proc, runner } = this.session;
    // parse
    let bytes: Uint8Array;
    try {
      // off the event loop: the program keeps running while a large patch is read
      bytes = await readRegularFileAsync(patchPath, FILE_LIMITS.patch);
    } catch (e) {
      if (!(e instanceof FileReadError)) throw e;
      const why: Record<string, string> = { ENOENT: 'no such file', EISDIR: 'is a directory', ENOTDIR: 'a component of the path is not a directory' };
      throw new PatcherError(`${patchPath}: cannot read the patch: ${why[e.code] ?? e.reason}`);
    }
    const patch = wrap(() => readPatch(bytes, patchPath));
    // the guest shares this thread: let it run between the steps of the preparation
    await yieldToGuest();
    const programName = path.posix.basename(proc.exePath);
    // plan: what is replaced
    const modules = this.modules();
    const plan = wrap(() => planReplacement(patch, modules, this.registry, programName));
    await yieldToGuest();
    // link plan: everything resolved and checked, nothing written
    const linkPlan = wrap(() => planPatchLink(proc, bytes, patchPath, modules, this.overrides(), plan.shared, (a) => this.invoke(a, opts)));

    refuseOldReplacedFunctions(linkPlan.resolutions, this.entries(plan));
    const updatePoint = opts.updatePoints || this.updatePointsOnly ? this.updatePoint() : null;
    if ((opts.updatePoints || this.updatePointsOnly) && updatePoint === null) {
      throw new PatcherError('the program has no dsu_update_point() (include dsu.h and call it from its loop)');
    }
    const undo = new UndoLog();
    const fail = (e: unknown): never => {
      const failures = undo.undoAll();
      if (failures.length > 0) proc.log.line(`dsu: patch: undo problems: ${failures.join('; ')}`);
      throw e instanceof PatcherError ? e : new PatcherError((e as Error).message);
    };
    // load: the object is mapped, relocated and initialised while the program
    // runs (nothing reaches it before the jumps exist), like dlopen
    const loadStart = performance.now();
    let linked: LinkedPatch;
    let slots: number[];
    const rooms = new Map<string, number>();
    let safe: SafePoint;
    try {
      linked = await linkPatch(linkPlan, undo);
      await yieldToGuest();
      slots = this.slotAddresses();
      // room for the jumps a later patch will write at the new versions
      for (const r of plan.replacements) rooms.set(r.key, jumpRoom(linked.module.data.elf, linked.module.data.symbols, r.patchValue, r.patchSize));
      await yieldToGuest();
    } catch (e) {
      return fail(e);
    }
    const loadMs = performance.now() - loadStart;
    try {
      safe = await waitUntilSafe(this.session, this.breakpoints, () => this.moduleMap(), this.busyRanges(plan), this.entries(plan), {
        timeoutMs: opts.timeoutMs, relaxed: opts.relaxed, updatePoint,
      });
    } catch (e) {
      return fail(e);
    }
    // the program is held from here: the pause
    let journaledPages = 0;
    const phase0 = performance.now();
    try {
      const carried = plan.carried.map((c) => {
        const to = (linked.bias + c.patchValue) >>> 0;
        proc.space.memory.bytes.copyWithin(to, c.from, c.from + c.size);
        return { key: c.key, size: c.size, previous: c.from, current: to };
      });
      let transfer: PatchReport['transfer'] = 'none';
      const carryWarnings: string[] = [];
      let transferWrote = 0;
      if (patch.hasTransfer) {
        const before = snapshotCarried(proc.space.memory.bytes, carried);
        const esp = proc.machine.cpu.reg(Reg.ESP) >>> 0;
        const journal = new WriteJournal(this.session);
        const r = await callGuest(this.session, linked.exports.get('dsu_transfer')!, [], opts.transferTimeoutMs);
        journal.close();
        journaledPages = journal.pages;
        if (!r.ok || r.value !== 0) {
          journal.undo();
          throw new PatcherError(r.ok ? `dsu_transfer returned ${r.value | 0}; nothing was changed` : `dsu_transfer failed: ${r.reason}; nothing was changed`);
        }
        carryWarnings.push(...reconcileCarried(proc.space.memory.bytes, before, 'current'));
        transferWrote = programPagesWritten(proc, journal.pageAddresses(), linked, esp);
        transfer = 'ok';
      }
      const phase1 = performance.now();
      const id = this.registry.newId();
      const replaced = this.redirect(plan, linked, id, undo, slots, rooms);
      const phase2 = performance.now();
      const applied: AppliedPatch = {
        id, path: patchPath, buildId: patch.buildId, appliedAt: new Date(), module: linked.module, range: { start: linked.start, end: linked.end }, unlink: linked.unlink,
        replaced: plan.replacements.map((r) => r.key), added: plan.added, hasRollback: patch.hasRollback, transferWrote, version: patch.version, carried, undo,
        oldDataRefs: new Set([...linked.resolutions.values()].filter((r) => r.name.startsWith(OLD_PREFIX) && r.kind !== 'function').map((r) => r.address)),
        pauseMs: 0, waitedMs: safe.waitedMs, released: false,
      };
      this.registry.patches.push(applied);
      this.registerData(patch, plan, linked, id);
      applied.pauseMs = performance.now() - safe.heldAt;
      return {
        id, patch: patchPath, replaced, added: plan.added, carried: plan.carried.map((c) => c.key),
        transfer, pauseMs: round(applied.pauseMs),
        pausePhases: { checkMs: round(phase0 - safe.heldAt), transferMs: round(phase1 - phase0), redirectMs: round(phase2 - phase1) }, waitedMs: round(safe.waitedMs), loadMs: round(loadMs),
        totalMs: round(performance.now() - received), safePoint: safe.at, stack: safe.stack, journaledPages, released: [], pinned: [],
        warnings: [...plan.warnings, ...carryWarnings, ...relaxedWarning(safe.stillActive, plan)],
      };
    } catch (e) {
      return fail(e);
    } finally {
      runner.release();
    }
  }

  /**
   * GOT slots of the program and its libraries that may need rewriting,
   * found before the pause; inside it only their values are read (lazy
   * binding may fill them in while the update waits). Earlier patches'
   * own slots are left alone: what they point at is an old version, and every
   * old version's entry jumps to the newest anyway.
   */
  private slotAddresses(): number[] {
    const out: number[] = [];
    for (const m of this.modules()) {
      if (m.kind === 'linked') continue;
      for (const imp of this.importSlots.of(m.data.elf)) if (imp.type !== R_386_COPY) out.push((imp.address + m.bias) >>> 0);
    }
    return out;
  }


  /**
   * Names an earlier patch took over, bound to the live version: plain names
   * of replaced functions, and dsu.old.NAME / dsu.old.FILE:NAME for functions
   * and statics (the "old version" is whatever is live now).
   */
  private overrides(): Map<string, number> {
    const out = new Map<string, number>();
    // what an earlier patch took over: the live function or variable under its key
    const live = new Map<string, number>();
    for (const f of this.registry.allReplaced()) {
      const v = f.versions[f.versions.length - 1];
      if (v) live.set(f.key, v.address);
    }
    for (const [key, copy] of this.registry.allData()) live.set(key, copy.address);
    const plainName = (key: string): string => key.slice(key.lastIndexOf(':') + 1);
    const keysNamed = new Map<string, number>();
    for (const key of live.keys()) keysNamed.set(plainName(key), (keysNamed.get(plainName(key)) ?? 0) + 1);
    for (const [key, address] of live) {
      out.set(`dsu.old.${key}`, address);
      // the plain name (and dsu.old.NAME) too, unless it could mean another static of the program
      const name = plainName(key);
      if (key.includes(':') && (keysNamed.get(name)! > 1 || this.programStaticsNamed(name) > 1)) continue;
      out.set(name, address);
      out.set(`dsu.old.${name}`, address);
    }
    return out;
  }

  /** How many file-local symbols of the program (not of patches) have this name. */
  private programStaticsNamed(name: string): number {
    let n = 0;
    for (const m of this.modules()) {
      if (m.kind === 'linked') continue;
      n += m.data.symbols.byName(name).filter((s) => s.bind === 'local').length;
    }
    return n;
  }

  /** The patch's variables become the live copies (globals bound to existing storage excepted). */
  private registerData(patch: PatchFile, plan: ReplacementPlan, linked: LinkedPatch, id: number): void {
    for (const d of patch.data) {
      if (!d.writable || d.size === 0 || (!d.local && plan.shared.has(d.name))) continue;
      this.registry.addData(dataKey(d), { address: (linked.bias + d.value) >>> 0, size: d.size, patch: id });
    }
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

  /** Jumps at every old version straight to the new one, and every GOT slot that points at an old version. */
  private redirect(plan: ReplacementPlan, linked: LinkedPatch, id: number, undo: UndoLog, slots: readonly number[], rooms: ReadonlyMap<string, number>): ReplacedReport[] {
    const proc = this.session.proc;
    const reports: ReplacedReport[] = [];
    const retarget = new Map<number, number>();
    undo.record(`versions of patch #${id}`, () => this.registry.dropPatch(id));
    for (const r of plan.replacements) {
      const to = (linked.bias + r.patchValue) >>> 0;
      const olds = [r.original.address, ...this.registry.versions(r.key).map((v) => v.address)];
      if (r.entry) for (const from of olds) retarget.set(from, to);
      const room = rooms.get(r.key) ?? r.patchSize;
      this.registry.addVersion(r.key, { address: r.original.address, size: r.original.symbol.size, room: r.room, module: r.original.module.name, patch: r.original.patch ?? null },
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
    throw new PatcherError(`${bad.map((r) => r.name).join(', ')}: the patch replaces ${bad.length === 1 ? 'this function' : 'these functions'}, so the old entry will jump to the new version; calling the old version from the patch is not supported`);
  }
}

function wrap<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof PatcherError) throw e;
    if (e instanceof PatchError || e instanceof ElfError || e instanceof LinkError) throw new PatcherError(e.message);
    throw e;
  }
}

const round = (ms: number): number => Math.round(ms * 1000) / 1000;

export { JMP_SIZE };
