// What the patcher answers on the control channel: patch, rollback, status.
// One Patcher per running program, made on first use; control/attach.ts
// registers these handlers with the server.
import type { Session } from '../emulator/launch.js';
import { Patcher, PatchOptions, PatcherOptions } from './apply.js';
import { rollbackLatest, RollbackOptions } from './rollback.js';
import { statusOf } from './status.js';
import type { ProgramModel } from './program-model.js';

export function patcherCommands(session: Session, model: ProgramModel, options: PatcherOptions) {
  let patcher: Patcher | null = null;
  const patcherNow = (): Patcher => (patcher ??= new Patcher(session, model, options));
  return {
    patch: (args: PatchOptions & { path: string }) => patcherNow().apply(args.path, args),
    check: (args: PatchOptions & { path: string }) => patcherNow().check(args.path, args),
    rollback: (args: RollbackOptions) => rollbackLatest(patcherNow(), args),
    status: () => statusOf(patcherNow()),
  };
}
