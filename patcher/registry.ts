// The patches applied to one running program, newest last, and for every
// replaced function the versions that exist in memory (each patch adds one).
import type { UndoLog } from './mechanism/undo-log.js';
import type { RuntimeModule } from '../loader/program/runtime-module.js';

export interface FunctionVersion {
  /** Run-time entry address. */
  address: number;
  size: number;
  /** Patch id that provided it. */
  patch: number;
}

export interface ReplacedFunction {
  key: string;
  /** The program's own function. */
  original: { address: number; size: number; module: string };
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
  /** The patch object in guest memory. */
  module: RuntimeModule;
  unlink: () => void;
  replaced: string[];
  added: string[];
  hasRollback: boolean;
  /** Statics whose live copy is now the patch's. */
  carried: CarriedStatic[];
  /** How to take everything back, newest step last. */
  undo: UndoLog;
  pauseMs: number;
  waitedMs: number;
  /** Mapped no more: superseded and unreferenced, it can no longer be rolled back to. */
  released: boolean;
}

export class PatchRegistry {
  readonly patches: AppliedPatch[] = [];
  private readonly functions = new Map<string, ReplacedFunction>();
  /** "file.c:name" of a static -> its live copies, oldest first (the program's own storage is not listed). */
  private readonly statics = new Map<string, number[]>();
  private nextId = 1;

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

  /** Newest address of every function a patch provides, for binding later patches. */
  newestAddresses(): Map<string, number> {
    const out = new Map<string, number>();
    for (const [key, f] of this.functions) {
      const v = f.versions[f.versions.length - 1];
      if (v) out.set(key.includes(':') ? key.slice(key.indexOf(':') + 1) : key, v.address);
    }
    return out;
  }

  addVersion(key: string, original: ReplacedFunction['original'], version: FunctionVersion): void {
    let f = this.functions.get(key);
    if (!f) this.functions.set(key, (f = { key, original, versions: [] }));
    f.versions.push(version);
  }

  /** Where a static lives now, if a patch took it over. */
  currentStatic(key: string): number | undefined {
    const owners = this.statics.get(key);
    return owners?.[owners.length - 1];
  }

  takeStatic(key: string, address: number): void {
    const owners = this.statics.get(key) ?? [];
    owners.push(address);
    this.statics.set(key, owners);
  }

  releaseStatic(key: string, address: number): void {
    const owners = (this.statics.get(key) ?? []).filter((a) => a !== address);
    if (owners.length > 0) this.statics.set(key, owners);
    else this.statics.delete(key);
  }

  /** Forget the versions a patch added (its rollback). */
  dropPatch(id: number): void {
    for (const [key, f] of this.functions) {
      f.versions = f.versions.filter((v) => v.patch !== id);
      if (f.versions.length === 0) this.functions.delete(key);
    }
    const i = this.patches.findIndex((p) => p.id === id);
    if (i >= 0) this.patches.splice(i, 1);
  }

  latest(): AppliedPatch | undefined {
    return this.patches[this.patches.length - 1];
  }
}
