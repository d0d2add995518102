// Building a signal frame on the guest's stack and taking it down again at
// sigreturn, the way arch/x86/kernel/signal_32.c does for i386 programs.
import type { Process, SignalAction } from '../process.js';
import type { Thread } from '../thread.js';
import type { CpuContext } from './context.js';
import type { SignalInfo } from './post.js';
import {
  SIGFRAME, RT_SIGFRAME, UCONTEXT, SIGRETURN_CODE, RT_SIGRETURN_CODE, SIGCONTEXT_SIZE, FPSTATE_SIZE, FXSAVE_SIZE,
  SigContext, encodeSigcontext, decodeSigcontext, encodeFpstate, decodeFpstate, initialFpuState,
} from '../abi/signal-frame.js';
import { encodeSiginfo } from '../abi/siginfo.js';
import { SA_ONSTACK, SA_RESTORER, SA_SIGINFO, SIGSEGV, SS_AUTODISARM, SS_ONSTACK, UNBLOCKABLE } from '../abi/signal.js';
import { altStackState, disarmAltStack, setAltStack, withinAltStack } from './altstack.js';

const EFLAGS_TF = 0x100;
const EFLAGS_DF = 0x400;
const EFLAGS_RF = 0x10000;
/** EFLAGS bits sigreturn takes from the frame (FIX_EFLAGS). */
const FIX_EFLAGS = 0x40000 | 0x800 | 0x400 | 0x100 | 0x80 | 0x40 | 0x10 | 0x4 | 0x1 | 0x10000;

export interface FrameRequest {
  sig: number;
  info: SignalInfo;
  action: SignalAction;
  /** Blocked mask to restore when the handler returns. */
  savedMask: bigint;
}

const lo32 = (m: bigint): number => Number(m & 0xffffffffn);
const hi32 = (m: bigint): number => Number((m >> 32n) & 0xffffffffn);

function u32le(x: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, x >>> 0, true);
  return b;
}

function sigcontextOf(c: CpuContext, info: SignalInfo, fpstate: number, oldmask: number): SigContext {
  return {
    gs: c.gs, fs: c.fs, es: c.es, ds: c.ds,
    edi: c.edi, esi: c.esi, ebp: c.ebp, esp: c.esp, ebx: c.ebx, edx: c.edx, ecx: c.ecx, eax: c.eax,
    trapno: info.trapno ?? 0, err: info.errorCode ?? 0, eip: c.eip, cs: c.cs,
    eflags: c.eflags, espAtSignal: c.esp, ss: c.ss,
    fpstate, oldmask, cr2: info.signo === SIGSEGV ? (info.addr ?? 0) : 0,
  };
}

/**
 * Push a frame for `req` and point `c` at the handler. Returns false when the
 * frame cannot be written (bad stack, overflowed alternate stack): the caller
 * then kills the process with SIGSEGV, as the kernel's force_sigsegv does.
 */
