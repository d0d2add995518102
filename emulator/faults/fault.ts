// CPU exceptions and engine errors, translated into the signal Linux would
// send for them, with the siginfo and sigcontext fields the kernel fills:
// si_code and si_addr, the trap number and the hardware error code
// (arch/x86/kernel/traps.c, fault.c and fpu/core.c for a 32-bit process on
// a 64-bit kernel).
import { Cpu } from '../engine/cpu.js';
import type { CpuStateFields, ExceptionDetails } from '../engine/cpu-state.js';
import { Reg, UcErr, UC_ERR_NAMES } from '../engine/unicorn-consts.js';

const SIGILL = 4;
const SIGTRAP = 5;
export const SIGBUS = 7;
const SIGFPE = 8;
export const SIGSEGV = 11;

export interface CpuFault {
  signal: number;
  /** si_code (SEGV_MAPERR, FPE_INTDIV, SI_KERNEL...). */
  code: number;
  /** si_addr: the faulting data address, the instruction, or 0, as the kernel reports it. */
  address: number;
  /** Where the guest stopped: the sigcontext's EIP (past a trap, at a fault). */
  eip: number;
  /** Short cause, e.g. "page fault", "divide error". */
  cause: string;
  /** The CPU exception vector (14 = page fault, 3 = int3, 13 = #GP), or -1 for an engine error. */
  vector?: number;
  /** sigcontext.trapno. */
  trapno: number;
  /** sigcontext.err: the exception's error code (page-fault bits, a selector). */
  errorCode: number;
}

const SEGV_MAPERR = 1;
const SEGV_ACCERR = 2;
const FPE_INTDIV = 1;
const FPE_FLTDIV = 3;
const FPE_FLTOVF = 4;
const FPE_FLTUND = 5;
const FPE_FLTRES = 6;
const FPE_FLTINV = 7;
const ILL_ILLOPN = 2;
const TRAP_TRACE = 2;
const BUS_ADRALN = 1;
const SI_KERNEL = 0x80;

/** The page-fault error code's "present" bit (user 4, write 2, instruction fetch 0x10). */
const PF_PRESENT = 1;

/**
 * si_code of an x87 (#MF) or SSE (#XM) exception: the first unmasked
 * exception flag in the kernel's order (fpu__exception_code).
 */
function floatingPointCode(flags: number): number {
  if (flags & 0x001) return FPE_FLTINV;
  if (flags & 0x004) return FPE_FLTDIV;
  if (flags & 0x008) return FPE_FLTOVF;
  if (flags & 0x012) return FPE_FLTUND;
  if (flags & 0x020) return FPE_FLTRES;
  return 0;
}

function x87Code(cpu: Cpu): number {
  const fsw = cpu.reg(Reg.FPSW) & 0xffff;
  const fcw = cpu.reg(Reg.FPCW) & 0xffff;
  return floatingPointCode(fsw & ~fcw);
}

function sseCode(cpu: Cpu): number {
  const mxcsr = cpu.reg(Reg.MXCSR);
  return floatingPointCode(~(mxcsr >>> 7) & mxcsr);
}

/**
 * The fault for CPU exception `intno`, read right after the engine raised
 * it. `fields` gives the error code and tells an `int N` instruction from an
 * exception the CPU raised; without them (an unknown engine build) both are
 * guessed from the vector.
 */
export function faultFromInterrupt(intno: number, cpu: Cpu, fields: CpuStateFields | null): CpuFault {
  const details: ExceptionDetails = fields?.exception() ?? { errorCode: 0, software: intno === 3 || intno === 4, nextEip: 0 };
  const fault = faultOfVector(intno, cpu, details);
  // the exception the kernel saw: int $N through a closed gate is a #GP
  return { ...fault, vector: fault.trapno };
}

type Fault = Omit<CpuFault, 'vector'>;

/**
 * int3, into and int $N. Linux opens only the gates of 3, 4 and 0x80 (the
 * syscall, handled before this) to user mode; those trap with EIP past the
 * instruction.
 */
function softwareInterrupt(intno: number, eip: number): Fault {
  if (intno === 3) return { signal: SIGTRAP, code: SI_KERNEL, address: 0, eip, cause: 'breakpoint', trapno: 3, errorCode: 0 };
  if (intno === 4) return { signal: SIGSEGV, code: SI_KERNEL, address: 0, eip, cause: 'overflow (into)', trapno: 4, errorCode: 0 };
  // a gate the kernel keeps closed to user mode: #GP at the int instruction,
  // with the IDT bit in the error code
  const at = (eip - 2) >>> 0;
  const cause = `int 0x${intno.toString(16)} (not open to user mode)`;
  return { signal: SIGSEGV, code: SI_KERNEL, address: 0, eip: at, cause, trapno: 13, errorCode: ((intno << 3) | 2) >>> 0 };
}

