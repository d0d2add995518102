// Signals as strace prints them: signal sets ("[USR1 TERM]", "~[RT_1]"),
// sigprocmask's how, sigaction flags, and siginfo codes.
import { signalName } from '../faults/fault.js';
import { flags, named, type Xlat } from './xlat.js';

/** A set member's name: the signal's without "SIG", RTMIN, RT_n. */
function memberName(sig: number): string {
  if (sig < 32) return signalName(sig).replace(/^SIG/, '');
  return sig === 32 ? 'RTMIN' : `RT_${sig - 32}`;
}

/**
 * A 64-signal set: its members, or "~[...]" with the members missing when
 * two thirds or more are present, as strace does.
 */
export function signalSet(set: bigint): string {
  const bits = BigInt.asUintN(64, set);
  let count = 0;
  for (let b = bits; b !== 0n; b &= b - 1n) count++;
  const inverted = count >= Math.floor((64 * 2) / 3);
  const shown = inverted ? BigInt.asUintN(64, ~bits) : bits;
  const names: string[] = [];
  for (let i = 0; i < 64; i++) if ((shown >> BigInt(i)) & 1n) names.push(memberName(i + 1));
  return `${inverted ? '~' : ''}[${names.join(' ')}]`;
}

const HOW: Xlat = [['SIG_BLOCK', 0], ['SIG_UNBLOCK', 1], ['SIG_SETMASK', 2]];

export const sigprocmaskHow = (v: number): string => named(v, HOW);

const SA_FLAGS: Xlat = [
  ['SA_RESTORER', 0x04000000], ['SA_ONSTACK', 0x08000000], ['SA_RESTART', 0x10000000], ['SA_INTERRUPT', 0x20000000],
  ['SA_NODEFER', 0x40000000], ['SA_RESETHAND', 0x80000000], ['SA_SIGINFO', 0x4], ['SA_NOCLDSTOP', 0x1],
  ['SA_NOCLDWAIT', 0x2],
];

export const sigactionFlags = (v: number): string => flags(v, SA_FLAGS);

/** A handler: SIG_DFL, SIG_IGN, or its address. */
export function handlerName(v: number): string {
  if (v === 0) return 'SIG_DFL';
  if (v === 1) return 'SIG_IGN';
  return '0x' + (v >>> 0).toString(16);
}

const SI_CODES: Xlat = [
  ['SI_USER', 0], ['SI_KERNEL', 0x80], ['SI_QUEUE', -1], ['SI_TIMER', -2], ['SI_MESGQ', -3], ['SI_ASYNCIO', -4],
  ['SI_SIGIO', -5], ['SI_TKILL', -6], ['SI_DETHREAD', -7], ['SI_ASYNCNL', -60],
];

const CODES_BY_SIGNAL: Record<number, readonly string[]> = {
  4: ['ILL_ILLOPC', 'ILL_ILLOPN', 'ILL_ILLADR', 'ILL_ILLTRP', 'ILL_PRVOPC', 'ILL_PRVREG', 'ILL_COPROC', 'ILL_BADSTK', 'ILL_BADIADDR'],
  5: ['TRAP_BRKPT', 'TRAP_TRACE', 'TRAP_BRANCH', 'TRAP_HWBKPT', 'TRAP_UNK', 'TRAP_PERF'],
  7: ['BUS_ADRALN', 'BUS_ADRERR', 'BUS_OBJERR', 'BUS_MCEERR_AR', 'BUS_MCEERR_AO'],
  8: ['FPE_INTDIV', 'FPE_INTOVF', 'FPE_FLTDIV', 'FPE_FLTOVF', 'FPE_FLTUND', 'FPE_FLTRES', 'FPE_FLTINV', 'FPE_FLTSUB', 'FPE_FLTUNK', 'FPE_CONDTRAP'],
  11: ['SEGV_MAPERR', 'SEGV_ACCERR', 'SEGV_BNDERR', 'SEGV_PKUERR', 'SEGV_ACCADI', 'SEGV_ADIDERR', 'SEGV_ADIPERR', 'SEGV_MTEAERR', 'SEGV_MTESERR'],
  17: ['CLD_EXITED', 'CLD_KILLED', 'CLD_DUMPED', 'CLD_TRAPPED', 'CLD_STOPPED', 'CLD_CONTINUED'],
  29: ['POLL_IN', 'POLL_OUT', 'POLL_MSG', 'POLL_ERR', 'POLL_PRI', 'POLL_HUP'],
  31: ['SYS_SECCOMP', 'SYS_USER_DISPATCH'],
};

/** si_code: a generic code (SI_USER...) or the signal's own (SEGV_MAPERR...). */
export function siCode(sig: number, code: number): string {
  if (code > 0 && code < 0x80) {
    const own = CODES_BY_SIGNAL[sig]?.[code - 1];
    if (own) return own;
  }
  return named(code, SI_CODES);
}
