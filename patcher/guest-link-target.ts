// A running guest process as a link target: its address space, its
// translated-code cache, and the list of objects dsu linked into it.
import type { Process } from '../emulator/process.js';
import type { RuntimeModule } from '../loader/program/runtime-module.js';
import type { ModuleCache } from '../loader/symbols/modules.js';
import type { LinkCache } from '../loader/link/program-symbols.js';
import type { LinkTarget } from '../loader/link/target.js';

/**
 * `linked`: where linked objects are registered (the program model's list);
 * `modules`: the program's objects in load order (the module model's list, linked objects included).
 */
export function guestLinkTarget(proc: Process, linked: RuntimeModule[], modules: readonly RuntimeModule[], caches: { cache?: LinkCache; moduleCache?: ModuleCache } = {}): LinkTarget {
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
        linked.push(module);
      },
      remove: (module) => {
        const i = linked.indexOf(module);
        if (i < 0) return false;
        linked.splice(i, 1);
        return true;
      },
    },
  };
}
