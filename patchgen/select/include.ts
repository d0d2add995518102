// Passes 5 and 6, "include what changed and what it needs" and "bind the
// rest". The patch starts from the changed functions (those that never
// return left out), the new global functions and variables, and the
// variables that need new storage; it follows every relocation of what it
// includes. New code, strings and anonymous data are included; unchanged
// functions, constants and every existing variable are bound to the running
// program by name (statics by their source file), so there is one copy of
// the state; what the program does not have (a static gcc inlined
// everywhere, a definition the linker dropped) is copied in.
import { ObjSection } from '../object/relocatable.js';
import { Item, isColdPart, sourceName } from '../diff/items.js';
import { UnitPair } from '../diff/unit.js';
import { targetOf } from '../diff/targets.js';
import { ProgramFile } from '../program.js';
import { Decisions, emptyDecisions } from './decisions.js';
import { parentOf } from '../diff/mark.js';

export interface UnitSelection {
  unit: UnitPair;
  /** Sections of the new object to emit. */
  sections: Set<ObjSection>;
  /** Items bound to the running program, with the symbol they are reached by. */
  bindings: Map<Item, string>;
  /** Items emitted under another name (a clone the program knows by its old number). */
  renames: Map<Item, string>;
}

export interface SelectOptions {
  /** Functions that never return (main, --always-active): never replaced. */
  neverReturning: ReadonlySet<string>;
  /** Variables (by unit and name) the patch defines anew: storage that changed, converted by a transfer. */
  newStorage: ReadonlySet<Item>;
  /** Globals a transfer defines itself: its definition is the patch's, other units reach it by name. */
  definedByTransfers: ReadonlySet<string>;
}

export interface Selection {
  units: UnitSelection[];
  decisions: Decisions;
}

const OLD = 'dsu.old.';
/** What dsu.h defines in every file that includes it (a weak no-op): never a reason to add anything. */
const DSU_H_DEFINES = new Set(['dsu_update_point']);

export function selectPatch(units: readonly UnitPair[], program: ProgramFile, opts: SelectOptions): Selection {
  const decisions = emptyDecisions();
  const globals = new Map<string, { owner: UnitSelector; item: Item }>();
  const selections = units.filter((u) => u.new !== null).map((u) => new UnitSelector(u, program, opts, decisions, globals));
  for (const s of selections) s.addRoots();
  // a unit's included code may need another unit's global (a changed constant, a copy of what the program lacks)
  for (let busy = true; busy;) {
    busy = false;
    for (const s of selections) if (s.close()) busy = true;
  }
  return { units: selections.map((s) => s.result()).filter((s) => s.sections.size > 0), decisions };
}

class UnitSelector {
  private readonly sections = new Set<ObjSection>();
  private readonly bindings = new Map<Item, string>();
  private readonly renames = new Map<Item, string>();
  private readonly queue: ObjSection[] = [];
  private readonly fileRef: string;

  constructor(
    private readonly unit: UnitPair,
    private readonly program: ProgramFile,
    private readonly opts: SelectOptions,
    private readonly d: Decisions,
    private readonly globals: Map<string, { owner: UnitSelector; item: Item }>,
  ) {
    this.fileRef = program.fileReference(unit.fileName);
    for (const item of unit.newItems) if (!item.local) globals.set(item.name, { owner: this, item });
  }

  private neverReturns(item: Item): boolean {
    const name = isColdPart(item.name) ? parentOf(item.name) : item.name;
    return this.opts.neverReturning.has(name) || this.opts.neverReturning.has(sourceName(name));
  }

  private include(section: ObjSection): void {
    if (this.sections.has(section)) return;
    this.sections.add(section);
    this.queue.push(section);
  }

  /** What the running program calls this item (its old build's name) and whether it has it. */
  private inProgram(item: Item): boolean {
    const old = this.unit.correlation.toOld.get(item);
    if (!old) return false;
    const def = old.local ? this.program.local(this.unit.fileName, old.name) : this.program.global(old.name);
    return def !== null;
  }

