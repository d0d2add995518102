// Turning CPU faults and pending signals into what Linux does: run the
// guest's handler on its stack, or take the default action.
import type { Process } from '../process.js';
import type { Runner } from '../runner.js';
import type { Thread } from '../thread.js';
import { Reg } from '../engine/unicorn-consts.js';
import { CpuFault, beyondEndOfFile, refineAccessFault, signalName } from '../faults/fault.js';
import { reportFault } from '../faults/report.js';
import { EINTR, LinuxError } from '../abi/errno.js';
import {
  SA_NODEFER, SA_RESETHAND, SA_RESTART, SIG_DFL, SIG_IGN, SIGSEGV,
  SYNCHRONOUS, UNBLOCKABLE,
  defaultAction, lowestSignal, sigbit,
} from '../abi/signal.js';
import type { SignalInfo } from './post.js';
import { hasDeliverable, pendingSet, queueSet, takeSignal, waitedSignals } from './pending.js';
import { maskChanged } from './target.js';
import { CpuContext, applyContext, captureContext } from './context.js';
import { setupFrame } from './frame.js';
import { SignalAwareState, restartable } from './interrupt.js';
import { clearExceptionInFlight } from '../engine/exception-latch.js';
import { escapeText } from '../../loader/text/terminal-text.js';
import { stopProcess } from '../kernel/job-control.js';

export interface DeliveryHooks {
  /** The state the first frame is built from; read only when a handler runs. */
  context(): CpuContext;
  /**
   * A handler is about to run while the thread is blocked in a syscall: end
   * the syscall. Returns the mask the frame must restore if the syscall had
   * installed a temporary one.
   */
  interruptSyscall?(restart: boolean): bigint | undefined;
}

/**
 * The next signal the thread takes, as dequeue_signal picks it: from its own
 * queue first, then the process's (if it was chosen for them); in each,
 * synchronous ones first, then the lowest number.
 */
function nextSignal(thread: Thread): number {
  const pick = (ready: bigint): number => lowestSignal((ready & SYNCHRONOUS) !== 0n ? ready & SYNCHRONOUS : ready);
  const own = queueSet(thread.pendingSignals) & ~thread.signalMask;
  if (own !== 0n) return pick(own);
  if (!thread.takesShared) return 0;
  return pick(queueSet(thread.sharedPending) & ~thread.signalMask);
}

/**
 * Take every deliverable signal: drop ignored ones, end the process on a
 * fatal one, push a frame for each caught one. Frames stack up like on
 * Linux, so the last signal taken runs its handler first. Returns the state
 * to resume with, or null when no handler runs (or the process died).
 */
export function takeSignals(proc: Process, thread: Thread, hooks: DeliveryHooks): CpuContext | null {
  const maskBefore = thread.signalMask;
  try {
    return takeEach(proc, thread, hooks);
  } finally {
    // done with the process's signals it can take; those its handlers' masks block go to another thread
    if ((queueSet(thread.sharedPending) & ~thread.signalMask) === 0n) thread.takesShared = false;
    if (thread.signalMask !== maskBefore && maskChanged(proc, thread, maskBefore)) proc.notifySignal();
  }
}

function takeEach(proc: Process, thread: Thread, hooks: DeliveryHooks): CpuContext | null {
  let context: CpuContext | null = null;
  let interrupt = hooks.interruptSyscall;
  for (let sig = nextSignal(thread); sig !== 0; sig = nextSignal(thread)) {
    const info = takeSignal(thread, sig)!;
    const action = proc.signalActions[sig];
    const fatal = action.handler === SIG_DFL && (defaultAction(sig) === 'terminate' || defaultAction(sig) === 'core');
    proc.kernel.tracer?.signal(proc, thread, info, fatal || action.handler > SIG_IGN);
    if (action.handler === SIG_IGN) continue;
    if (action.handler === SIG_DFL) {
      const d = defaultAction(sig);
      if (d === 'stop') {
        // the whole process stops here; what else is pending is taken once it continues
        stopProcess(proc, sig, thread);
        return context;
      }
      if (d !== 'terminate' && d !== 'core') continue;
      proc.exit = { signal: sig, core: d === 'core' };
      return null;
    }
    const savedMask = interrupt?.((action.flags & SA_RESTART) !== 0);
    interrupt = undefined;
    context ??= hooks.context();
    if (!setupFrame(proc, thread, context, { sig, info, action, savedMask: savedMask ?? thread.signalMask })) {
      proc.log.line(`dsu: ${escapeText(proc.comm)}: cannot push a frame for ${signalName(sig)} (stack at 0x${(context.esp >>> 0).toString(16)}): killed by SIGSEGV`);
      proc.exit = { signal: SIGSEGV, core: true };
      return null;
    }
    let mask = thread.signalMask | action.mask;
    if ((action.flags & SA_NODEFER) === 0) mask |= sigbit(sig);
    thread.signalMask = mask & ~UNBLOCKABLE;
    if ((action.flags & SA_RESETHAND) !== 0) proc.signalActions[sig] = { ...action, handler: SIG_DFL };
  }
  return context;
}

