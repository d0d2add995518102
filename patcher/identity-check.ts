// A generated patch applies only to the program it was made for
// (loader/identity): for a first patch, the executable's build ID; for a
// patch of a stream, the version the earlier patches made the program (the
// target check of replacement.ts). Either way every function the patch
// relies on must be, byte for byte outside what linkers write, the one it
// was made against: the program's own, or the live version an earlier patch
// put there (sizes may differ: a branch to a nearby function is shorter in
// a program linked from one text section). Each difference is named.
import path from 'node:path';
import { fileRangeOf } from '../loader/elf/elf-file.js';
import { FunctionIdentity, PatchIdentity, VariableIdentity } from '../loader/identity/patch-identity.js';
import { codeShapeHash } from '../loader/identity/code-shape.js';
import type { RuntimeModule } from '../loader/program/runtime-module.js';
import type { SymbolEntry } from '../loader/symbols/symbol-table.js';
import type { PatchRegistry } from './registry.js';

const base = (f: string | null): string | null => (f === null ? null : path.posix.basename(f));
const short = (id: string | null): string => (id === null ? 'none' : id.slice(0, 16));

interface LiveCode {
  module: RuntimeModule;
  /** Link-time address in the module's file. */
  start: number;
  size: number;
  where: string;
}

function matches(s: SymbolEntry, name: string, file: string | null, kind: SymbolEntry['kind']): boolean {
  if (s.name !== name || s.kind !== kind) return false;
  return file === null ? s.bind !== 'local' : s.bind === 'local' && base(s.file) === base(file);
}

/** Where the live version of a function is: the newest patch's, else the program's, else one an earlier patch added. */
function liveFunction(f: FunctionIdentity, modules: readonly RuntimeModule[], registry: PatchRegistry): LiveCode | null {
  const key = f.file !== null ? `${base(f.file)}:${f.name}` : f.name;
  const newest = registry.versions(key).at(-1);
  const moduleOfPatch = (id: number): RuntimeModule | null => registry.patches.find((p) => p.id === id)?.module ?? null;
  if (newest) {
    const m = moduleOfPatch(newest.patch);
    if (m) return { module: m, start: (newest.address - m.bias) >>> 0, size: newest.size, where: `patch #${newest.patch}` };
  }
  for (const m of modules) {
    if (m.kind === 'linked') continue;
    const s = m.data.symbols.byName(f.name).find((x) => matches(x, f.name, f.file, 'function'));
    if (s) return { module: m, start: s.start, size: s.size, where: m.name };
  }
  for (const p of [...registry.patches].reverse()) {
    if (!p.module || p.released) continue;
    const s = p.module.data.symbols.byName(f.name).find((x) => matches(x, f.name, f.file, 'function'));
    if (s) return { module: p.module, start: s.start, size: s.size, where: `patch #${p.id}` };
  }
  return null;
}

function liveVariableSize(v: VariableIdentity, modules: readonly RuntimeModule[], registry: PatchRegistry): number | null {
  const copy = registry.currentData(v.file !== null ? `${base(v.file)}:${v.name}` : v.name);
  if (copy) return copy.size;
  for (const m of modules) {
    if (m.kind === 'linked') continue;
    const s = m.data.symbols.byName(v.name).find((x) => matches(x, v.name, v.file, 'object'));
    if (s) return s.size;
  }
  return null;
}

const label = (x: { name: string; file: string | null }): string => (x.file !== null ? `${x.name} (${base(x.file)})` : x.name);

/** Why the patch is not for this program, one phrase each (empty when it is). */
export function identityProblems(identity: PatchIdentity, modules: readonly RuntimeModule[], registry: PatchRegistry, programName: string): string[] {
  const exe = modules.find((m) => m.kind === 'exe');
  if (registry.currentVersion() === null && exe && identity.buildId !== null && exe.buildId !== null && exe.buildId !== identity.buildId) {
    return [`the patch was made for ${identity.program} (build ID ${short(identity.buildId)}), and this program is ${programName} (build ID ${short(exe.buildId)})`];
  }
  const differ: string[] = [];
  for (const f of identity.functions) {
    const live = liveFunction(f, modules, registry);
    if (!live) {
      differ.push(`${label(f)} is not in the program`);
      continue;
    }
    const at = fileRangeOf(live.module.data.elf, live.start, live.size);
    const bytes = at === null ? null : live.module.data.elf.reader.bytes.subarray(at, at + live.size);
    if (bytes === null || codeShapeHash(bytes, f.mask) !== f.hash) differ.push(`${label(f)} in ${live.where} differs from the one the patch was made for`);
  }
  for (const v of identity.variables) {
    const size = liveVariableSize(v, modules, registry);
    if (size === null) differ.push(`variable ${label(v)} is not in the program`);
    else if (size !== v.size) differ.push(`variable ${label(v)} has ${size} bytes here, ${v.size} in the program the patch was made for`);
  }
  if (differ.length === 0) return [];
  return [`the patch was made for another build of ${identity.program}: ${differ.slice(0, 4).join('; ')}${differ.length > 4 ? `; and ${differ.length - 4} more` : ''}`];
}
