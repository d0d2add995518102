// Which commands a `dsu run --control SOCK` answers, registered explicitly:
// ping here, the live module and GOT models (patcher/inspect/), and the
// patcher's own (patcher/commands.ts) with the options `dsu run` was given,
// both over one model of the program.
import type { Session } from '../emulator/launch.js';
import type { PatcherOptions } from '../patcher/apply.js';
import { patcherCommands } from '../patcher/commands.js';
import { inspectCommands } from '../patcher/inspect/commands.js';
import { ProgramModel } from '../patcher/program-model.js';
import type { ControlServer } from './server.js';

export function attachControl(server: ControlServer, session: Session, patcher: PatcherOptions): void {
  server.register({
    ping: () => ({ pid: session.proc.pid, program: session.proc.exePath, exited: session.proc.exited }),
  });
  // one model of the program: the inspection commands see the objects patches linked
  const model = new ProgramModel(session.proc);
  server.register(inspectCommands(session, model));
  server.register(patcherCommands(session, model, patcher));
}
