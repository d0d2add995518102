// CPU exceptions and engine errors, translated into the signal Linux would
// send for them.
import { Cpu } from '../engine/cpu.js';
import { Reg, UcErr, UC_ERR_NAMES } from '../engine/unicorn-consts.js';

const SIGILL = 4;
const SIGTRAP = 5;
export const SIGBUS = 7;
const SIGFPE = 8;
export const SIGSEGV = 11;

export interface CpuFault {
  signal: number;
  /** si_code (SEGV_MAPERR, FPE_INTDIV...). */
  code: number;
  /** Faulting data address (SIGSEGV/SIGBUS), else the instruction address. */
  address: number;
  eip: number;
  /** Short cause, e.g. "page fault", "divide error". */
  cause: string;
  /** The CPU exception vector (14 = page fault, 3 = int3), or -1 for an engine error. */
  vector?: number;
}

const SEGV_MAPERR = 1;
const SEGV_ACCERR = 2;
const FPE_INTDIV = 1;
const ILL_ILLOPN = 2;
const TRAP_BRKPT = 1;
const SI_KERNEL = 0x80;

export function faultFromInterrupt(intno: number, cpu: Cpu): CpuFault {
  return { ...faultOfVector(intno, cpu), vector: intno };
}

function faultOfVector(intno: number, cpu: Cpu): CpuFault {
  const eip = cpu.reg(Reg.EIP);
  switch (intno) {
    case 0: return { signal: SIGFPE, code: FPE_INTDIV, address: eip, eip, cause: 'integer divide error' };
    case 1: case 3: return { signal: SIGTRAP, code: TRAP_BRKPT, address: eip, eip, cause: 'breakpoint' };
    case 6: return { signal: SIGILL, code: ILL_ILLOPN, address: eip, eip, cause: 'illegal instruction' };
    case 14: return { signal: SIGSEGV, code: SEGV_MAPERR, address: cpu.reg(Reg.CR2), eip, cause: 'invalid memory access' };
    case 16: case 19: return { signal: SIGFPE, code: 0, address: eip, eip, cause: 'floating-point exception' };
    case 17: return { signal: SIGBUS, code: 1, address: eip, eip, cause: 'alignment check' };
    default: return { signal: SIGSEGV, code: SI_KERNEL, address: 0, eip, cause: intno < 32 ? `CPU exception ${intno}` : `int 0x${intno.toString(16)}` };
  }
}

export function faultFromEngineError(err: number, cpu: Cpu): CpuFault {
  const eip = cpu.reg(Reg.EIP);
  if (err === UcErr.INSN_INVALID) return { signal: SIGILL, code: ILL_ILLOPN, address: eip, eip, cause: 'illegal instruction' };
  const name = UC_ERR_NAMES[err] ?? String(err);
  const code = err === UcErr.WRITE_PROT || err === UcErr.READ_PROT || err === UcErr.FETCH_PROT ? SEGV_ACCERR : SEGV_MAPERR;
  return { signal: SIGSEGV, code, address: 0, eip, cause: `engine error ${name}` };
}

export function refineAccessFault(fault: CpuFault, mapped: boolean): CpuFault {
  if (fault.signal !== SIGSEGV || fault.cause !== 'invalid memory access') return fault;
  return { ...fault, code: mapped ? SEGV_ACCERR : SEGV_MAPERR };
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
