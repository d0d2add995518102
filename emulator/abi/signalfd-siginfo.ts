// struct signalfd_siginfo (128 bytes, the same on every architecture): what
// a read from a signalfd returns for each signal it dequeues.
import type { SiginfoFields } from './siginfo.js';

export const SIGNALFD_SIGINFO_SIZE = 128;

/**
 * Encode one record. The kernel copies the members of the siginfo union
 * that its layout fills; the emulator's SignalInfo only carries the fields
 * of its layout, so copying the ones present gives the same record.
 */
export function encodeSignalfdSiginfo(f: SiginfoFields): Uint8Array {
  const out = new Uint8Array(SIGNALFD_SIGINFO_SIZE);
  const v = new DataView(out.buffer);
  const u32 = (off: number, x: number | undefined): void => v.setUint32(off, (x ?? 0) >>> 0, true);
  const u64 = (off: number, x: number | undefined): void => v.setBigUint64(off, BigInt((x ?? 0) >>> 0), true);
  u32(0, f.signo); // ssi_signo
  u32(4, f.errno); // ssi_errno
  u32(8, f.code); // ssi_code
  u32(12, f.pid); // ssi_pid
  u32(16, f.uid); // ssi_uid
  u32(20, f.fd); // ssi_fd
  u32(24, f.timerId); // ssi_tid (the POSIX timer's id)
  u32(28, f.band); // ssi_band
  u32(32, f.overrun); // ssi_overrun
  // ssi_trapno (36) stays 0: x86 has no si_trapno
  u32(40, f.status); // ssi_status
  u32(44, f.value); // ssi_int
  u64(48, f.value); // ssi_ptr
  u64(56, f.utime); // ssi_utime
  u64(64, f.stime); // ssi_stime
  u64(72, f.addr); // ssi_addr
  return out;
}
