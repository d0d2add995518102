// The guest's processes as the patcher sees them. `dsu status` lists every
// process of the session (pid, parent, program, which version of it runs).
// A patch or rollback applies to the first process only, so while another
// live process runs the same program (a forking server's workers, a child
// forked after a patch) it is refused before anything changes: patching
// one process of a tree would leave the others on other code and say it
// worked.
import type { Process } from '../emulator/process.js';
import { PatcherError, ExitStatus } from './errors.js';

export interface ProcessStatus {
  pid: number;
  /** 0: its parent is outside the guest. */
  parent: number;
  program: string;
  /** The version its code is (a patch's DSU_VERSION), else the executable's name. */
  version: string;
  state: 'running' | 'zombie';
}

export function processesOf(first: Process): ProcessStatus[] {
  return first.kernel.processes.all().map((p) => ({
    pid: p.pid,
    parent: p.family.parent?.pid ?? 0,
    program: p.exePath,
    version: p.codeVersion ?? p.exePath.split('/').pop()!,
    state: p.exited ? 'zombie' : 'running',
  }));
}

/** Refuse (exit 4) while other live processes run `first`'s program. */
export function refuseTree(first: Process, what: 'patch' | 'roll back'): void {
  const others = first.kernel.processes.live().filter((p) => p !== first && p.exePath === first.exePath);
  if (others.length === 0) return;
  const pids = others.map((p) => p.pid).join(', ');
  throw new PatcherError(`${first.exePath} runs in ${others.length + 1} processes (pid ${first.pid} and ${pids}); dsu cannot ${what} a tree of processes yet, so nothing was changed`, ExitStatus.refused);
}
