// A guest TCP socket bound to the IPv6 wildcard `::` without IPV6_V6ONLY
// accepts IPv4 clients too (as ::ffff:a.b.c.d). Kept on loopback, the host
// socket is bound to ::1, which IPv4 clients cannot reach; so a second host
// socket listens on 127.0.0.1 at the same port, and one host epoll instance
// holding both is what the guest's readiness waits on.
import { host, SOL_SOCKET } from '../host/libc-net.js';
import { EPOLL_CTL_ADD, EPOLLIN } from '../abi/epoll.js';
import { withinFdBudget } from '../host/fd-budget.js';
import { AF_INET, AF_INET6, family, isAny6 } from './policy.js';

const IPPROTO_IPV6 = 41;
const IPV6_V6ONLY = 26;
const SO_REUSEADDR = 2;
const SO_REUSEPORT = 15;

export interface V4Companion {
  /** The host socket listening on 127.0.0.1. */
  fd: number;
  /** A host epoll instance over both listeners: readable when either has a connection. */
  merged: number;
}

/** Whether a guest bind address is the IPv6 wildcard `::`. */
export function isIpv6Any(addr: Uint8Array): boolean {
  return addr.length >= 24 && family(addr) === AF_INET6 && isAny6(addr);
}

function intOption(fd: number, level: number, name: number): number {
  const r = host.getsockopt(fd, level, name, 4);
  return typeof r === 'number' || r.length < 4 ? 0 : new DataView(r.buffer, r.byteOffset, 4).getInt32(0, true);
}

/**
 * Whether a not yet bound IPv6 socket is dual-stack. Ask before the bind:
 * binding to ::1 makes the host socket IPv6-only.
 */
export function isDualStack(v6fd: number): boolean {
  return intOption(v6fd, IPPROTO_IPV6, IPV6_V6ONLY) === 0;
}

/** The guest's IPV6_V6ONLY option, which the host socket no longer shows after the bind to ::1. */
export function isV6OnlyOption(level: number, name: number): boolean {
  return level === IPPROTO_IPV6 && name === IPV6_V6ONLY;
}

/**
 * A 127.0.0.1 listener beside the ::1 one of a dual-stack socket; null when
 * the port is taken on IPv4 (the socket then stays reachable on ::1 alone).
 */
export function openV4Companion(v6fd: number, type: number): V4Companion | null {
  const name = host.sockname(v6fd, false);
  if (typeof name === 'number') return null;
  const fd = host.socket(AF_INET, type, 0);
  if (fd < 0) return null;
  const one = new Uint8Array([1, 0, 0, 0]);
  for (const opt of [SO_REUSEADDR, SO_REUSEPORT]) {
    if (intOption(v6fd, SOL_SOCKET, opt) !== 0) host.setsockopt(fd, SOL_SOCKET, opt, one);
  }
  const addr = new Uint8Array(16);
  addr[0] = AF_INET;
  addr[2] = name[2];
  addr[3] = name[3];
  addr.set([127, 0, 0, 1], 4);
  const merged = host.epollCreate();
  // the companion must leave dsu its own descriptors (host/fd-budget.ts)
  if (!withinFdBudget(fd) || !withinFdBudget(merged) || host.bind(fd, addr) !== 0 || merged < 0) {
    host.close(fd);
    if (merged >= 0) host.close(merged);
    return null;
  }
  const event = new Uint8Array(12);
  event[0] = EPOLLIN;
  host.epollCtl(merged, EPOLL_CTL_ADD, v6fd, event);
  host.epollCtl(merged, EPOLL_CTL_ADD, fd, event);
  return { fd, merged };
}

export function closeV4Companion(c: V4Companion): void {
  host.close(c.fd);
  host.close(c.merged);
}

/** An IPv4 socket address as the IPv4-mapped IPv6 address a dual-stack socket shows. */
export function mappedV6(addr: Uint8Array): Uint8Array {
  if (addr.length < 8 || (addr[0] | (addr[1] << 8)) !== AF_INET) return addr;
  const out = new Uint8Array(28);
  out[0] = AF_INET6;
  out[2] = addr[2];
  out[3] = addr[3];
  out[18] = 0xff;
  out[19] = 0xff;
  out.set(addr.subarray(4, 8), 20);
  return out;
}
