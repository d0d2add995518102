// A new process made by fork, vfork or clone without CLONE_THREAD: the
// child gets a machine of its own (its memory a copy of the parent's, or
// the parent's own memory with CLONE_VM), the calling thread's registers
// with 0 in EAX, a copy of the descriptor table whose entries share their
// open file descriptions with the parent's, the signal actions, mask and
// alternate stack, limits, credentials and current directory; pending
// signals, timers and the robust list are not inherited. It joins the
// caller's process group and session, as a child of the caller (or of the
// caller's parent with CLONE_PARENT), and the session starts running it.
import { Reg } from './engine/unicorn-consts.js';
import { TLS_FIRST } from './engine/descriptors.js';
import { copyAddressSpace } from './memory/copy-space.js';
import { Process } from './process.js';
import type { Thread } from './thread.js';
import { EAGAIN, ENOSYS, LinuxError } from './abi/errno.js';
import type { Machine } from './machine.js';

export interface ForkRequest {
  /** CLONE_VM: run over the parent's memory (until exec or exit) instead of a copy. */
  shareMemory: boolean;
  /** CLONE_FS: share the current directory (and umask) with the parent. */
  shareFs: boolean;
  /** CLONE_PARENT: the child's parent is the caller's parent. */
  siblingOfCaller: boolean;
  /** The child's stack pointer; 0 keeps the caller's. */
  stack: number;
  /** What the parent is sent when the child ends (0: nothing). */
  exitSignal: number;
}

/** Forks made and the private memory they copied (--stats). */
export const forkCounters = { forks: 0, bytesCopied: 0 };

/** Make the child of the process of `ctxThread` and start it; returns it. */
export function forkProcess(parent: Process, caller: Thread, req: ForkRequest, prepare?: (child: Process) => void): Process {
  const kernel = parent.kernel;
  const starter = kernel.starter;
  if (starter === null) throw new LinuxError(ENOSYS, 'this session cannot start processes');
  const machine = req.shareMemory ? starter.machines.sharing(parent.machine) : starter.machines.acquire();
  let child: Process;
  try {
    if (!req.shareMemory) forkCounters.bytesCopied += copyAddressSpace(parent.machine.space, machine.space);
    child = makeChild(parent, machine, req);
  } catch (e) {
    starter.machines.recycle(machine);
    if (e instanceof LinuxError) throw e;
    parent.log.line(`dsu: fork failed: ${(e as Error).message}`);
    throw new LinuxError(EAGAIN);
  }
  forkCounters.forks++;
  startThreadAsCaller(parent.machine, machine, caller, child.mainThread, req.stack);
  prepare?.(child);
  starter.start(child);
  return child;
}

function makeChild(parent: Process, machine: Machine, req: ForkRequest): Process {
  const kernel = parent.kernel;
  const pid = kernel.allocateId();
  const ids = { ...parent.ids, pid, groups: [...parent.ids.groups] };
  const vfs = req.shareFs ? parent.vfs.share() : parent.vfs.fork();
  const child = new Process(machine, vfs, ids, parent.log, kernel);
  for (const fd of parent.fds.fds()) child.fds.place(fd, parent.fds.get(fd)!, parent.fds.cloexec(fd));
  child.fds.limit = parent.fds.limit;
  parent.signalActions.forEach((a, i) => (child.signalActions[i] = { ...a }));
  for (const [k, v] of parent.rlimits) child.rlimits.set(k, [v[0], v[1]]);
  child.umask = parent.umask;
  child.personality = parent.personality;
  child.sched = { ...parent.sched };
  if (parent.sched.resetOnFork) child.sched = { ...child.sched, policy: 0, priority: 0, resetOnFork: false, nice: Math.max(0, child.sched.nice) };
  child.policy = parent.policy;
  child.exe = parent.exe;
  child.interp = parent.interp;
  child.exePath = parent.exePath;
  child.argv = parent.argv;
  child.auxv = parent.auxv;
  child.comm = parent.comm;
  // a child forked after a patch runs the patched code (its memory is a copy)
  child.codeVersion = parent.codeVersion;
  child.sigreturnStubs = parent.sigreturnStubs;
  const family = child.family;
  const parentOfChild = req.siblingOfCaller ? parent.family.parent : parent;
  family.parent = parentOfChild;
  parentOfChild?.family.children.add(child);
  family.pgid = parent.family.pgid;
  family.sid = parent.family.sid;
  family.exitSignal = req.exitSignal;
  return child;
}

/**
 * The child's thread starts as a copy of the calling thread: its whole CPU
 * state (taken from the parent's engine, where the caller is running its
 * syscall), 0 in EAX, its own stack if asked, and the caller's TLS
 * descriptors, signal mask and alternate stack.
 */
function startThreadAsCaller(from: Machine, to: Machine, caller: Thread, thread: Thread, stack: number): void {
  const snapshot = from.cpu.saveContext();
  try {
    to.cpu.restoreContext(snapshot);
  } finally {
    from.cpu.freeContext(snapshot);
  }
  caller.tls.forEach((words, i) => {
    thread.tls[i] = [words[0], words[1]];
    to.gdt.write(TLS_FIRST + i, words);
  });
  to.cpu.setReg(Reg.EAX, 0);
  if (stack !== 0) to.cpu.setReg(Reg.ESP, stack);
  thread.eip = from.cpu.reg(Reg.EIP);
  thread.signalMask = caller.signalMask;
  thread.altStack = { ...caller.altStack };
}
