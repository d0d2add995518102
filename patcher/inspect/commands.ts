// Control commands that show the live module and GOT models of the program
// a `dsu run --control SOCK` is running: 'modules' and 'got' (optionally
// {module: NAME} to keep one module's slots). Both re-read the program's
// memory on every call, so objects dlopen added since show up.
import { PatcherError } from '../errors.js';
import type { Session } from '../../emulator/launch.js';
import { ElfError } from '../../loader/elf/errors.js';
import { LinkMapBusyError, LinkMapError } from '../../loader/program/link-map.js';
import { readProgramModules } from '../../loader/program/program-modules.js';
import { ImportSlotCache, liveSlots } from '../../loader/program/got.js';
import { ModuleRow, SlotRow, liveSlotRow, moduleRow } from '../../loader/program/rows.js';
import type { RuntimeModule } from '../../loader/program/runtime-module.js';
import { ldBindNow } from './guest-program.js';
import type { ProgramModel } from '../program-model.js';

export interface ModulesAnswer {
  modules: ModuleRow[];
  /** link_map entries without a usable file. */
  skipped: { name: string; base: string; reason: string }[];
  source: 'link_map' | 'loader';
}

function inspect<T>(session: Session, work: () => T): T {
  if (session.proc.exited) throw new PatcherError('the program has exited');
  try {
    return work();
  } catch (e) {
    if (e instanceof LinkMapError || e instanceof LinkMapBusyError || e instanceof ElfError) throw new PatcherError(e.message);
    throw e;
  }
}

/** The handlers of 'modules' and 'got' for one running program (its parsed files cached between calls). */
export function inspectCommands(session: Session, model: ProgramModel) {
  const proc = session.proc;
  const slots = new ImportSlotCache();
  return {
    modules: (): ModulesAnswer => inspect(session, () => {
      const view = model.view();
      const found = readProgramModules(view);
      const bindNow = ldBindNow(proc);
      return {
        modules: found.modules.map((m) => moduleRow(m, view.memory, bindNow)),
        skipped: found.skipped.map((s) => ({ name: s.name, base: `0x${s.base.toString(16)}`, reason: s.reason })),
        source: found.source,
      };
    }),
    got: (args: { module?: string }): SlotRow[] => inspect(session, () => {
      const only = args.module;
      const view = model.view();
      const modules = readProgramModules(view).modules;
      const include = only === undefined ? undefined : (m: RuntimeModule): boolean => m.name === only || m.path === only;
      if (include && !modules.some(include)) throw new PatcherError(`got: no module named ${only}`);
      return liveSlots(modules, view.memory, { ldBindNow: ldBindNow(proc), include }, slots).map(liveSlotRow);
    }),
  };
}
