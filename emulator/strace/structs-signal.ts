// Signal structures as strace prints them: sigaction (the kernel's i386
// layouts), stack_t, and the siginfo of a delivered signal.
import type { GuestMemory } from '../memory/guest-memory.js';
import { encodeSiginfo, type SiginfoFields } from '../abi/siginfo.js';
import { handlerName, sigactionFlags, signalSet, siCode } from './xlat-signal.js';
import { signalArg } from './xlat.js';
import { pointer } from './quote.js';

const SA_RESTORER = 0x04000000;

/** rt_sigaction's struct: handler, flags, restorer, then the 64-bit mask. */
export function rtSigaction(mem: GuestMemory, p: number): string {
  const handler = mem.u32(p);
  const flags = mem.u32(p + 4);
  const restorer = mem.u32(p + 8);
  const mask = mem.u64(p + 12);
  return sigactionText(handler, mask, flags, restorer);
}

/** The old sigaction's struct: handler, a 32-bit mask, flags, restorer. */
export function oldSigaction(mem: GuestMemory, p: number): string {
  return sigactionText(mem.u32(p), BigInt(mem.u32(p + 4)), mem.u32(p + 8), mem.u32(p + 12));
}

function sigactionText(handler: number, mask: bigint, flags: number, restorer: number): string {
  const restorerText = flags & SA_RESTORER ? `, sa_restorer=${pointer(restorer)}` : '';
  return `{sa_handler=${handlerName(handler)}, sa_mask=${signalSet(mask)}, sa_flags=${sigactionFlags(flags)}${restorerText}}`;
}

const SS_FLAGS: Record<number, string> = { 0: '0', 1: 'SS_ONSTACK', 2: 'SS_DISABLE', 0x80000000: 'SS_AUTODISARM' };

/** stack_t: {ss_sp=0x..., ss_flags=0, ss_size=8192}. */
export function stack(mem: GuestMemory, p: number): string {
  const flags = mem.u32(p + 4);
  return `{ss_sp=${pointer(mem.u32(p))}, ss_flags=${SS_FLAGS[flags] ?? '0x' + flags.toString(16)}, ss_size=${mem.u32(p + 8)}}`;
}

const SIGCHLD = 17;
const SIGILL = 4;
const SIGTRAP = 5;
const SIGBUS = 7;
const SIGFPE = 8;
const SIGSEGV = 11;
const SIGIO = 29;
const SI_USER = 0;
const SI_TIMER = -2;
const SI_SIGIO = -5;
const SI_TKILL = -6;
const CLD_EXITED = 1;

/**
 * A siginfo as strace prints it: the fields the signal's code says are
 * there, read from the siginfo_t the guest is given.
 */
export function siginfoText(info: SiginfoFields): string {
  const raw = encodeSiginfo(info);
  const v = new DataView(raw.buffer);
  const i32 = (off: number): number => v.getInt32(off, true);
  const u32 = (off: number): number => v.getUint32(off, true);
  const fields = [`si_signo=${signalArg(info.signo)}`, `si_code=${siCode(info.signo, info.code)}`];
  if (info.errno) fields.push(`si_errno=${info.errno}`);
  const source = (): void => {
    fields.push(`si_pid=${i32(12)}`, `si_uid=${u32(16)}`);
  };
  const value = (): void => {
    fields.push(`si_int=${i32(20)}`, `si_ptr=${pointer(u32(20))}`);
  };
  const code = info.code;
  if (code <= 0) {
    if (code === SI_USER || code === SI_TKILL) source();
    else if (code === SI_TIMER) {
      fields.push(`si_timerid=0x${u32(12).toString(16)}`, `si_overrun=${i32(16)}`);
      value();
    } else if (code === SI_SIGIO) fields.push(`si_band=${i32(12)}`, `si_fd=${i32(16)}`);
    else {
      source();
      if (u32(20) !== 0) value();
    }
  } else if (info.signo === SIGCHLD) {
    source();
    fields.push(`si_status=${code === CLD_EXITED ? String(i32(20)) : signalArg(i32(20))}`, `si_utime=${clockTicks(i32(24))}`, `si_stime=${clockTicks(i32(28))}`);
  } else if ([SIGILL, SIGFPE, SIGBUS, SIGSEGV, SIGTRAP].includes(info.signo)) {
    fields.push(`si_addr=${pointer(u32(12))}`);
  } else if (info.signo === SIGIO) {
    if (code >= 1 && code <= 6) fields.push(`si_band=${i32(12)}`, `si_fd=${i32(16)}`);
  } else {
    if (i32(12) !== 0 || u32(16) !== 0) source();
    if (u32(20) !== 0) value();
  }
  return `{${fields.join(', ')}}`;
}

/** A time in clock ticks (USER_HZ, 100 a second), with strace's comment in seconds when not 0. */
function clockTicks(ticks: number): string {
  return ticks === 0 ? '0' : `${ticks} /* ${(ticks / 100).toFixed(2)} s */`;
}
