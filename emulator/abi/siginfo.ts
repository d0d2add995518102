// The i386 siginfo_t (128 bytes): which union member a signal fills depends
// on its number and si_code, as the kernel's siginfo_layout() decides.
import { SIGBUS, SIGCHLD, SIGFPE, SIGILL, SIGSEGV, SIGSYS, SIGTRAP, SI_KERNEL, SI_SIGIO, SI_TIMER } from './signal.js';

export const SIGINFO_SIZE = 128;
const SIGIO = 29;

/** Fields a siginfo_t may carry; absent ones are written as zero. */
export interface SiginfoFields {
  signo: number;
  code: number;
  errno?: number;
  /** Sender (kill, tkill, sigqueue) or child (SIGCHLD). */
  pid?: number;
  uid?: number;
  /** Faulting address (SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP). */
  addr?: number;
  /** sigval of sigqueue and POSIX timers. */
  value?: number;
  timerId?: number;
  overrun?: number;
  /** SIGCHLD */
  status?: number;
  utime?: number;
  stime?: number;
  /** SIGPOLL */
  band?: number;
  fd?: number;
}

type Layout = 'kill' | 'timer' | 'rt' | 'chld' | 'fault' | 'poll' | 'sys';

function layoutOf(sig: number, code: number): Layout {
  if (code > 0 && code < SI_KERNEL) {
    if ([SIGILL, SIGFPE, SIGSEGV, SIGBUS, SIGTRAP].includes(sig)) return 'fault';
    if (sig === SIGCHLD) return 'chld';
    if (sig === SIGSYS) return 'sys';
    return sig === SIGIO || code <= 6 ? 'poll' : 'kill';
  }
  if (code === SI_TIMER) return 'timer';
  if (code === SI_SIGIO) return 'poll';
  return code < 0 ? 'rt' : 'kill';
}

/** Encode a siginfo_t. */
export function encodeSiginfo(f: SiginfoFields): Uint8Array {
  const out = new Uint8Array(SIGINFO_SIZE);
  const v = new DataView(out.buffer);
  v.setInt32(0, f.signo, true);
  v.setInt32(4, f.errno ?? 0, true);
  v.setInt32(8, f.code, true);
  const put = (off: number, x: number | undefined): void => v.setUint32(off, (x ?? 0) >>> 0, true);
  switch (layoutOf(f.signo, f.code)) {
    case 'kill': put(12, f.pid); put(16, f.uid); break;
    case 'rt': put(12, f.pid); put(16, f.uid); put(20, f.value); break;
    case 'timer': put(12, f.timerId); put(16, f.overrun); put(20, f.value); break;
    case 'chld': put(12, f.pid); put(16, f.uid); put(20, f.status); put(24, f.utime); put(28, f.stime); break;
    case 'fault': put(12, f.addr); break;
    case 'poll': put(12, f.band); put(16, f.fd); break;
    case 'sys': put(12, f.addr); break;
  }
  return out;
}

/** Decode a siginfo_t a program passed in (rt_sigqueueinfo). */
export function decodeSiginfo(bytes: Uint8Array): SiginfoFields {
  const v = new DataView(bytes.buffer, bytes.byteOffset, SIGINFO_SIZE);
  const signo = v.getInt32(0, true);
  const code = v.getInt32(8, true);
  const f: SiginfoFields = { signo, code, errno: v.getInt32(4, true) };
  const u = (off: number): number => v.getUint32(off, true);
  switch (layoutOf(signo, code)) {
    case 'kill': f.pid = u(12); f.uid = u(16); break;
    case 'rt': f.pid = u(12); f.uid = u(16); f.value = u(20); break;
    case 'timer': f.timerId = u(12); f.overrun = u(16); f.value = u(20); break;
    case 'chld': f.pid = u(12); f.uid = u(16); f.status = u(20); f.utime = u(24); f.stime = u(28); break;
    case 'fault': case 'sys': f.addr = u(12); break;
    case 'poll': f.band = u(12); f.fd = u(16); break;
  }
  return f;
}
