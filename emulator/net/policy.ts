// The guest's network sandbox: what a guest address becomes on the host.
// By default the guest binds and connects on loopback only: a bind to any
// address (0.0.0.0 and :: included) is served on loopback unless the user
// exposed it, and connections beyond loopback fail with ENETUNREACH unless
// allowed. Unix-domain paths live inside the guest's root.
import { EAFNOSUPPORT, EINVAL, ENETUNREACH, LinuxError } from '../abi/errno.js';
import type { Vfs } from '../files/vfs.js';
import { AF_NETLINK, netlinkAddress } from './netlink.js';
import { checkAbstractName, unixHostPath } from '../files/unix-socket-path.js';

export const AF_UNSPEC = 0;
export const AF_UNIX = 1;
export const AF_INET = 2;
export const AF_INET6 = 10;

export interface NetPolicy {
  /** Serve guest listening sockets on the addresses they ask for (all interfaces for 0.0.0.0). */
  exposeBinds: boolean;
  /** Allow connections and datagrams to non-loopback destinations. */
  allowOutbound: boolean;
  /** Allow Unix sockets in the abstract namespace (shared with the whole host; also allowed by exposeBinds). */
  allowAbstractUnix?: boolean;
}

export const LOOPBACK_ONLY: NetPolicy = { exposeBinds: false, allowOutbound: false };

export function family(addr: Uint8Array): number {
  if (addr.length < 2) throw new LinuxError(EINVAL, 'address too short');
  return addr[0] | (addr[1] << 8);
}

function isLoopback4(addr: Uint8Array): boolean {
  return addr[4] === 127;
}

function isLoopback6(addr: Uint8Array): boolean {
  const a = addr.subarray(8, 24);
  const zeroPrefix = (n: number): boolean => a.subarray(0, n).every((x) => x === 0);
  if (zeroPrefix(15) && a[15] === 1) return true; // ::1
  return zeroPrefix(10) && a[10] === 0xff && a[11] === 0xff && a[12] === 127; // ::ffff:127.x.x.x
}

export function isAny6(addr: Uint8Array): boolean {
  return addr.subarray(8, 24).every((x) => x === 0);
}

function loopback4(addr: Uint8Array): Uint8Array {
  const out = Uint8Array.from(addr.subarray(0, 16));
  out.set([127, 0, 0, 1], 4);
  return out;
}

function loopback6(addr: Uint8Array): Uint8Array {
  const out = Uint8Array.from(addr.subarray(0, 28));
  out.fill(0, 8, 24);
  out[23] = 1;
  return out;
}

/** A Unix-domain address with its path resolved inside the guest root. */
function unixAddress(addr: Uint8Array, vfs: Vfs, forBind: boolean, policy: NetPolicy): Uint8Array {
  const path = addr.subarray(2);
  const nul = path.indexOf(0);
  if (path.length === 0) return addr; // unnamed
  if (nul === 0) {
    checkAbstractName(policy.exposeBinds || policy.allowAbstractUnix === true);
    return addr;
  }
  const guestPath = Buffer.from(path.subarray(0, nul < 0 ? path.length : nul)).toString('utf8');
  const hostPath = Buffer.from(unixHostPath(vfs, guestPath, forBind), 'utf8');
  const out = new Uint8Array(2 + hostPath.length + 1);
  out.set(addr.subarray(0, 2));
  out.set(hostPath, 2);
  return out;
}

/** Host address for a guest bind(). */
export function bindAddress(addr: Uint8Array, policy: NetPolicy, vfs: Vfs): Uint8Array {
  switch (family(addr)) {
    case AF_UNIX:
      return unixAddress(addr, vfs, true, policy);
    case AF_INET:
      if (addr.length < 16) throw new LinuxError(EINVAL);
      return policy.exposeBinds || isLoopback4(addr) ? addr.subarray(0, 16) : loopback4(addr);
    case AF_INET6:
      if (addr.length < 24) throw new LinuxError(EINVAL);
      return policy.exposeBinds || isLoopback6(addr) ? addr : loopback6(addr);
    case AF_NETLINK:
      return netlinkAddress(addr);
    default:
      throw new LinuxError(EAFNOSUPPORT);
  }
}

/** Host address for a guest connect()/sendto() destination. */
export function destinationAddress(addr: Uint8Array, policy: NetPolicy, vfs: Vfs): Uint8Array {
  switch (family(addr)) {
    case AF_UNSPEC:
      return addr; // connect(AF_UNSPEC) dissolves an association
    case AF_UNIX:
      return unixAddress(addr, vfs, false, policy);
    case AF_INET: {
      if (addr.length < 16) throw new LinuxError(EINVAL);
      const any = addr[4] === 0 && addr[5] === 0 && addr[6] === 0 && addr[7] === 0;
      if (any) return loopback4(addr);
      if (!isLoopback4(addr) && !policy.allowOutbound) throw new LinuxError(ENETUNREACH, 'outside loopback');
      return addr.subarray(0, 16);
    }
    case AF_INET6:
      if (addr.length < 24) throw new LinuxError(EINVAL);
      if (isAny6(addr)) return loopback6(addr);
      if (!isLoopback6(addr) && !policy.allowOutbound) throw new LinuxError(ENETUNREACH, 'outside loopback');
      return addr;
    case AF_NETLINK:
      return netlinkAddress(addr);
    default:
      throw new LinuxError(EAFNOSUPPORT);
  }
}
