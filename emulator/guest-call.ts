// Calling a function inside the guest from the host, while the program is
// held: one of its threads is lent (its registers, blocked syscall and
// signal mask set aside and given back afterwards), the call runs on that
// thread's own stack below its current frame, with its TLS, and returns to an
// int3 in a page dsu owns. A fault or a timeout ends the call. Which thread to
// lend, and what a failure means, is the caller's business.
import type { Runner } from './runner.js';
import type { Thread } from './thread.js';
import type { CpuFault } from './faults/fault.js';
import { Reg } from './engine/unicorn-consts.js';

/** The page between the top of the stack and the descriptor table. */
const TRAMPOLINE = 0xffffe000;
/** Stack the call leaves alone below the interrupted frame (like a signal frame would). */
const STACK_GAP = 512;
const BREAKPOINT_VECTOR = 3;

export type GuestCallResult =
  | { ok: true; value: number }
  | { ok: false; fault: CpuFault }
  | { ok: false; timedOutMs: number };

function ensureTrampoline(runner: Runner): void {
  const space = runner.proc.space;
  const r = space.regionAt(TRAMPOLINE);
  if (r && r.name === '[dsu]') return;
  space.map(TRAMPOLINE, 4096, 5, 'image', '[dsu]', { fill: (b) => b.fill(0xcc) });
}

/**
 * Call `fn(args...)` (cdecl) on `thread` and wait for it to return. The
 * caller holds the runner (runner.hold()) so that the program itself does
 * not run meanwhile.
 */
export function callInGuest(runner: Runner, thread: Thread, fn: number, args: number[], timeoutMs: number): Promise<GuestCallResult> {
  const proc = runner.proc;
  const cpu = proc.machine.cpu;
  ensureTrampoline(runner);
  runner.lend(thread);

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
  thread.eip = fn >>> 0;

  return new Promise<GuestCallResult>((resolve) => {
    let done = false;
    const finish = (result: GuestCallResult): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      const i = runner.interceptors.indexOf(claim);
      if (i >= 0) runner.interceptors.splice(i, 1);
      runner.giveBack();
      resolve(result);
    };
    // any exception of the lent thread ends the call: the return (the
    // trampoline's int3) as a result, anything else as a fault
    const claim = (fault: CpuFault, faulting: Thread): boolean => {
      if (done || faulting !== thread) return false;
      const returned = fault.vector === BREAKPOINT_VECTOR && ((fault.eip - 1) >>> 0) === TRAMPOLINE;
      finish(returned ? { ok: true, value: cpu.reg(Reg.EAX) } : { ok: false, fault });
      return true;
    };
    runner.interceptors.push(claim);
    const timer = setTimeout(() => {
      cpu.stop();
      finish({ ok: false, timedOutMs: timeoutMs });
    }, timeoutMs);
    runner.kick();
  });
}
