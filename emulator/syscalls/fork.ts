// fork, vfork, and clone/clone3 when they make a process (no CLONE_THREAD;
// clone.ts sends those here):
// glibc's fork is clone(CLONE_CHILD_SETTID|CLONE_CHILD_CLEARTID|SIGCHLD),
// its posix_spawn clone3(CLONE_VM|CLONE_VFORK) on a stack of its own. The
// child is made by emulator/fork.ts. With CLONE_VFORK the calling thread
// waits, without being interrupted by signals, until the child execs or
// ends (kernel/process-exit.ts tells it).
import { EINVAL, ENOSYS, EPERM, LinuxError } from '../abi/errno.js';
import { SIGCHLD } from '../abi/signal.js';
import { betweenSlices, Blocked, soon, Subscribers } from '../kernel/wait.js';
import { forkProcess } from '../fork.js';
import { signalAwareState } from '../signals/interrupt.js';
import { CLONE_VM, CLONE_FS, CLONE_FILES, CLONE_SIGHAND, CLONE_PIDFD, CLONE_PTRACE, CLONE_VFORK, CLONE_PARENT, CLONE_THREAD, CLONE_NEWNS, CLONE_SYSVSEM, CLONE_SETTLS, CLONE_PARENT_SETTID, CLONE_CHILD_CLEARTID, CLONE_UNTRACED, CLONE_CHILD_SETTID, CLONE_IO, CLONE_NAMESPACES } from '../abi/clone.js';
import { row, SyscallContext, SyscallResult, SyscallRow } from './types.js';
import type { CloneRequest } from './clone.js';

/** What a new process here can be asked for. */
const PROCESS_FLAGS = CLONE_VM | CLONE_FS | CLONE_VFORK | CLONE_PARENT | CLONE_SYSVSEM | CLONE_PARENT_SETTID |
  CLONE_CHILD_CLEARTID | CLONE_CHILD_SETTID | CLONE_PTRACE | CLONE_UNTRACED | CLONE_IO | CLONE_SETTLS;


const refused = new WeakMap<object, Set<string>>();

/** Say once per process why a clone is refused. */
function refuse(ctx: SyscallContext, why: string, errno: number): number {
  let seen = refused.get(ctx.proc);
  if (!seen) refused.set(ctx.proc, (seen = new Set()));
  if (!seen.has(why)) {
    seen.add(why);
    ctx.proc.log.line(`dsu: ${why}`);
  }
  return -errno;
}

/** copy_process's checks of a flag combination for a new process, then what dsu can do. */
function checkProcessFlags(ctx: SyscallContext, flags: number): number {
  const hex = `0x${(flags >>> 0).toString(16)}`;
  if ((flags & CLONE_SIGHAND) && !(flags & CLONE_VM)) return -EINVAL;
  if ((flags & CLONE_NEWNS) && (flags & CLONE_FS)) return -EINVAL;
  if (flags & CLONE_NAMESPACES) return refuse(ctx, `clone with new namespaces (flags ${hex}) is not supported; returns EPERM`, EPERM);
  if (flags & (CLONE_FILES | CLONE_SIGHAND)) {
    return refuse(ctx, `a process sharing its parent's descriptor table or signal handlers (clone flags ${hex}) is not supported; returns ENOSYS`, ENOSYS);
  }
  if (flags & CLONE_PIDFD) return refuse(ctx, `clone with CLONE_PIDFD (flags ${hex}) is not supported; returns ENOSYS`, ENOSYS);
  if (flags & ~PROCESS_FLAGS) return refuse(ctx, `clone flags ${hex} are not supported for a new process; returns ENOSYS`, ENOSYS);
  return 0;
}

/** Write a tid where the caller asked; a bad address is not the clone's failure (put_user). */
function putTid(write: (address: number, value: number) => void, address: number, tid: number): void {
  try {
    write(address, tid);
  } catch (e) {
    if (!(e instanceof LinuxError)) throw e;
  }
}

interface VforkState {
  child?: number;
  done?: boolean;
}

/** A new process; for a thread (CLONE_THREAD) see the threads' clone. */
export function cloneProcess(ctx: SyscallContext, req: CloneRequest): SyscallResult {
  const state = ctx.thread.syscallState as (VforkState & Record<string, unknown>) | null;
  if (state?.child !== undefined) return vforkWait(ctx, state);
  const bad = checkProcessFlags(ctx, req.flags);
  if (bad < 0) return bad;
  if (req.flags & CLONE_SETTLS) return refuse(ctx, `clone of a process with CLONE_SETTLS is not supported; returns ENOSYS`, ENOSYS);
  const later = betweenSlices(signalAwareState(ctx) as Record<string, unknown>);
  if (later) return later;
  const vfork = (req.flags & CLONE_VFORK) !== 0;
  const child = forkProcess(ctx.proc, ctx.thread, {
    shareMemory: (req.flags & CLONE_VM) !== 0,
    shareFs: (req.flags & CLONE_FS) !== 0,
    siblingOfCaller: (req.flags & CLONE_PARENT) !== 0,
    stack: req.stack,
    exitSignal: req.exitSignal,
  }, (c) => {
    if (vfork) c.family.vforkDone = new Subscribers();
    if (req.flags & CLONE_CHILD_CLEARTID) c.mainThread.clearChildTid = req.childTid;
    if (req.flags & CLONE_CHILD_SETTID) putTid((a, v) => c.mem.setU32(a, v), req.childTid, c.pid);
  });
  if (req.flags & CLONE_PARENT_SETTID) putTid((a, v) => ctx.mem.setU32(a, v), req.parentTid, child.pid);
  if (!vfork) return child.pid;
  const s = signalAwareState(ctx) as VforkState & ReturnType<typeof signalAwareState>;
  s.child = child.pid;
  s.uninterruptible = true;
  const done = child.family.vforkDone;
  if (done === null) return child.pid;
  done.add(() => (s.done = true));
  return vforkWait(ctx, s);
}

/** The vfork parent's wait: until the child has exec'd or ended. */
function vforkWait(ctx: SyscallContext, state: VforkState): SyscallResult {
  if (state.done) {
    // the child ran over this memory: its TLS descriptors may be in the GDT
    ctx.thread.tls.forEach((words, i) => ctx.proc.machine.gdt.write(6 + i, words));
    return state.child!;
  }
  return new Blocked((wake) => {
    const child = ctx.proc.kernel.processes.get(state.child!);
    const done = child?.family.vforkDone;
    if (state.done || !done) {
      state.done = true;
      return soon(wake);
    }
    return done.add(() => {
      state.done = true;
      wake();
    });
  }, 'vfork');
}

export const forkRows: SyscallRow[] = [
  row(2, 'fork', [], (ctx) => cloneProcess(ctx, { flags: 0, exitSignal: SIGCHLD, stack: 0, parentTid: 0, childTid: 0, tls: 0 })),
  row(190, 'vfork', [], (ctx) => cloneProcess(ctx, { flags: CLONE_VM | CLONE_VFORK, exitSignal: SIGCHLD, stack: 0, parentTid: 0, childTid: 0, tls: 0 })),
];
