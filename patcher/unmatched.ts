// Functions of a patch that replace nothing, where the author most likely
// meant a replacement: a static whose source file is named differently from
// the program's, a function gcc only kept as specialised clones
// (NAME.isra.0, NAME.constprop.0, NAME.part.0). Each is said in one
// sentence; the patch is not refused for them.
import path from 'node:path';
import type { RuntimeModule } from '../loader/program/runtime-module.js';
import type { PatchSymbol } from './patch-file.js';

const base = (f: string | null): string => (f === null ? '?' : path.posix.basename(f));

function programFunctionSymbols(modules: readonly RuntimeModule[]): { name: string; file: string | null; local: boolean }[] {
  const out: { name: string; file: string | null; local: boolean }[] = [];
  for (const m of modules) {
    if (m.kind !== 'exe') continue;
    for (const s of m.data.symbols.all()) if (s.kind === 'function') out.push({ name: s.name, file: s.file, local: s.bind === 'local' });
  }
  return out;
}

export function unmatchedFunctions(unmatched: readonly PatchSymbol[], modules: readonly RuntimeModule[]): string[] {
  if (unmatched.length === 0) return [];
  const program = programFunctionSymbols(modules);
  const out: string[] = [];
  for (const f of unmatched) {
    const label = f.local ? `${f.name} (${base(f.file)})` : f.name;
    const elsewhere = program.filter((p) => p.name === f.name && p.local);
    if (f.local && elsewhere.length > 0) {
      out.push(`${label} is added, not a replacement: a static is matched within its source file, and the program's ${f.name} is in ` +
        `${[...new Set(elsewhere.map((p) => base(p.file)))].join(', ')} (build the patch from a file of that name)`);
      continue;
    }
    const clones = program.filter((p) => p.name.startsWith(`${f.name}.`) && /^\.(isra|constprop|part|cold|lto_priv)\b/.test(p.name.slice(f.name.length)));
    if (clones.length > 0 && !program.some((p) => p.name === f.name)) {
      out.push(`${label} replaces nothing: the program has only gcc's specialised ${clones.map((c) => c.name).join(', ')}, which its callers use; ` +
        'put those callers in the patch too');
      continue;
    }
  }
  return out;
}

/** For a patch that matches nothing: the functions it has, and why gcc may have left them out of the program. */
export function nothingMatched(unmatched: readonly PatchSymbol[], reasons: readonly string[]): string {
  let msg = 'the patch replaces no function of this program';
  if (reasons.length > 0) return `${msg}: ${reasons.join('; ')}`;
  const statics = unmatched.filter((f) => f.local).map((f) => `${f.name} (${base(f.file)})`);
  if (statics.length > 0) msg += `: the program has no ${statics.join(', ')} (gcc may have inlined ${statics.length === 1 ? 'it' : 'them'} into the callers, which must then be replaced instead)`;
  return `${msg} (is it built for another program?)`;
}