export function setupFrame(proc: Process, thread: Thread, c: CpuContext, req: FrameRequest): boolean {
  const { sig, info, action } = req;
  const rt = (action.flags & SA_SIGINFO) !== 0;
  const mem = proc.mem;
  let sp = c.esp >>> 0;
  const nested = altStackState(thread, sp) === SS_ONSTACK;
  let entering = false;
  if ((action.flags & SA_ONSTACK) !== 0 && altStackState(thread, sp) === 0) {
    sp = (thread.altStack.sp + thread.altStack.size) >>> 0;
    entering = true;
  }
  // fpu__alloc_mathframe: the FXSAVE image 64-byte aligned, the FSAVE header below it
  const fxsave = (sp - FXSAVE_SIZE) & ~63;
  const fpstate = (fxsave - (FPSTATE_SIZE - FXSAVE_SIZE)) >>> 0;
  const size = rt ? RT_SIGFRAME.size : SIGFRAME.size;
  // i386 ABI: on handler entry, (esp + 4) is 16-byte aligned
  const frame = (((fpstate - size + 4) & ~15) - 4) >>> 0;
  if ((nested || entering) && !withinAltStack(thread, frame)) return false;

  // without SA_RESTORER the handler returns into the vDSO's sigreturn code
  // (the retcode on the stack only where there is no such page: the stack is not executable)
  const stubs = proc.sigreturnStubs;
  const restorer = (action.flags & SA_RESTORER) !== 0 ? action.restorer
    : stubs ? (rt ? stubs.rtSigreturn : stubs.sigreturn) : frame + (rt ? RT_SIGFRAME.retcode : SIGFRAME.retcode);
  const sc = encodeSigcontext(sigcontextOf(c, info, fpstate, lo32(req.savedMask)));
  try {
    mem.write(fpstate, encodeFpstate(c.fpu));
    mem.write(frame + 0, u32le(restorer));
    mem.write(frame + 4, u32le(sig));
    if (rt) {
      const uc = frame + RT_SIGFRAME.uc;
      // the kernel saves sas_ss_flags as last set, not the state sigaltstack() computes
      const stack = { ...thread.altStack };
      mem.write(frame + RT_SIGFRAME.pinfo, u32le(frame + RT_SIGFRAME.info));
      mem.write(frame + RT_SIGFRAME.puc, u32le(uc));
      mem.write(frame + RT_SIGFRAME.info, encodeSiginfo(info));
      mem.write(uc + UCONTEXT.flags, u32le(0));
      mem.write(uc + UCONTEXT.link, u32le(0));
      mem.write(uc + UCONTEXT.stackSp, u32le(stack.sp));
      mem.write(uc + UCONTEXT.stackFlags, u32le(stack.flags));
      mem.write(uc + UCONTEXT.stackSize, u32le(stack.size));
      mem.write(uc + UCONTEXT.mcontext, sc);
      mem.write(uc + UCONTEXT.sigmask, u32le(lo32(req.savedMask)));
      mem.write(uc + UCONTEXT.sigmask + 4, u32le(hi32(req.savedMask)));
      mem.write(frame + RT_SIGFRAME.retcode, RT_SIGRETURN_CODE);
    } else {
      mem.write(frame + SIGFRAME.sc, sc);
      mem.write(frame + SIGFRAME.extramask, u32le(hi32(req.savedMask)));
      mem.write(frame + SIGFRAME.retcode, SIGRETURN_CODE);
    }
  } catch {
    return false;
  }
  if ((action.flags & SA_RESTORER) === 0 && !stubs) {
    // the handler returns into the retcode just written on the stack
    const at = frame + (rt ? RT_SIGFRAME.retcode : SIGFRAME.retcode);
    proc.machine.invalidateCode(at, at + 8);
  }
  if ((thread.altStack.flags & SS_AUTODISARM) !== 0) disarmAltStack(thread);

  c.esp = frame;
  c.eip = action.handler >>> 0;
  // -mregparm=3 handlers take their arguments in registers
  c.eax = sig;
  c.edx = rt ? frame + RT_SIGFRAME.info : 0;
  c.ecx = rt ? frame + RT_SIGFRAME.uc : 0;
  c.eflags = (c.eflags & ~(EFLAGS_DF | EFLAGS_RF | EFLAGS_TF)) >>> 0;
  c.ds = c.ss;
  c.es = c.ss;
  c.fpu = initialFpuState();
  return true;
}

export interface Restored {
  context: CpuContext;
  mask: bigint;
}

/**
 * Read back the frame sigreturn (rt = false) or rt_sigreturn (rt = true)
 * finds just above the stack pointer `esp`. EFLAGS bits outside FIX_EFLAGS
 * keep their current value `eflags`. Throws LinuxError(EFAULT) on a bad frame.
 */
export function restoreFrame(proc: Process, thread: Thread, esp: number, eflags: number, rt: boolean): Restored {
  const mem = proc.mem;
  // the handler's ret popped pretcode; the sigframe restorer also popped sig
  const frame = (esp - (rt ? 4 : 8)) >>> 0;
  const uc = frame + RT_SIGFRAME.uc;
  const sc = decodeSigcontext(mem.readable(rt ? uc + UCONTEXT.mcontext : frame + SIGFRAME.sc, SIGCONTEXT_SIZE));
  const mask = rt ? mem.u64(uc + UCONTEXT.sigmask) : BigInt(sc.oldmask) | (BigInt(mem.u32(frame + SIGFRAME.extramask)) << 32n);
  const fpu = sc.fpstate === 0 ? initialFpuState() : decodeFpstate(mem.readable(sc.fpstate, FPSTATE_SIZE));
  const context: CpuContext = {
    eax: sc.eax, ebx: sc.ebx, ecx: sc.ecx, edx: sc.edx, esi: sc.esi, edi: sc.edi, ebp: sc.ebp, esp: sc.esp,
    eip: sc.eip, eflags: ((eflags & ~FIX_EFLAGS) | (sc.eflags & FIX_EFLAGS)) >>> 0,
    cs: sc.cs, ss: sc.ss, ds: sc.ds, es: sc.es, fs: sc.fs, gs: sc.gs, fpu,
  };
  if (rt) {
    const ss = { sp: mem.u32(uc + UCONTEXT.stackSp), flags: mem.u32(uc + UCONTEXT.stackFlags), size: mem.u32(uc + UCONTEXT.stackSize) };
    // like compat_restore_altstack: only a fault counts, other refusals are ignored
    setAltStack(thread, ss, context.esp);
  }
  return { context, mask: mask & ~UNBLOCKABLE };
}
