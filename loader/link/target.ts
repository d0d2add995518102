// What the linker needs from the running program, and what it gives back.
// The linker never reaches into the emulator: patcher/guest-link-target.ts
// Process to these interfaces.
import type { RuntimeModule } from '../program/runtime-module.js';
import type { ModuleCache } from '../symbols/modules.js';
import type { LinkCache, TargetKind } from './program-symbols.js';
import type { Resolution } from './resolve.js';
import type { PageRange } from './layout.js';

/** The guest's address space, as far as linking goes. */
export interface LinkMemory {
  /** True when [start, end) is unmapped and mappable. */
  isFree(start: number, end: number): boolean;
  /** Start of the highest free page-aligned range of `length` bytes below `below` (default: the mmap area's top), or null. */
  findFree(length: number, below?: number): number | null;
  /**
   * Map fresh zeroed pages [start, start+length) with `prot` (PROT_* bits),
   * named after `file` (with the file offset of `start`) or anonymous;
   * `fill` initialises them before the guest can see them.
   */
  map(start: number, length: number, prot: number, file: { path: string; offset: number } | null, fill?: (bytes: Uint8Array) => void): void;
  unmap(start: number, end: number): void;
  /** Drop translated code of [start, end): the host wrote guest code. */
  invalidateCode(start: number, end: number): void;
}

/** Where linked objects are registered (the patcher's program model keeps the list). */
interface LinkRegistry {
  add(module: RuntimeModule): void;
  /** False when `module` was not registered. */
  remove(module: RuntimeModule): boolean;
}

export interface LinkTarget {
  /** Every object loaded in the program, in load order (the executable first). */
  modules: readonly RuntimeModule[];
  memory: LinkMemory;
  registry: LinkRegistry;
  /** Symbol indexes of the program's files; keep one per process to link quickly. */
  cache?: LinkCache;
  /** Parsed-file data shared with the module model (symbolizer, unwinder). */
  moduleCache?: ModuleCache;
}

export interface LinkOptions {
  /**
   * Consulted first, before the object's own definitions: name -> run-time
   * address. A symbol the object defines but the program already has (data
   * a patch must share with the running program) binds to the program's, as
   * the executable's definitions interpose with ld.so. Only references made
   * through dynamic relocations (default-visibility globals of -fPIC code)
   * can be redirected so.
   */
  interpose?: ReadonlyMap<string, number>;
  /** Consulted after the object's own definitions, by the name as written: name -> run-time address. */
  overrides?: ReadonlyMap<string, number>;
  /** Page-aligned address to place the object at; default: the free range just below the executable. */
  at?: number;
  /**
   * Calls an IFUNC resolver in the guest and returns the function it picks.
   * Without it, a reference to an IFUNC (libc's strlen, memcpy...) is refused.
   */
  resolveIfunc?: (resolver: number) => Promise<number>;
  /** Runs the object's initialisers in the guest, in order; without it they are not run. */
  runInitializers?: (addresses: number[]) => Promise<void>;
}

/** A function or object the linked object defines. */
export interface Definition {
  name: string;
  /** Run-time address. */
  address: number;
  size: number;
  kind: TargetKind;
  bind: 'local' | 'global' | 'weak';
  /** Source file of a file-local symbol, else null. */
  file: string | null;
}

export interface LinkedSegment {
  /** Run-time range of the segment's bytes (not page-aligned). */
  start: number;
  end: number;
  /** PROT_* bits. */
  prot: number;
  /** Link-time address (p_vaddr). */
  vaddr: number;
}

export interface LinkedObject {
  path: string;
  name: string;
  /** Run-time address minus link-time address. */
  bias: number;
  /** Page-aligned run-time span [start, end) reserved for the object. */
  start: number;
  end: number;
  segments: readonly LinkedSegment[];
  /** Every function and object it defines (file-local ones with their source file). */
  definitions: readonly Definition[];
  /** Its global and weak definitions, by name. */
  exports: ReadonlyMap<string, Definition>;
  /** How each undefined symbol (and each own symbol a relocation names) was bound, by name as written. */
  resolutions: ReadonlyMap<string, Resolution>;
  /** DT_INIT then DT_INIT_ARRAY, run-time addresses, in the order ld.so runs them. */
  initializers: readonly number[];
  /** DT_FINI_ARRAY in reverse then DT_FINI, in the order ld.so runs them. */
  finalizers: readonly number[];
  /** Its entry in the module model. */
  module: RuntimeModule;
  /** Where it was linked (unlink undoes it there). */
  target: LinkTarget;
  /** Its page ranges (link-time) and their protections, as mapped. */
  pages: readonly PageRange[];
}
