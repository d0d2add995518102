// A function an earlier patch added is replaced by a later patch like one of
// the program's own: the first copy (in the patch that added it) becomes the
// "original" whose entry gets the jump, so the adding patch's own calls and
// every pointer the program stored to it reach the newest version.
import type { PatchSymbol } from './patch-file.js';
import type { PatchRegistry } from './registry.js';
import type { ProgramSymbol } from './replacement.js';

/** The first copy of a global function that a live earlier patch added, or null. */
export function addedByPatch(f: PatchSymbol, registry: PatchRegistry): ProgramSymbol | null {
  if (f.local) return null;
  const history = registry.replaced(f.name);
  const owner = history
    ? registry.patches.find((p) => p.id === history.original.patch)
    : registry.patches.filter((p) => !p.released && p.added.includes(f.name)).at(-1);
  if (!owner || owner.released || !owner.module) return null;
  const module = owner.module;
  const symbol = module.data.symbols.byName(f.name).find((s) => s.kind === 'function' && s.bind !== 'local');
  if (!symbol) return null;
  return { module, symbol, address: (symbol.start + module.bias) >>> 0, patch: owner.id };
}
