// Calling a function inside the guest from the host, at a moment when the
// program is stopped (held): the state-transfer routine of a patch, the
// initialisers of a linked object. The program's registers, its blocked
// syscall and its signal mask are set aside and restored afterwards; the
// call runs on the program's own stack below its current frame and returns
// to a breakpoint in a page dsu owns. A fault or a timeout ends the call.
import type { Session } from '../../emulator/launch.js';
import { Reg } from '../../emulator/engine/unicorn-consts.js';
import type { CpuFault } from '../../emulator/faults/fault.js';
import { describeFault } from './fault-text.js';
import { Breakpoints } from './breakpoints.js';

/** The page between the top of the stack and the descriptor table. */
export const TRAMPOLINE = 0xffffe000;
/** Stack the call leaves alone below the interrupted frame (like a signal frame would). */
const STACK_GAP = 512;

export type CallOutcome =
  | { ok: true; value: number }
  | { ok: false; reason: string; fault?: CpuFault };

function ensureTrampoline(session: Session): void {
  const space = session.proc.space;
  const r = space.regionAt(TRAMPOLINE);
  if (r && r.name === '[dsu]') return;
  space.map(TRAMPOLINE, 4096, 5, 'image', '[dsu]', { fill: (b) => b.fill(0xcc) });
}

/**
 * Call `fn(args...)` (cdecl) in the guest and wait for it to return.
 * The caller must hold the runner (runner.hold()) so the program itself does not run.
 */
export function callGuest(session: Session, breakpoints: Breakpoints, fn: number, args: number[], timeoutMs: number): Promise<CallOutcome> {
  const { proc, runner } = session;
  const cpu = proc.machine.cpu;
  const thread = proc.mainThread;
  ensureTrampoline(session);

  const snapshot = cpu.saveContext();
  const savedEip = runner.instructionPointer;
  const savedState = thread.state;
  const savedPending = thread.pending;
  const savedMask = thread.signalMask;
  runner.suspendWait(thread);
  thread.pending = null;
  thread.state = 'runnable';
  thread.signalMask = ~0n;

  let esp = (cpu.reg(Reg.ESP) - STACK_GAP) >>> 0;
  esp -= esp % 16;
  esp -= 4 * args.length;
  esp -= esp % 16;
  const view = proc.space.memory.view;
  args.forEach((a, i) => view.setUint32(esp + 4 * i, a >>> 0, true));
  esp -= 4;
  view.setUint32(esp, TRAMPOLINE, true);
  cpu.setReg(Reg.ESP, esp);
  cpu.setReg(Reg.EBP, 0);
  runner.instructionPointer = fn;

  return new Promise<CallOutcome>((resolve) => {
    let done = false;
    const finish = (outcome: CallOutcome): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      const i = runner.interceptors.indexOf(onFault);
      if (i >= 0) runner.interceptors.splice(i, 1);
      breakpoints.remove(TRAMPOLINE);
      runner.inGuestCall = false;
      cpu.restoreContext(snapshot);
      cpu.freeContext(snapshot);
      runner.instructionPointer = savedEip;
      thread.pending = savedPending;
      thread.state = savedState;
      thread.signalMask = savedMask;
      resolve(outcome);
    };
    const onFault = (fault: CpuFault): boolean => {
      if (done) return false;
      finish({ ok: false, reason: describeFault(session, fault), fault });
      return true;
    };
    breakpoints.insert(TRAMPOLINE, () => finish({ ok: true, value: cpu.reg(Reg.EAX) }));
    runner.interceptors.push(onFault);
    const timer = setTimeout(() => {
      cpu.stop();
      finish({ ok: false, reason: `did not return within ${timeoutMs} ms` });
    }, timeoutMs);
    runner.inGuestCall = true;
    runner.kick();
  });
}
