// Control commands of the patcher: patch, rollback, status. One Patcher per
// running program, created on first use.
import path from 'node:path';
import type { Session } from '../../emulator/launch.js';
import { defineControlCommands } from './commands.js';
import { ControlError } from './protocol.js';
import { Patcher, PatchOptions } from '../apply.js';
import { rollbackLatest } from '../rollback.js';
import { guestModuleCache } from '../inspect/guest-program.js';
import { statusOf } from '../status.js';

const patchers = new WeakMap<Session, Patcher>();

export function patcherOf(session: Session): Patcher {
  let p = patchers.get(session);
  if (!p) {
    p = new Patcher(session, guestModuleCache(session.proc), session.updatePoints);
    patchers.set(session, p);
  }
  return p;
}

function number(args: Record<string, unknown>, name: string, fallback: number): number {
  const v = args[name];
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw new ControlError(`${name} must be a positive number`);
  return v;
}

defineControlCommands((server, session) => {
  server.register('patch', (args) => {
    const file = args.path;
    if (typeof file !== 'string' || !path.isAbsolute(file)) throw new ControlError('patch needs an absolute path');
    const opts: PatchOptions = {
      timeoutMs: number(args, 'timeoutMs', 5000),
      transferTimeoutMs: number(args, 'transferTimeoutMs', 5000),
      relaxed: args.relaxed === true,
      updatePoints: args.updatePoints === true,
    };
    return patcherOf(session).apply(file, opts);
  });
  server.register('rollback', (args) => rollbackLatest(patcherOf(session), {
    timeoutMs: number(args, 'timeoutMs', 5000),
    transferTimeoutMs: number(args, 'transferTimeoutMs', 5000),
    force: args.force === true,
  }));
  server.register('status', () => statusOf(patcherOf(session)));
});
