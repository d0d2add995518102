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

/** Where each process's trampoline page is (a page of int3 the call returns into). */
const trampolines = new WeakMap<object, number>();
/** Stack the call leaves alone below the interrupted frame (like a signal frame would). */
const STACK_GAP = 512;
const BREAKPOINT_VECTOR = 3;

export type GuestCallResult =
  | { ok: true; value: number }
  | { ok: false; fault: CpuFault }
  | { ok: false; timedOutMs: number };

/**
 * The process's trampoline page: a free page of the guest's address space
 * chosen as mmap would (like the kernel's vDSO, it shows in the maps as
 * [dsu]), made again if the guest unmapped or replaced it. It must not be a
 * page dsu keeps for itself: the descriptor tables sit above the guest's
 * range, and an int3 fill there once overwrote the GDT.
 */
function ensureTrampoline(runner: Runner): number {
  const space = runner.proc.space;
  const known = trampolines.get(space);
  if (known !== undefined && space.regionAt(known)?.name === '[dsu]') return known;
  const at = space.findFree(4096);
  if (at === null) throw new Error('no free page in the guest for the call\'s return');
  space.map(at, 4096, 5, 'image', '[dsu]', { fill: (b) => b.fill(0xcc) });
  trampolines.set(space, at);
  return at;
}

/**
 * Call `fn(args...)` (cdecl) on `thread` and wait for it to return. The
 * caller holds the runner (runner.hold()) so that the program itself does
 * not run meanwhile.
 */
export function callInGuest(runner: Runner, thread: Thread, fn: number, args: number[], timeoutMs: number): Promise<GuestCallResult> {
  const proc = runner.proc;
  const cpu = proc.machine.cpu;
  const trampoline = ensureTrampoline(runner);
  runner.lend(thread);

  let esp = (cpu.reg(Reg.ESP) - STACK_GAP) >>> 0;
  esp -= esp % 16;
  esp -= 4 * args.length;
  esp -= esp % 16;
  const view = proc.space.memory.view;
  args.forEach((a, i) => view.setUint32(esp + 4 * i, a >>> 0, true));
  esp -= 4;
  view.setUint32(esp, trampoline, true);
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
      const returned = fault.vector === BREAKPOINT_VECTOR && ((fault.eip - 1) >>> 0) === trampoline;
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
