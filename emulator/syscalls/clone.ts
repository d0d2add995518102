// clone and clone3: a new thread of the calling process, as glibc's
// pthread_create asks for it (CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|
// CLONE_THREAD|CLONE_SYSVSEM|CLONE_SETTLS|CLONE_PARENT_SETTID|
// CLONE_CHILD_CLEARTID). The child shares everything of the process and
// gets its own registers (the caller's, with EAX 0 and its own stack), its
// own TLS descriptor, the caller's signal mask, no pending signals and no
// alternate stack. A clone that makes a new process (no CLONE_THREAD:
// fork, vfork, posix_spawn) goes to fork.ts.
import { E2BIG, EINVAL, ENOSYS, EPERM, LinuxError } from '../abi/errno.js';
import { Reg } from '../engine/unicorn-consts.js';
import { Thread } from '../thread.js';
import { CSIGNAL, CLONE_VM, CLONE_FS, CLONE_FILES, CLONE_SIGHAND, CLONE_PIDFD, CLONE_PARENT, CLONE_THREAD, CLONE_NEWNS, CLONE_SETTLS, CLONE_PARENT_SETTID, CLONE_CHILD_CLEARTID, CLONE_CHILD_SETTID, CLONE_NEWUSER, CLONE_NEWPID, CLONE_NAMESPACES } from '../abi/clone.js';
import { row, SyscallContext, SyscallRow } from './types.js';
import { setTlsSlot } from './tls.js';
import { cloneProcess } from './fork.js';
import type { SyscallResult } from './types.js';

/** What a thread must share with its process here: one address space, one file table, one set of handlers. */
const THREAD_SHARES = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD;
/** clone3 only. */
const CLONE_CLEAR_SIGHAND = 0x100000000n;
const CLONE_INTO_CGROUP = 0x200000000n;

/** struct clone_args, as many fields as its size says (CLONE_ARGS_SIZE_VER0 is 64 bytes). */
const CLONE_ARGS_SIZE_VER0 = 64;
const PAGE_SIZE = 4096;

export interface CloneRequest {
  flags: number;
  /** What the parent is sent when a child process ends (CSIGNAL; 0 for a thread). */
  exitSignal: number;
  /** Top of the child's stack, or 0 to keep the caller's ESP. */
  stack: number;
  parentTid: number;
  childTid: number;
  tls: number;
}

/** copy_process's checks of a flag combination, then dsu's own limits; 0 when a thread can be made. */
function checkFlags(ctx: SyscallContext, flags: number): number {
  const both = (a: number, b: number): boolean => (flags & a) !== 0 && (flags & b) !== 0;
  if (both(CLONE_NEWNS, CLONE_FS) || both(CLONE_NEWUSER, CLONE_FS)) return -EINVAL;
  if ((flags & CLONE_THREAD) && !(flags & CLONE_SIGHAND)) return -EINVAL;
  if ((flags & CLONE_SIGHAND) && !(flags & CLONE_VM)) return -EINVAL;
  if ((flags & CLONE_THREAD) && (flags & (CLONE_NEWUSER | CLONE_NEWPID | CLONE_PIDFD))) return -EINVAL;
  if (flags & CLONE_NAMESPACES) return refuse(ctx, `clone with new namespaces (flags 0x${(flags >>> 0).toString(16)}) is not supported; returns EPERM`, -EPERM);
  if ((flags & THREAD_SHARES) !== THREAD_SHARES) {
    return refuse(ctx, `a thread without its process's files or filesystem context (clone flags 0x${(flags >>> 0).toString(16)}) is not supported; returns ENOSYS`, -ENOSYS);
  }
  return 0;
}

const refused = new WeakMap<object, Set<string>>();

/** Say once per process why a clone is refused. */
function refuse(ctx: SyscallContext, why: string, errno: number): number {
  let seen = refused.get(ctx.proc);
  if (!seen) refused.set(ctx.proc, (seen = new Set()));
  if (!seen.has(why)) {
    seen.add(why);
    ctx.proc.log.line(`dsu: ${why}`);
  }
  return errno;
}

function writeTid(ctx: SyscallContext, address: number, tid: number): void {
  try {
    ctx.mem.setU32(address, tid);
  } catch (e) {
    // as the kernel's put_user here, a bad address is not the clone's failure
    if (!(e instanceof LinuxError)) throw e;
  }
}

