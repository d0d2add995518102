// A running guest process as a link target: its address space, its
// translated-code cache and its list of objects dsu linked.
import type { Process } from '../emulator/process.js';
import type { RuntimeModule } from '../loader/program/runtime-module.js';
import type { ModuleCache } from '../loader/symbols/modules.js';
import type { LinkCache } from '../loader/link/program-symbols.js';
import type { LinkTarget } from '../loader/link/target.js';

/** `modules`: the program's objects in load order (the module model's list, linked objects included). */
export function guestLinkTarget(proc: Process, modules: readonly RuntimeModule[], caches: { cache?: LinkCache; moduleCache?: ModuleCache } = {}): LinkTarget {
  const space = proc.space;
  return {
    modules,
    ...caches,
    memory: {
      isFree: (start, end) => space.isFree(start, end),
      findFree: (length, below) => space.findFree(length, below),
      map: (start, length, prot, file, fill) => space.map(start, length, prot, file ? 'file' : 'anon', file?.path ?? '', { offset: file?.offset ?? 0, fill }),
      unmap: (start, end) => space.unmap(start, end),
      invalidateCode: (start, end) => proc.machine.invalidateCode(start, end),
    },
    registry: {
      add: (module) => {
        proc.linkedObjects.push(module);
      },
      remove: (module) => {
        const i = proc.linkedObjects.indexOf(module);
        if (i < 0) return false;
        proc.linkedObjects.splice(i, 1);
        return true;
      },
    },
  };
}
