// Structures strace prints in brief (its default, without -v): stat64 and
// statx, timespecs and itimerspecs, rlimits, user_desc, utsname, and the
// small in/out values ([3, 4] of pipe, [16] of a socklen_t...).
import type { GuestMemory } from '../memory/guest-memory.js';
import { fileMode, statxAttributes, statxMask } from './xlat-fs.js';
import { rlimitValue } from './xlat-process.js';
import { cstringBytes, quote } from './quote.js';

const devText = (major: number, minor: number): string => `makedev(0x${major.toString(16)}, 0x${minor.toString(16)})`;

/** struct stat64: {st_mode=S_IFREG|0644, st_size=123, ...} (st_rdev for devices). */
export function stat64(mem: GuestMemory, p: number): string {
  const mode = mem.u32(p + 16);
  const type = mode & 0o170000;
  let second: string;
  if (type === 0o20000 || type === 0o60000) {
    const rdev = mem.u64(p + 32);
    const major = Number(((rdev >> 8n) & 0xfffn) | ((rdev >> 32n) & ~0xfffn));
    const minor = Number((rdev & 0xffn) | ((rdev >> 12n) & ~0xffn));
    second = `st_rdev=${devText(major, minor)}`;
  } else {
    second = `st_size=${mem.i64(p + 44)}`;
  }
  return `{st_mode=${fileMode(mode)}, ${second}, ...}`;
}

const STATX_TYPE_OR_MODE = 0x3;
const STATX_SIZE = 0x200;

/** struct statx: {stx_mask=..., stx_attributes=0, stx_mode=S_IFREG|0644, stx_size=123, ...}. */
export function statx(mem: GuestMemory, p: number): string {
  const mask = mem.u32(p);
  const fields = [`stx_mask=${statxMask(mask)}`, `stx_attributes=${statxAttributes(mem.u64(p + 8))}`];
  if (mask & STATX_TYPE_OR_MODE) fields.push(`stx_mode=${fileMode(mem.u16(p + 28))}`);
  if (mask & STATX_SIZE) fields.push(`stx_size=${mem.u64(p + 40)}`);
  return `{${fields.join(', ')}, ...}`;
}

/** A timespec: 32-bit fields (the old calls) or 64-bit ones (the _time64 calls). */
export function timespec(mem: GuestMemory, p: number, wide: boolean): string {
  const sec = wide ? mem.i64(p) : BigInt(mem.i32(p));
  const nsec = wide ? Number(BigInt.asIntN(32, mem.i64(p + 8))) : mem.i32(p + 4);
  return `{tv_sec=${sec}, tv_nsec=${nsec}}`;
}

/** A timeval (32-bit fields). */
export function timeval(mem: GuestMemory, p: number): string {
  return `{tv_sec=${mem.i32(p)}, tv_usec=${mem.i32(p + 4)}}`;
}

export function itimerspec(mem: GuestMemory, p: number, wide: boolean): string {
  const size = wide ? 16 : 8;
  return `{it_interval=${timespec(mem, p, wide)}, it_value=${timespec(mem, p + size, wide)}}`;
}

export function itimerval(mem: GuestMemory, p: number): string {
  return `{it_interval=${timeval(mem, p)}, it_value=${timeval(mem, p + 8)}}`;
}

/** struct rlimit (32-bit, ugetrlimit) or rlimit64 (prlimit64). */
export function rlimit(mem: GuestMemory, p: number, wide: boolean): string {
  if (wide) {
    const inf = 0xffffffffffffffffn;
    return `{rlim_cur=${rlimitValue(mem.u64(p), inf)}, rlim_max=${rlimitValue(mem.u64(p + 8), inf)}}`;
  }
  const inf = 0xffffffffn;
  return `{rlim_cur=${rlimitValue(BigInt(mem.u32(p)), inf)}, rlim_max=${rlimitValue(BigInt(mem.u32(p + 4)), inf)}}`;
}

/** struct user_desc as set_thread_area shows it. */
export function userDesc(mem: GuestMemory, p: number): string {
  const bits = mem.u32(p + 12);
  const bit = (n: number): number => (bits >> n) & 1;
  return `{entry_number=${mem.i32(p)}, base_addr=0x${mem.u32(p + 4).toString(16)}, limit=0x${mem.u32(p + 8).toString(16).padStart(6, "0")}, ` +
    `seg_32bit=${bit(0)}, contents=${(bits >> 1) & 3}, read_exec_only=${bit(3)}, limit_in_pages=${bit(4)}, ` +
    `seg_not_present=${bit(5)}, useable=${bit(6)}}`;
}

/** struct utsname in brief: {sysname="Linux", nodename="host", ...}. */
export function utsname(mem: GuestMemory, p: number): string {
  const field = (i: number): string => quote(cstringBytes(mem, p + 65 * i, 64), 64);
  return `{sysname=${field(0)}, nodename=${field(1)}, ...}`;
}

/** An int the call writes or reads: [5]. */
export const intIn = (mem: GuestMemory, p: number): string => `[${mem.i32(p)}]`;

/** Two fds a call returns (pipe, socketpair): [3, 4]. */
export const fdPair = (mem: GuestMemory, p: number): string => `[${mem.i32(p)}, ${mem.i32(p + 4)}]`;
