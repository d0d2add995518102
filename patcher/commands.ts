// What the patcher answers on the control channel: patch, rollback, status.
// One Patcher per running program, made when the control channel is attached; control/attach.ts
// registers these handlers with the server.
import type { Session } from '../emulator/launch.js';
import { Patcher, PatchOptions, PatcherOptions } from './apply.js';
import { rollbackLatest, RollbackOptions } from './rollback.js';
import { statusOf } from './status.js';
import type { ProgramModel } from './program-model.js';

/** When the patcher's warm-up starts after the control channel is attached, and the time between its steps (the program runs). */
const WARM_UP_AFTER_MS = 500;
const WARM_UP_STEP_MS = 20;

export function patcherCommands(session: Session, model: ProgramModel, options: PatcherOptions) {
  // made now, so it can read what the first patch needs before one arrives
  const patcher = new Patcher(session, model, options);
  // a failure there is left for the first patch to meet and report
  patcher.warmUp(WARM_UP_AFTER_MS, WARM_UP_STEP_MS).catch(() => {});
  const patcherNow = (): Patcher => patcher;
  return {
    patch: (args: PatchOptions & { path: string }) => patcherNow().apply(args.path, args),
    check: (args: PatchOptions & { path: string }) => patcherNow().check(args.path, args),
    rollback: (args: RollbackOptions) => rollbackLatest(patcherNow(), args),
    status: () => statusOf(patcherNow()),
  };
}
