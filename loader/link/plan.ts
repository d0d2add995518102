// planLink: everything linking decides, decided before anything is written.
// The object is read and checked, placed, its symbols bound and its
// relocations applied to a host-side image; every problem met on the way is
// collected and thrown together as one LinkError. The guest is not touched:
// applyLink (apply.ts) does the writing.
import { ElfError } from '../elf/errors.js';
import { buildId } from '../elf/notes.js';
import { DF_TEXTREL, DT_FLAGS, DT_PLTGOT, DT_TEXTREL } from '../elf/constants.js';
import { ModuleData, moduleName } from '../symbols/modules.js';
import type { RuntimeModule } from '../program/runtime-module.js';
import { LinkError, ProblemList } from './errors.js';
import { SharedObject, readSharedObject } from './shared-object.js';
import { LinkImage } from './link-image.js';
import { PageRange, pageRanges, protOf } from './layout.js';
import { PendingWord, relocate } from './relocate.js';
import { Resolution, SymbolResolver } from './resolve.js';
import { LinkCache } from './program-symbols.js';
import { SymbolBinder } from './binder.js';
import { initAndFini } from './init-fini.js';
import { Definition, LinkOptions, LinkTarget, LinkedSegment } from './target.js';

/** Larger spans are refused before an image is built for them. */
const MAX_SPAN = 1 << 30;

export interface LinkPlan {
  readonly path: string;
  readonly target: LinkTarget;
  readonly options: LinkOptions;
  readonly object: SharedObject;
  readonly bias: number;
  /** Page-aligned run-time span. */
  readonly start: number;
  readonly end: number;
  /** Relocated bytes of the span (link-time addresses). */
  readonly image: LinkImage;
  readonly pages: readonly PageRange[];
  readonly segments: readonly LinkedSegment[];
  /** Words to fill in once IFUNC resolvers ran. */
  readonly pending: readonly PendingWord[];
  readonly resolutions: ReadonlyMap<string, Resolution>;
  readonly definitions: readonly Definition[];
  readonly initializers: readonly number[];
  readonly finalizers: readonly number[];
  /** The module to register (kind 'linked'). */
  readonly module: RuntimeModule;
  /** A plan is applied once. */
  readonly state: { applied: boolean };
}

const hex = (n: number): string => `0x${(n >>> 0).toString(16)}`;

/** Where to put `size` bytes: options.at, else just below the executable, else anywhere free. */
function place(target: LinkTarget, options: LinkOptions, size: number, problems: ProblemList): number | null {
  const memory = target.memory;
  if (options.at !== undefined) {
    if (options.at % 4096 !== 0 || !memory.isFree(options.at, options.at + size)) {
      problems.add({ kind: 'placement', subject: 'at', message: `cannot place the object at ${hex(options.at)}: ${size} bytes there are not free page-aligned memory` });
      return null;
    }
    return options.at;
  }
  const exe = target.modules.find((m) => m.kind === 'exe');
  // close to the program's code (with 4 GiB of address space, a rel32 jump reaches anywhere anyway)
  const base = (exe ? memory.findFree(size, exe.start) : null) ?? memory.findFree(size);
  if (base === null) problems.add({ kind: 'placement', subject: 'PT_LOAD', message: `no room for ${size} bytes in the address space` });
  return base;
}

function hasTextRelocations(obj: SharedObject): boolean {
  return obj.dynamic !== null && (obj.dynamic.get(DT_TEXTREL) !== undefined || ((obj.dynamic.get(DT_FLAGS) ?? 0) & DF_TEXTREL) !== 0);
}

/** A hint for unresolved names: libraries the object was linked against that the program has not loaded. */
function missingLibraries(obj: SharedObject, target: LinkTarget, problems: ProblemList): void {
  const loaded = new Set(target.modules.map((m) => moduleName(m.path)));
  for (const lib of obj.dynamic?.needed ?? []) {
    if (!loaded.has(moduleName(lib))) problems.add({ kind: 'object', subject: lib, message: `the object needs ${lib}, which the program has not loaded` });
  }
}

function definitionsOf(data: ModuleData, bias: number, problems: ProblemList): Definition[] {
  try {
    return data.symbols.all().map((e) => ({
      name: e.name, address: (e.start + bias) >>> 0, size: e.size, kind: e.kind, bind: e.bind, file: e.file,
    }));
  } catch (e) {
    if (!(e instanceof ElfError)) throw e;
    problems.add({ kind: 'elf', subject: e.field, message: e.message });
    return [];
  }
}

function buildIdOf(obj: SharedObject): string | null {
  try {
    return buildId(obj.elf);
  } catch (e) {
    if (e instanceof ElfError) return null;
    throw e;
  }
}

/**
 * Reads, checks, places, binds and relocates the shared object `bytes`
 * (named `path`) for `target`, without writing anything. Throws a LinkError
 * listing every problem found.
 */
export function planLink(bytes: Uint8Array, path: string, target: LinkTarget, options: LinkOptions = {}): LinkPlan {
  const problems = new ProblemList();
  const fail = (): never => {
    throw new LinkError(path, problems.all());
  };
  const obj = readSharedObject(bytes, path, problems);
  if (!obj) return fail();
  const size = obj.high - obj.low;
  if (size > MAX_SPAN) {
    problems.add({ kind: 'segment', subject: 'PT_LOAD', message: `the segments span ${size} bytes, more than dsu links` });
    return fail();
  }
  const base = place(target, options, size, problems);
  // without a place, bind and relocate anyway at a provisional one, to report every other problem
  const bias = ((base ?? obj.low) - obj.low) >>> 0;
  const resolver = new SymbolResolver(target.modules, target.cache ?? new LinkCache(), options.overrides ?? new Map());
  const binder = new SymbolBinder(obj, bias, resolver, options, problems);
  const image = new LinkImage(obj.low, obj.high, obj.loads, bytes);
  const pltgot = obj.dynamic?.get(DT_PLTGOT);
  const pending = relocate(
    { image, bias, got: pltgot === undefined ? null : (pltgot + bias) >>> 0, symbols: obj.symbols, textrel: hasTextRelocations(obj), bind: (i) => binder.bind(i), problems },
    obj.relocations.entries, obj.relocations.relative,
  );
  for (const p of resolver.moduleProblems()) problems.add(p);
  if (problems.has('unresolved')) missingLibraries(obj, target, problems);
  const { initializers, finalizers } = initAndFini(obj, image, bias, problems);
  const data = target.moduleCache?.forElf(obj.elf) ?? new ModuleData(obj.elf);
  const definitions = definitionsOf(data, bias, problems);
  if (!problems.empty) return fail();
  const start = (obj.low + bias) >>> 0;
  const order = target.modules.reduce((max, m) => Math.max(max, m.order), -1) + 1;
  const module: RuntimeModule = {
    path, name: moduleName(path), start, end: start + size, bias, data, kind: 'linked',
    dynamic: obj.dynamic ? (obj.dynamic.vaddr + bias) >>> 0 : 0, buildId: buildIdOf(obj), order,
  };
  const segments = obj.loads.map((s) => ({ start: (s.vaddr + bias) >>> 0, end: (s.vaddr + s.memsz + bias) >>> 0, prot: protOf(s.flags), vaddr: s.vaddr }));
  return {
    path, target, options, object: obj, bias, start, end: start + size, image, pages: pageRanges(obj), segments, pending,
    resolutions: binder.resolutions, definitions, initializers, finalizers, module, state: { applied: false },
  };
}