  addRoots(): void {
    for (const state of this.unit.states.values()) {
      const { item } = state;
      if (item.kind === 'function' && state.status === 'changed') {
        if (this.neverReturns(item)) {
          this.d.leftOut.push({ unit: this.unit.key, name: item.name, reasons: state.reasons, because: item.name === 'main' || sourceName(item.name) === 'main' ? 'main never returns' : 'named with --always-active' });
          continue;
        }
        this.include(item.section);
        const old = state.old!;
        if (old.name !== item.name) this.renames.set(item, old.name);
        this.d.replaced.push({ unit: this.unit.key, name: old.name, newName: old.name !== item.name ? item.name : null, local: old.local, reasons: state.reasons });
      } else if (state.status === 'new' && !item.local && item.kind !== 'constant' && !DSU_H_DEFINES.has(item.name)) {
        this.include(item.section);
        this.d.added.push({ unit: this.unit.key, name: item.name, kind: item.kind, local: false, size: item.symbol.size });
      } else if (item.kind === 'variable' && this.opts.newStorage.has(item) && !(this.opts.definedByTransfers.has(item.name) && !item.local)) {
        this.include(item.section);
        this.d.copiedIn.push({ unit: this.unit.key, name: item.name, kind: 'variable', why: 'its storage changed: new storage, filled by the transfer' });
      }
    }
  }

  /** Follows the relocations of what was included; true when it did anything. */
  close(): boolean {
    const view = this.unit.new!;
    const busy = this.queue.length > 0;
    while (this.queue.length > 0) {
      const section = this.queue.pop()!;
      for (const r of section.relocs) {
        const t = targetOf(view, r);
        if (t.kind === 'external') {
          const def = this.globals.get(t.name);
          if (def) def.owner.reach(def.item);
          continue;
        }
        if (t.kind === 'anonymous') this.include(t.section);
        else if (t.kind === 'string' || t.kind === 'literal') this.include(view.object.sections[view.object.symbols[r.symbol].shndx]);
        else this.reach(t.item);
      }
    }
    return busy;
  }

  /** An item the included code refers to: include it, or bind it to the program. */
  reach(item: Item): void {
    if (this.sections.has(item.section) || this.bindings.has(item)) return;
    const state = this.unit.states.get(item)!;
    const old = state.old;
    const kind = item.kind;
    if (state.status === 'new') {
      this.include(item.section);
      this.d.added.push({ unit: this.unit.key, name: item.name, kind, local: item.local, size: item.symbol.size });
      return;
    }
    if (kind === 'variable' && !item.local && this.opts.definedByTransfers.has(item.name)) {
      // the transfer's own definition (another unit's output) is the one: reach it by name
      this.bindings.set(item, item.name);
      this.d.bound.push({ unit: this.unit.key, name: item.name, kind, as: `${item.name} (defined by the transfer)` });
      return;
    }
    const leftOut = kind === 'function' && state.status === 'changed' && this.neverReturns(item);
    const unchanged = state.status === 'same' || leftOut;
    if (kind === 'variable' && this.opts.newStorage.has(item)) {
      this.include(item.section);
      return;
    }
    if ((unchanged || kind === 'variable') && this.inProgram(item)) {
      const as = old!.local ? `${OLD}${this.fileRef}:${old!.name}` : old!.name;
      this.bindings.set(item, as);
      this.d.bound.push({ unit: this.unit.key, name: old!.name, kind, as });
      return;
    }
    this.include(item.section);
    if (old && old.name !== item.name) this.renames.set(item, old.name);
    if (state.status === 'changed') return; // a changed constant: its users are replaced, it comes along
    this.d.copiedIn.push({
      unit: this.unit.key, name: item.name, kind,
      why: kind === 'variable' ? 'the running program has no such variable (the linker dropped it): new storage with its initial value'
        : 'the running program has no such symbol (inlined everywhere or dropped by the linker)',
    });
  }

  result(): UnitSelection {
    return { unit: this.unit, sections: this.sections, bindings: this.bindings, renames: this.renames };
  }
}