function faultOfVector(intno: number, cpu: Cpu, d: ExceptionDetails): Fault {
  const eip = cpu.reg(Reg.EIP);
  if (d.software) return softwareInterrupt(intno, eip);
  const err = d.errorCode;
  const segv = (cause: string, trapno: number): Fault => ({ signal: SIGSEGV, code: SI_KERNEL, address: 0, eip, cause, trapno, errorCode: trapno === 13 ? err : 0 });
  switch (intno) {
    case 0: return { signal: SIGFPE, code: FPE_INTDIV, address: eip, eip, cause: 'integer divide error', trapno: 0, errorCode: 0 };
    case 1: return { signal: SIGTRAP, code: TRAP_TRACE, address: eip, eip, cause: 'single step', trapno: 1, errorCode: 0 };
    case 5: return segv('bound range exceeded', 5);
    case 6: return { signal: SIGILL, code: ILL_ILLOPN, address: eip, eip, cause: 'illegal instruction', trapno: 6, errorCode: 0 };
    case 10: return { ...segv('invalid TSS', 10), errorCode: err };
    case 11: return { signal: SIGBUS, code: SI_KERNEL, address: 0, eip, cause: 'segment not present', trapno: 11, errorCode: err };
    case 12: return { signal: SIGBUS, code: SI_KERNEL, address: 0, eip, cause: 'stack segment fault', trapno: 12, errorCode: err };
    case 13: return segv('general protection fault', 13);
    case 14: return { signal: SIGSEGV, code: SEGV_MAPERR, address: cpu.reg(Reg.CR2), eip, cause: 'invalid memory access', trapno: 14, errorCode: err };
    case 16: return { signal: SIGFPE, code: x87Code(cpu), address: eip, eip, cause: 'floating-point exception', trapno: 16, errorCode: 0 };
    case 17: return { signal: SIGBUS, code: BUS_ADRALN, address: eip, eip, cause: 'alignment check', trapno: 17, errorCode: 0 };
    case 19: return { signal: SIGFPE, code: sseCode(cpu), address: eip, eip, cause: 'SIMD floating-point exception', trapno: 19, errorCode: 0 };
    default: return segv(`CPU exception ${intno}`, intno);
  }
}

export function faultFromEngineError(err: number, cpu: Cpu): CpuFault {
  const eip = cpu.reg(Reg.EIP);
  if (err === UcErr.INSN_INVALID) {
    return { signal: SIGILL, code: ILL_ILLOPN, address: eip, eip, cause: 'illegal instruction', vector: 6, trapno: 6, errorCode: 0 };
  }
  const name = UC_ERR_NAMES[err] ?? String(err);
  const code = err === UcErr.WRITE_PROT || err === UcErr.READ_PROT || err === UcErr.FETCH_PROT ? SEGV_ACCERR : SEGV_MAPERR;
  return { signal: SIGSEGV, code, address: 0, eip, cause: `engine error ${name}`, vector: -1, trapno: 0, errorCode: 0 };
}

/**
 * A page fault inside a mapping is a protection fault (SEGV_ACCERR);
 * outside every mapping it is SEGV_MAPERR, and the page counts as absent
 * (the machine's own supervisor pages above TASK_SIZE included).
 */
export function refineAccessFault(fault: CpuFault, mapped: boolean): CpuFault {
  if (fault.signal !== SIGSEGV || fault.vector !== 14) return fault;
  return { ...fault, code: mapped ? SEGV_ACCERR : SEGV_MAPERR, errorCode: mapped ? fault.errorCode : fault.errorCode & ~PF_PRESENT };
}

/** A load or store to a page of a shared file mapping that lies past the end of the file. */
export function beyondEndOfFile(fault: CpuFault): CpuFault {
  const BUS_ADRERR = 2;
  return { ...fault, signal: SIGBUS, code: BUS_ADRERR, cause: 'access beyond the end of a mapped file' };
}

const SIGNAL_NAMES: Record<number, string> = {
  1: 'SIGHUP', 2: 'SIGINT', 3: 'SIGQUIT', 4: 'SIGILL', 5: 'SIGTRAP', 6: 'SIGABRT', 7: 'SIGBUS', 8: 'SIGFPE',
  9: 'SIGKILL', 10: 'SIGUSR1', 11: 'SIGSEGV', 12: 'SIGUSR2', 13: 'SIGPIPE', 14: 'SIGALRM', 15: 'SIGTERM',
  16: 'SIGSTKFLT', 17: 'SIGCHLD', 18: 'SIGCONT', 19: 'SIGSTOP', 20: 'SIGTSTP', 21: 'SIGTTIN', 22: 'SIGTTOU',
  23: 'SIGURG', 24: 'SIGXCPU', 25: 'SIGXFSZ', 26: 'SIGVTALRM', 27: 'SIGPROF', 28: 'SIGWINCH', 29: 'SIGIO',
  30: 'SIGPWR', 31: 'SIGSYS',
};

export function signalName(sig: number): string {
  return SIGNAL_NAMES[sig] ?? (sig >= 34 && sig <= 64 ? `SIGRTMIN+${sig - 34}` : `signal ${sig}`);
}