/**
 * force_sig semantics for signals the CPU raises: an ignored or blocked one
 * cannot be escaped, it reverts to the default action (and is unblocked).
 */
export function forceSignal(proc: Process, thread: Thread, info: SignalInfo): void {
  const sig = info.signo;
  const action = proc.signalActions[sig];
  const blocked = (thread.signalMask & sigbit(sig)) !== 0n;
  if (blocked || action.handler === SIG_IGN) {
    proc.signalActions[sig] = { ...action, handler: SIG_DFL };
    thread.signalMask &= ~sigbit(sig);
  }
  thread.pendingSignals.delete(sig);
  thread.pendingSignals.set(sig, info);
}

export function handleFault(proc: Process, _runner: Runner, raw: CpuFault, thread: Thread): void {
  // a handler may let the guest run on: the engine must not keep this fault "in flight"
  clearExceptionInFlight(proc.machine.cpu);
  // a shared file mapping's page the file has grown to: the instruction runs again
  const inFile = raw.vector === 14 ? proc.space.resolveFault(raw.address >>> 0) : 'none';
  if (inFile === 'resolved') return;
  // a page fault inside a mapping is a protection fault (SEGV_ACCERR), else SEGV_MAPERR
  const fault = inFile === 'beyond-eof' ? beyondEndOfFile(raw) : refineAccessFault(raw, proc.space.regionAt(raw.address >>> 0) !== undefined);
  const info: SignalInfo = {
    signo: fault.signal, code: fault.code, addr: fault.address, trapno: fault.trapno, errorCode: fault.errorCode,
  };
  forceSignal(proc, thread, info);
  if (proc.signalActions[fault.signal].handler === SIG_DFL) {
    proc.kernel.tracer?.signal(proc, thread, info, true);
    // the first process's death is dsu's exit status, so it is explained; another
    // process's is its parent's to see (wait), as it is natively
    if (proc === proc.kernel.processes.init) reportFault(proc, fault, thread);
    thread.pendingSignals.delete(fault.signal);
    proc.exit = { signal: fault.signal, core: defaultAction(fault.signal) === 'core' };
    return;
  }
  const cpu = proc.machine.cpu;
  const context = takeSignals(proc, thread, { context: () => captureContext(cpu, fault.eip) });
  if (context && !proc.exited) applyContext(cpu, context);
}

export function deliverSignals(proc: Process, runner: Runner, thread: Thread): void {
  if (proc.exited || (thread.pendingSignals.size === 0 && thread.sharedPending.size === 0)) return;
  if (thread.pending && (thread.syscallState as SignalAwareState | null)?.uninterruptible) return;
  const ctx = runner.contextOf(thread);
  if (thread.pending && (pendingSet(thread) & waitedSignals(thread)) !== 0n) {
    // sigtimedwait dequeues what it waits for: let it run again now
    const p = thread.pending;
    p.cancel?.();
    p.cancel = null;
    runner.syscalls.retry(ctx);
  }
  if (!hasDeliverable(thread)) return;
  const cpu = proc.machine.cpu;
  let eip = thread.eip;
  const interruptSyscall = (restart: boolean): bigint | undefined => {
    const p = thread.pending!;
    const state = (thread.syscallState ?? {}) as SignalAwareState;
    const saved = state.savedMask;
    if (restart && restartable(p.row.name) && !state.onSignal) {
      // back to the int 0x80 with the syscall number, as when the kernel restarts a call
      runner.syscalls.interrupt(ctx, null);
      cpu.setReg(Reg.EAX, p.row.nr);
      eip = (eip - 2) >>> 0;
    } else {
      runner.syscalls.interrupt(ctx, endResult(state));
    }
    return saved;
  };
  const context = takeSignals(proc, thread, {
    context: () => captureContext(cpu, eip),
    interruptSyscall: thread.pending ? interruptSyscall : undefined,
  });
  if (!context || proc.exited) return;
  applyContext(cpu, context);
  thread.eip = context.eip;
}

function endResult(state: SignalAwareState): number {
  if (!state.onSignal) return -EINTR;
  try {
    return state.onSignal();
  } catch (e) {
    if (e instanceof LinuxError) return -e.errno;
    throw e;
  }
}
