// The threads of a running program as `dsu status` shows them: tid, what
// each is doing (running, blocked in which system call, held at an update
// point, exited while the others run), and where: the innermost function
// of its stack that is not the system-call gate, with its module.
import type { Session } from '../emulator/launch.js';
import type { ModuleMap } from '../loader/symbols/modules.js';
import { walkThread, checkSafety } from './quiescence.js';

export interface ThreadStatus {
  tid: number;
  main: boolean;
  state: string;
  /** "function+0xoff (module)", or "" for a thread that exited. */
  where: string;
}

const GATE = /^(_dl_sysinfo_int80|__kernel_vsyscall)\b/;

export function threadsOf(session: Session, modules: ModuleMap): ThreadStatus[] {
  const { proc, runner } = session;
  return proc.threads.map((thread) => {
    const main = thread === proc.mainThread;
    if (thread.state === 'exited') return { tid: thread.tid, main, state: 'exited', where: '' };
    const stack = checkSafety([walkThread(proc, runner.registersOf(thread), modules)], []).stack;
    const where = stack.find((s) => !s.startsWith('(') && !GATE.test(s)) ?? stack[0] ?? '?';
    const state = runner.isParked(thread) ? 'held at dsu_update_point()'
      : thread.state === 'blocked' ? `blocked in ${thread.pending?.row.name ?? 'a system call'}`
      : 'running';
    return { tid: thread.tid, main, state, where };
  });
}
