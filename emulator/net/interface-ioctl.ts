// Network interface ioctls on a socket (SIOCGIF*): what ifconfig,
// if_nametoindex and `ip` ask the kernel. struct ifreq is 32 bytes on i386
// and 40 on x86-64 (its union holds a struct ifmap of longs), but every
// query answered here keeps its value in the first 16 bytes of the union,
// at the same offset in both; struct ifconf holds a pointer and an array of
// ifreqs, so SIOCGIFCONF is rebuilt entry by entry. Requests that configure
// an interface are refused (EPERM) like any change the sandbox does not
// allow.
import { EPERM } from '../abi/errno.js';
import { hostIoctl } from '../host/file-calls.js';
import { withNativeBuffer } from '../host/native.js';
import type { SyscallContext } from '../syscalls/types.js';

const SIOCGIFCONF = 0x8912;
/** Queries whose answer fits the first 16 bytes of the ifreq union. */
const QUERIES = new Set([
  0x8910, // SIOCGIFNAME
  0x8913, // SIOCGIFFLAGS
  0x8915, // SIOCGIFADDR
  0x8917, // SIOCGIFDSTADDR
  0x8919, // SIOCGIFBRDADDR
  0x891b, // SIOCGIFNETMASK
  0x891d, // SIOCGIFMETRIC
  0x8921, // SIOCGIFMTU
  0x8927, // SIOCGIFHWADDR
  0x8933, // SIOCGIFINDEX
  0x8935, // SIOCGIFPFLAGS
  0x8942, // SIOCGIFTXQLEN
]);
/** Requests that change the host's interfaces, routes or ARP table (SIOCADDRT, SIOCSIF*, SIOCSARP...). */
const CHANGES = new Set([
  0x890b, 0x890c, 0x8911, 0x8914, 0x8916, 0x8918, 0x891a, 0x891c, 0x891e, 0x8920, 0x8922, 0x8923, 0x8924,
  0x8931, 0x8932, 0x8934, 0x8936, 0x8937, 0x8943, 0x8953, 0x8955, 0x8960, 0x8962, 0x8971,
]);

const GUEST_IFREQ = 32;
const HOST_IFREQ = 40;

/** The answer to an interface request, or null when `req` is not one. */
export function interfaceIoctl(ctx: SyscallContext, hostFd: number, req: number, arg: number): number | null {
  if (QUERIES.has(req)) return query(ctx, hostFd, req, arg);
  if (req === SIOCGIFCONF) return interfaceList(ctx, hostFd, arg);
  if (CHANGES.has(req)) return -EPERM;
  return null;
}

function query(ctx: SyscallContext, hostFd: number, req: number, arg: number): number {
  const ifr = Buffer.alloc(HOST_IFREQ);
  ifr.set(ctx.mem.readable(arg, GUEST_IFREQ));
  ctx.mem.check(arg, GUEST_IFREQ, 2);
  const r = hostIoctl(hostFd, req, ifr);
  ctx.mem.write(arg, ifr.subarray(0, GUEST_IFREQ));
  return r;
}

/** SIOCGIFCONF: struct ifconf { int len; struct ifreq *req; } is 8 bytes here, 16 on the host. */
function interfaceList(ctx: SyscallContext, hostFd: number, arg: number): number {
  const guestLen = ctx.mem.i32(arg);
  const guestBuf = ctx.mem.u32(arg + 4);
  const count = guestBuf === 0 ? 0 : Math.max(0, Math.floor(guestLen / GUEST_IFREQ));
  if (count > 0) ctx.mem.check(guestBuf, count * GUEST_IFREQ, 2);
  return withNativeBuffer(16 + Math.max(1, count) * HOST_IFREQ, (bytes, base) => {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    view.setInt32(0, count * HOST_IFREQ, true);
    view.setBigUint64(8, count > 0 ? base + 16n : 0n, true);
    const r = hostIoctl(hostFd, SIOCGIFCONF, Number(base));
    const entries = Math.floor(view.getInt32(0, true) / HOST_IFREQ);
    for (let i = 0; i < Math.min(entries, count); i++) {
      const from = 16 + i * HOST_IFREQ;
      ctx.mem.write(guestBuf + i * GUEST_IFREQ, bytes.subarray(from, from + GUEST_IFREQ));
    }
    ctx.mem.setI32(arg, entries * GUEST_IFREQ);
    return r;
  });
}

