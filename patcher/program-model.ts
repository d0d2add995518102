// The running program as the patcher sees it: its objects (ld.so's list,
// then those dsu linked), their parsed files, the address map, the GOT slots
// a redirect may rewrite, the linker's caches, and the names earlier patches
// took over. One per running program, shared by the patcher and the
// inspection commands, so both see the objects patches added.
import type { Process } from '../emulator/process.js';
import { ModuleCache, ModuleMap } from '../loader/symbols/modules.js';
import { moduleListKey, programModules, ProgramView } from '../loader/program/program-modules.js';
import type { RuntimeModule } from '../loader/program/runtime-module.js';
import { ImportSlotCache } from '../loader/program/got.js';
import { R_386_COPY } from '../loader/elf/constants.js';
import { LinkCache, type LinkTarget } from '../loader/link/index.js';
import { guestModuleCache, guestProgram } from './inspect/guest-program.js';
import { guestLinkTarget } from './guest-link-target.js';
import type { PatchRegistry } from './registry.js';

export class ProgramModel {
  /** Objects dsu linked into the program (patches), in link order. */
  readonly linked: RuntimeModule[] = [];
  /** The program's symbols as the linker indexed them, kept between patches. */
  readonly linkCache = new LinkCache();
  /** IFUNC resolver -> what it returned: resolvers pick by CPU features, so the answer never changes. */
  readonly ifuncResults = new Map<number, number>();
  private known: { key: string; modules: RuntimeModule[]; map: ModuleMap } | null = null;
  /** Import slots of each object's file, read once. */
  private readonly importSlots = new ImportSlotCache();

  constructor(readonly proc: Process, readonly cache: ModuleCache = guestModuleCache(proc)) {}

  /** The program for the loader's module and GOT models. */
  view(): ProgramView {
    return guestProgram(this.proc, this.cache, this.linked);
  }

  /** The program's modules, re-read only when the list changed (dlopen, a patch linked or released). */
  modules(): RuntimeModule[] {
    return this.current().modules;
  }

  moduleMap(): ModuleMap {
    return this.current().map;
  }

  private current(): { modules: RuntimeModule[]; map: ModuleMap } {
    const view = this.view();
    const key = moduleListKey(view);
    if (this.known?.key !== key) {
      const modules = programModules(view);
      this.known = { key, modules, map: new ModuleMap(modules) };
    }
    return this.known;
  }

  /** The program as the linker's target, with `modules` as its objects in load order. */
  linkTarget(modules: readonly RuntimeModule[]): LinkTarget {
    return guestLinkTarget(this.proc, this.linked, modules, { cache: this.linkCache });
  }

  /**
   * GOT slots of the program and its libraries that may need rewriting.
   * Earlier patches' own slots are left alone: what they point at is an old
   * version, and every old version's entry jumps to the newest anyway.
   */
  slotAddresses(): number[] {
    const out: number[] = [];
    for (const m of this.modules()) {
      if (m.kind === 'linked') continue;
      for (const imp of this.importSlots.of(m.data.elf)) if (imp.type !== R_386_COPY) out.push((imp.address + m.bias) >>> 0);
    }
    return out;
  }

  /** The program's dsu_update_point(), if it has one. */
  updatePoint(): number | null {
    for (const m of this.modules()) {
      if (m.kind === 'linked') continue;
      const s = m.data.symbols.byName('dsu_update_point').find((e) => e.kind === 'function');
      if (s) return (s.start + m.bias) >>> 0;
    }
    return null;
  }

  /**
   * Names an earlier patch took over, bound to the live version: plain names
   * of replaced functions, and dsu.old.NAME / dsu.old.FILE:NAME for functions
   * and statics (the "old version" is whatever is live now).
   */
  overrides(registry: PatchRegistry): Map<string, number> {
    const out = new Map<string, number>();
    // what an earlier patch took over: the live function or variable under its key
    const live = new Map<string, number>();
    for (const f of registry.allReplaced()) {
      const v = f.versions[f.versions.length - 1];
      if (v) live.set(f.key, v.address);
    }
    for (const [key, copy] of registry.allData()) live.set(key, copy.address);
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
}
