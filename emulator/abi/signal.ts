// Linux i386 signal ABI: numbers, sigaction flags, sigaltstack flags,
// si_code values, and signal sets (64 bits, signal n is bit n-1).

export const SIGHUP = 1;
export const SIGINT = 2;
export const SIGQUIT = 3;
export const SIGILL = 4;
export const SIGTRAP = 5;
export const SIGABRT = 6;
export const SIGBUS = 7;
export const SIGFPE = 8;
export const SIGKILL = 9;
export const SIGUSR1 = 10;
export const SIGSEGV = 11;
export const SIGUSR2 = 12;
export const SIGPIPE = 13;
export const SIGALRM = 14;
export const SIGTERM = 15;
export const SIGCHLD = 17;
export const SIGCONT = 18;
export const SIGSTOP = 19;
export const SIGTSTP = 20;
export const SIGTTIN = 21;
export const SIGTTOU = 22;
export const SIGURG = 23;
export const SIGXCPU = 24;
export const SIGXFSZ = 25;
export const SIGVTALRM = 26;
export const SIGPROF = 27;
export const SIGWINCH = 28;
export const SIGSYS = 31;
export const SIGRTMIN = 32;
export const NSIG = 64;

export const SIG_DFL = 0;
export const SIG_IGN = 1;

export const SA_NOCLDSTOP = 0x00000001;
export const SA_NOCLDWAIT = 0x00000002;
export const SA_SIGINFO = 0x00000004;
/** Never accepted by the kernel: a program can probe for flag support with it. */
export const SA_UNSUPPORTED = 0x00000400;
export const SA_RESTORER = 0x04000000;
export const SA_ONSTACK = 0x08000000;
export const SA_RESTART = 0x10000000;
export const SA_NODEFER = 0x40000000;
export const SA_RESETHAND = 0x80000000;

export const SIG_BLOCK = 0;
export const SIG_UNBLOCK = 1;
export const SIG_SETMASK = 2;

export const SS_ONSTACK = 1;
export const SS_DISABLE = 2;
export const SS_AUTODISARM = 0x80000000;
/** MINSIGSTKSZ on x86. */
export const MINSIGSTKSZ = 2048;

// si_code values
export const SI_USER = 0;
export const SI_KERNEL = 0x80;
export const SI_QUEUE = -1;
export const SI_TIMER = -2;
export const SI_MESGQ = -3;
export const SI_ASYNCIO = -4;
export const SI_SIGIO = -5;
export const SI_TKILL = -6;

/** The sigset_t the rt_* syscalls accept (_NSIG / 8). */
export const SIGSET_SIZE = 8;

export const sigbit = (sig: number): bigint => 1n << BigInt(sig - 1);
export const ALL_SIGNALS = (1n << 64n) - 1n;
/** SIGKILL and SIGSTOP can be neither blocked nor caught. */
export const UNBLOCKABLE = sigbit(SIGKILL) | sigbit(SIGSTOP);
/** Signals a CPU exception raises: dequeued before the others. */
export const SYNCHRONOUS = sigbit(SIGSEGV) | sigbit(SIGBUS) | sigbit(SIGILL) | sigbit(SIGTRAP) | sigbit(SIGFPE) | sigbit(SIGSYS);

export const validSignal = (sig: number): boolean => sig >= 1 && sig <= NSIG;

export type DefaultAction = 'terminate' | 'core' | 'ignore' | 'stop' | 'continue';

const CORE = [SIGQUIT, SIGILL, SIGTRAP, SIGABRT, SIGBUS, SIGFPE, SIGSEGV, SIGXCPU, SIGXFSZ, SIGSYS];
const IGNORE = [SIGCHLD, SIGURG, SIGWINCH];
const STOP = [SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU];

export function defaultAction(sig: number): DefaultAction {
  if (CORE.includes(sig)) return 'core';
  if (IGNORE.includes(sig)) return 'ignore';
  if (STOP.includes(sig)) return 'stop';
  if (sig === SIGCONT) return 'continue';
  return 'terminate';
}

/** Lowest signal number in a set, or 0 when it is empty. */
export function lowestSignal(set: bigint): number {
  if (set === 0n) return 0;
  let sig = 1;
  let s = set;
  while ((s & 0xffffffffn) === 0n) {
    s >>= 32n;
    sig += 32;
  }
  while ((s & 1n) === 0n) {
    s >>= 1n;
    sig++;
  }
  return sig;
}