function cloneThread(ctx: SyscallContext, req: CloneRequest): number {
  const bad = checkFlags(ctx, req.flags);
  if (bad < 0) return bad;
  const { proc, thread: parent } = ctx;
  const tid = proc.kernel.allocateId();
  const thread = new Thread(tid, proc.sharedPending);
  parent.tls.forEach((words, i) => (thread.tls[i] = [words[0], words[1]]));
  if (req.flags & CLONE_SETTLS) {
    const entry = setTlsSlot(ctx, thread, req.tls, false);
    if (entry < 0) {
      proc.kernel.releaseId(tid);
      return entry;
    }
  }
  thread.signalMask = parent.signalMask;
  if (req.flags & CLONE_CHILD_CLEARTID) thread.clearChildTid = req.childTid;
  if (req.flags & CLONE_PARENT_SETTID) writeTid(ctx, req.parentTid, tid);
  if (req.flags & CLONE_CHILD_SETTID) writeTid(ctx, req.childTid, tid);
  ctx.threads.startThread(thread, (cpu) => {
    cpu.setReg(Reg.EAX, 0);
    if (req.stack !== 0) cpu.setReg(Reg.ESP, req.stack);
    // reload the segment registers from the GDT, which now holds the child's TLS descriptors
    for (const seg of [Reg.FS, Reg.GS]) {
      const selector = cpu.reg(seg) & 0xffff;
      if (selector !== 0) cpu.setReg(seg, selector);
    }
  });
  return tid;
}

/** clone3(struct clone_args *, size_t): the fields beyond the ones known must be zero. */
function clone3(ctx: SyscallContext, args: number, size: number): SyscallResult {
  if (size < CLONE_ARGS_SIZE_VER0) return -EINVAL;
  if (size > PAGE_SIZE) return -E2BIG;
  const raw = ctx.mem.readable(args, size);
  const known = 88;
  for (let i = known; i < size; i++) if (raw[i] !== 0) return -E2BIG;
  const field = (i: number): bigint => (i * 8 + 8 <= size ? ctx.mem.u64(args + i * 8) : 0n);
  const [flags, , childTid, parentTid, exitSignal, stack, stackSize, tls, , setTidSize] = Array.from({ length: 11 }, (_, i) => field(i));
  const legacy = BigInt.asUintN(32, flags);
  if ((flags & ~(0xffffffffn | CLONE_CLEAR_SIGHAND | CLONE_INTO_CGROUP)) !== 0n) return -EINVAL;
  if ((exitSignal & ~BigInt(CSIGNAL)) !== 0n) return -EINVAL;
  if ((legacy & BigInt(CLONE_THREAD | CLONE_PARENT)) !== 0n && exitSignal !== 0n) return -EINVAL;
  if ((flags & CLONE_CLEAR_SIGHAND) !== 0n && (legacy & BigInt(CLONE_SIGHAND)) !== 0n) return -EINVAL;
  if ((stack === 0n) !== (stackSize === 0n)) return -EINVAL;
  if (setTidSize !== 0n) return -EPERM;
  if ((flags & (CLONE_CLEAR_SIGHAND | CLONE_INTO_CGROUP)) !== 0n) {
    return refuse(ctx, `clone3 with CLONE_CLEAR_SIGHAND or CLONE_INTO_CGROUP is not supported; returns ENOSYS`, -ENOSYS);
  }
  const lowAddress = (v: bigint): number => Number(BigInt.asUintN(32, v));
  return cloneAny(ctx, {
    flags: Number(legacy),
    exitSignal: Number(exitSignal),
    stack: lowAddress(stack + stackSize),
    parentTid: lowAddress(parentTid),
    childTid: lowAddress(childTid),
    tls: lowAddress(tls),
  });
}

/** A thread of the caller's process (CLONE_THREAD), else a new process. */
function cloneAny(ctx: SyscallContext, req: CloneRequest): SyscallResult {
  if (req.flags & CLONE_THREAD) return cloneThread(ctx, req);
  // a vfork child's parent re-runs this call while it waits: fork.ts knows
  return cloneProcess(ctx, req);
}

export const cloneRows: SyscallRow[] = [
  // i386 clone(flags, newsp, parent_tidptr, tls, child_tidptr)
  row(120, 'clone', ['hex', 'ptr', 'ptr', 'ptr', 'ptr'], (ctx, flags, stack, parentTid, tls, childTid) =>
    cloneAny(ctx, { flags: flags & ~CSIGNAL, exitSignal: flags & CSIGNAL, stack, parentTid, childTid, tls })),
  row(435, 'clone3', ['ptr', 'size'], (ctx, args, size) => clone3(ctx, args, size)),
];
