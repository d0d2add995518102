// The module model of a running program: every loaded object in load order,
// refreshed from the program's memory on each call so objects dlopen adds
// (or dlclose removes) show up. A dynamic program's list is ld.so's own
// (r_debug and link_map, see link-map.ts); a static program, or a dynamic
// one before ld.so has published its list, has only what the loader mapped.
// Objects dsu linked itself come from its own bookkeeping, last.
import { ElfFile } from '../elf/elf-file.js';
import { PT_DYNAMIC } from '../elf/constants.js';
import { readDynamic } from '../elf/dynamic.js';
import { buildId } from '../elf/notes.js';
import { imageSpan } from '../image.js';
import { ModuleData, moduleName } from '../symbols/modules.js';
import { ModuleKind, RuntimeModule } from './runtime-module.js';
import { ProgramMemory, hex } from './program-memory.js';
import { LinkMapEntry, debugPointer, readLinkMap } from './link-map.js';
import { DYN_ENTRY_SIZE } from './link-map-abi.js';

/** An object the loader mapped itself: the executable or its interpreter. */
interface LoadedObject {
  /** Guest path (the executable's as /proc/self/exe names it). */
  path: string;
  elf: ElfFile;
  bias: number;
}

export interface ProgramView {
  memory: ProgramMemory;
  exe: LoadedObject | null;
  interp: LoadedObject | null;
  /** Objects dsu linked into the program, in link order. */
  linked: readonly RuntimeModule[];
  /** What is derived from a file the loader mapped (cached by the caller). */
  dataOf(elf: ElfFile): ModuleData;
  /** The ELF file at a guest path, parsed and cached, or null when it cannot be read or is not ELF. */
  open(guestPath: string): ModuleData | null;
}

/** A link_map entry with no usable file behind it. */
interface SkippedObject {
  name: string;
  base: number;
  reason: string;
}

export interface ProgramModules {
  modules: RuntimeModule[];
  skipped: SkippedObject[];
  /** Where the list came from. */
  source: 'link_map' | 'loader';
}

/** Run-time address of an object's dynamic section, or 0 when it has none. */
function dynamicAddress(elf: ElfFile, bias: number): number {
  const d = readDynamic(elf);
  return d ? (d.vaddr + bias) >>> 0 : 0;
}

function moduleOf(path: string, data: ModuleData, bias: number, kind: ModuleKind, order: number): RuntimeModule {
  const { low, high } = imageSpan(data.elf);
  return {
    path, name: moduleName(path), start: (low + bias) >>> 0, end: (high + bias) >>> 0, bias: bias >>> 0, data,
    kind, dynamic: dynamicAddress(data.elf, bias), buildId: buildId(data.elf), order,
  };
}

/** The r_debug address the executable's DT_DEBUG holds now, 0 before ld.so set it, null without DT_DEBUG. */
function rDebugOf(view: ProgramView, exe: LoadedObject): number | null {
  const seg = exe.elf.segments.find((s) => s.type === PT_DYNAMIC);
  if (!seg || exe.elf.interpreter === null) return null;
  return debugPointer(view.memory, (seg.vaddr + exe.bias) >>> 0, Math.max(1, Math.floor(seg.memsz / DYN_ENTRY_SIZE)));
}

function fromLinkMap(view: ProgramView, exe: LoadedObject, entries: LinkMapEntry[]): { modules: RuntimeModule[]; skipped: SkippedObject[] } {
  const modules: RuntimeModule[] = [];
  const skipped: SkippedObject[] = [];
  const exeDynamic = dynamicAddress(exe.elf, exe.bias);
  const interpDynamic = view.interp ? dynamicAddress(view.interp.elf, view.interp.bias) : -1;
  for (const e of entries) {
    if (modules.some((m) => m.dynamic === e.dynamic)) continue; // ld.so shared by dlmopen namespaces
    if (e.dynamic === exeDynamic && e.bias === exe.bias) {
      modules.push(moduleOf(exe.path, view.dataOf(exe.elf), exe.bias, 'exe', modules.length));
      continue;
    }
    if (view.interp && e.dynamic === interpDynamic && e.bias === view.interp.bias) {
      modules.push(moduleOf(e.name || view.interp.path, view.dataOf(view.interp.elf), e.bias, 'interp', modules.length));
      continue;
    }
    if (e.name === '') {
      skipped.push({ name: '', base: e.bias, reason: 'unnamed object' });
      continue;
    }
    const data = view.open(e.name);
    if (!data) {
      skipped.push({ name: e.name, base: e.bias, reason: 'cannot read it as an ELF file' });
      continue;
    }
    const expected = dynamicAddress(data.elf, e.bias);
    if (expected !== e.dynamic) {
      skipped.push({ name: e.name, base: e.bias, reason: `the file is not the object loaded there (dynamic section at ${hex(expected)}, l_ld ${hex(e.dynamic)})` });
      continue;
    }
    modules.push(moduleOf(e.name, data, e.bias, 'lib', modules.length));
  }
  return { modules, skipped };
}

export function readProgramModules(view: ProgramView): ProgramModules {
  const exe = view.exe;
  let modules: RuntimeModule[] = [];
  let skipped: SkippedObject[] = [];
  let source: ProgramModules['source'] = 'loader';
  const rDebug = exe ? rDebugOf(view, exe) : null;
  if (exe && rDebug) {
    ({ modules, skipped } = fromLinkMap(view, exe, readLinkMap(view.memory, rDebug)));
    source = 'link_map';
  } else {
    if (exe) modules.push(moduleOf(exe.path, view.dataOf(exe.elf), exe.bias, 'exe', 0));
    if (view.interp) modules.push(moduleOf(view.interp.path, view.dataOf(view.interp.elf), view.interp.bias, 'interp', modules.length));
  }
  for (const m of view.linked) {
    if (m.dynamic !== 0 && modules.some((k) => k.dynamic === m.dynamic)) continue;
    modules.push({ ...m, order: modules.length });
  }
  return { modules, skipped, source };
}

/** Every loaded object, in load order. */
export function programModules(view: ProgramView): RuntimeModule[] {
  return readProgramModules(view).modules;
}

/**
 * A key that changes whenever the module list would: the link_map entries
 * (read without opening any file) and the objects dsu linked. Callers cache
 * the list under it (a stack walk must not re-read every ELF each time).
 */
export function moduleListKey(view: ProgramView): string {
  const exe = view.exe;
  const rDebug = exe ? rDebugOf(view, exe) : null;
  let key = `${exe?.bias ?? 0}/${view.interp?.bias ?? 0}`;
  if (rDebug) {
    try {
      for (const e of readLinkMap(view.memory, rDebug)) key += `|${e.bias}:${e.dynamic}:${e.name}`;
    } catch (e) {
      // a list being changed (dlopen in progress) or damaged: never equal to a good one
      key += `|!${(e as Error).message}`;
    }
  }
  for (const m of view.linked) key += `|linked:${m.start}`;
  return key;
}
