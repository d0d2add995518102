// The patches applied to one running program, newest last, and for every
// replaced function the versions that exist in memory (each patch adds one).
import type { UndoLog } from './mechanism/undo-log.js';
import type { RuntimeModule } from '../loader/program/runtime-module.js';

export interface FunctionVersion {
  /** Run-time entry address. */
  address: number;
  size: number;
  /** Bytes a jump may cover at its entry (its size plus the padding after it). */
  room: number;
  /** Patch id that provided it. */
  patch: number;
}

export interface ReplacedFunction {
  key: string;
  /** The first copy: the program's own function, or the copy of the patch that added it (`patch`). */
  original: { address: number; size: number; room: number; module: string; patch: number | null };
  /** One per patch that replaced it, oldest first. */
  versions: FunctionVersion[];
}

/** A static a patch took over (its own copy, filled with the old value). */
export interface CarriedStatic {
  key: string;
  size: number;
  /** Where it lived before the patch (the program, or an earlier patch). */
  previous: number;
  /** The patch's copy. */
  current: number;
}

export interface AppliedPatch {
  id: number;
  path: string;
  buildId: string | null;
  appliedAt: Date;
  /** The patch object in guest memory (null once released). */
  module: RuntimeModule | null;
  /** Where it was mapped. */
  range: { start: number; end: number };
  unlink: () => void;
  replaced: string[];
  added: string[];
  hasRollback: boolean;
  /** Pages of the program's memory (outside the patch object, live stack) its dsu_transfer wrote. */
  transferWrote: number;
  /** The version the program became (DSU_VERSION), if the patch named one. */
  version: string | null;
  /** Statics whose live copy is now the patch's. */
  carried: CarriedStatic[];
  /**
   * Where the patch's dsu.old.* names for variables point (the previous
   * copies): what its dsu_transfer read. They do not keep an older patch's
   * memory alive once no rollback can run that code again.
   */
  oldDataRefs: Set<number>;
  /** How to take everything back, newest step last. */
  undo: UndoLog;
  pauseMs: number;
  waitedMs: number;
  /** Mapped no more: superseded and unreferenced, it can no longer be rolled back to. */
  released: boolean;
}

/** A rolled-back patch left mapped because something still pointed into it. */
export interface RetiredPatch {
  id: number;
  path: string;
  range: { start: number; end: number };
  unlink: () => void;
  /** Where the reference was found. */
  by: string;
}

/** Storage a patch defines for a variable (a static "file.c:name" or a global "name"). */
export interface DataCopy {
  address: number;
  size: number;
  patch: number;
}

export class PatchRegistry {
  readonly patches: AppliedPatch[] = [];
  private readonly functions = new Map<string, ReplacedFunction>();
  /** Variable key -> the patches' copies of it, oldest first (the program's own storage is not listed). */
  private readonly data = new Map<string, DataCopy[]>();
  private nextId = 1;
  /** Patches with an id up to this one can no longer be rolled back (older code was released). */
  rollbackFloor = 0;
  /** Rolled back, still mapped: unmapped by the releaser once nothing points into them. */
  readonly retired: RetiredPatch[] = [];
  /** Every patch rolled back so far, oldest first: `dsu status` keeps them as history. */
  readonly rolledBack: { id: number; path: string; appliedAt: Date; rolledBackAt: Date; replaced: string[] }[] = [];

  newId(): number {
    return this.nextId++;
  }

  /** Versions from patches (not the original), oldest first. */
  versions(key: string): FunctionVersion[] {
    return this.functions.get(key)?.versions ?? [];
  }

  replaced(key: string): ReplacedFunction | undefined {
    return this.functions.get(key);
  }

  allReplaced(): ReplacedFunction[] {
    return [...this.functions.values()];
  }

  addVersion(key: string, original: ReplacedFunction['original'], version: FunctionVersion): void {
    let f = this.functions.get(key);
    if (!f) this.functions.set(key, (f = { key, original, versions: [] }));
    f.versions.push(version);
  }

  /** The live copy of a variable, if a patch defined one. */
  currentData(key: string): DataCopy | undefined {
    const copies = this.data.get(key);
    return copies?.[copies.length - 1];
  }

  /** Every variable some patch defines, with its live copy. */
  allData(): [string, DataCopy][] {
    return [...this.data].map(([key, copies]) => [key, copies[copies.length - 1]]);
  }

  addData(key: string, copy: DataCopy): void {
    const copies = this.data.get(key) ?? [];
    copies.push(copy);
    this.data.set(key, copies);
  }

  /** Forget the versions and variables a patch added (its rollback, or a failed apply). */
  dropPatch(id: number): void {
    this.forget(id);
    const i = this.patches.findIndex((p) => p.id === id);
    if (i >= 0) this.patches.splice(i, 1);
  }

  /** The patch's code is gone from memory: no version or variable of it may be used again. */
  forget(id: number): void {
    for (const [key, f] of this.functions) {
      f.versions = f.versions.filter((v) => v.patch !== id);
      if (f.original.patch === id) this.promoteFirstVersion(f);
      if (f.versions.length === 0) this.functions.delete(key);
    }
    for (const [key, copies] of this.data) {
      const left = copies.filter((c) => c.patch !== id);
      if (left.length > 0) this.data.set(key, left);
      else this.data.delete(key);
    }
  }

  /**
   * The patch holding a function's first copy is gone (released once no
   * rollback can return to it): the oldest version left takes its place, and
   * when none is left its patch counts as the one that added the function.
   */
  private promoteFirstVersion(f: ReplacedFunction): void {
    const first = f.versions.shift();
    if (!first) return;
    f.original = { address: first.address, size: first.size, room: first.room, module: `patch #${first.patch}`, patch: first.patch };
    if (f.versions.length === 0) this.patches.find((p) => p.id === first.patch)?.added.push(f.key);
  }

  /**
   * Whether anything of patch `id` is live in the state right after patch
   * `upTo` (the oldest state a rollback can return to): a function whose
   * newest version, or a variable whose newest copy, among patches up to
   * `upTo`, is the patch's.
   */
  liveAfter(id: number, upTo: number): boolean {
    const newest = <T extends { patch: number }>(list: T[]): T | undefined => list.filter((x) => x.patch <= upTo).at(-1);
    for (const f of this.functions.values()) {
      const v = newest(f.versions);
      // a patch's added function is live until a version within reach replaced it
      if (v ? v.patch === id : f.original.patch === id) return true;
    }
    for (const copies of this.data.values()) if (newest(copies)?.patch === id) return true;
    return false;
  }

  /** The version the newest patch that named one made the program, or null (then it is the executable). */
  currentVersion(): string | null {
    for (let i = this.patches.length - 1; i >= 0; i--) if (this.patches[i].version !== null) return this.patches[i].version;
    return null;
  }

  latest(): AppliedPatch | undefined {
    return this.patches[this.patches.length - 1];
  }
}
