// The patcher's use of the loader's linker: plan a patch against the
// running program (nothing written), then link it inside the pause,
// recording the unlink in the patch's undo log. IFUNC references (libc's
// string functions) are resolved and initialisers run inside the guest.
import type { RuntimeModule } from '../loader/program/runtime-module.js';
import { planLink, applyLink, unlink, LinkError, type LinkPlan, type Resolution } from '../loader/link/index.js';
import type { ProgramModel } from './program-model.js';
import type { UndoLog } from './mechanism/undo-log.js';
import { ExitStatus, PatcherError } from './errors.js';

export interface LinkedPatch {
  module: RuntimeModule;
  bias: number;
  start: number;
  end: number;
  /** Global functions and objects of the patch, run-time addresses. */
  exports: Map<string, number>;
  /** How each undefined name was bound. */
  resolutions: ReadonlyMap<string, Resolution>;
  unlink: () => void;
}

/** Calls a guest function with no arguments and returns what it returned (for IFUNC resolvers, initialisers). */
export type GuestInvoker = (address: number) => Promise<number>;

function cachedIfunc(known: Map<number, number>, invoke: GuestInvoker): GuestInvoker {
  return async (resolver) => {
    const hit = known.get(resolver);
    if (hit !== undefined) return hit;
    const value = await invoke(resolver);
    known.set(resolver, value);
    return value;
  };
}

/** A one-line summary of a link error for the control channel. */
function oneLine(e: LinkError): string {
  return `${e.file}: cannot link: ${e.problems.map((p) => p.message).join('; ')}`;
}

export function planPatchLink(
  model: ProgramModel,
  bytes: Uint8Array,
  path: string,
  modules: readonly RuntimeModule[],
  overrides: ReadonlyMap<string, number>,
  interpose: ReadonlyMap<string, number>,
  invoke: GuestInvoker,
): LinkPlan {
  try {
    return planLink(bytes, path, model.linkTarget(modules), {
      overrides,
      interpose,
      resolveIfunc: cachedIfunc(model.ifuncResults, invoke),
      runInitializers: async (addresses) => {
        for (const a of addresses) await invoke(a);
      },
    });
  } catch (e) {
    if (e instanceof LinkError) throw new PatcherError(oneLine(e), ExitStatus.refused);
    throw e;
  }
}

/** The undo step that unmaps the patch object. */
export const UNLINK_STEP = 'unlink';

export async function linkPatch(plan: LinkPlan, undo: UndoLog): Promise<LinkedPatch> {
  let linked;
  try {
    linked = await applyLink(plan);
  } catch (e) {
    if (e instanceof LinkError) throw new PatcherError(oneLine(e), ExitStatus.refused);
    throw e;
  }
  const exports = new Map<string, number>();
  for (const [name, d] of linked.exports) exports.set(name, d.address);
  let unlinked = false;
  const release = (): void => {
    if (unlinked) return;
    unlinked = true;
    unlink(linked);
  };
  undo.record(`link of ${plan.path}`, release, UNLINK_STEP);
  return { module: linked.module, bias: linked.bias, start: linked.start, end: linked.end, exports, resolutions: plan.resolutions, unlink: release };
}
