// The guest's processes by pid: every process from fork until it is reaped
// (zombies included, as kill(pid, 0) and /proc still find them). The first
// process acts as the sandbox's init: orphans with no subreaper go to it.
import type { Process } from '../process.js';

export class ProcessTable {
  private readonly byPid = new Map<number, Process>();
  /** The first process of the session. */
  init: Process | null = null;

  add(proc: Process): void {
    this.byPid.set(proc.pid, proc);
    this.init ??= proc;
  }

  get(pid: number): Process | undefined {
    return this.byPid.get(pid);
  }

  /** Processes in pid order, zombies included. */
  all(): Process[] {
    return [...this.byPid.values()].sort((a, b) => a.pid - b.pid);
  }

  /** Processes that have not exited. */
  live(): Process[] {
    return this.all().filter((p) => !p.exited);
  }

  remove(proc: Process): void {
    if (this.byPid.get(proc.pid) === proc) this.byPid.delete(proc.pid);
  }

  get size(): number {
    return this.byPid.size;
  }
}
