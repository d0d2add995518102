// The commands a running `dsu run --control SOCK` answers. Each area adds
// its own (inspection of modules and GOT slots, patches); handlers run on
// the host's event loop, which only runs while the guest is stopped at an
// instruction boundary, so they see a consistent guest.
import type { Session } from '../../emulator/launch.js';
import { ControlServer } from './server.js';

export type ControlRegistration = (server: ControlServer, session: Session) => void;

const registrations: ControlRegistration[] = [];

/** Add commands to every control server (called by each area at import time). */
export function defineControlCommands(register: ControlRegistration): void {
  registrations.push(register);
}

export function attachControl(server: ControlServer, session: Session): void {
  server.register('ping', () => ({
    pid: session.proc.pid,
    program: session.proc.exePath,
    exited: session.proc.exited,
  }));
  for (const r of registrations) r(server, session);
}
