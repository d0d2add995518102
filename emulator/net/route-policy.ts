// Every way a guest socket could pick where its packets go, or where they
// seem to come from, other than the address of connect/sendto (policy.ts
// checks that): raw and packet sockets, the IP header a raw socket writes
// itself, interface selection, source addresses and source routes in
// socket options and control messages, marks and transparent proxying.
// Without --net-outbound each is refused with EPERM unless it stays on
// loopback; the address checks themselves are policy.ts's, so a raw
// socket's hand-built header is held to the same rules as a sendto.
import fs from 'node:fs';
import { EINVAL, EPERM, LinuxError } from '../abi/errno.js';
import { SOL_SOCKET } from '../host/libc-net.js';
import { AF_INET, AF_INET6, destinationAddress, NetPolicy } from './policy.js';
import { AF_NETLINK } from './netlink.js';
import type { Vfs } from '../files/vfs.js';

export const SOCK_RAW = 3;
const SOCK_PACKET = 10;
const AF_PACKET = 17;
export const IPPROTO_IP = 0;
export const IPPROTO_IPV6 = 41;

// SOL_SOCKET
const SO_BINDTODEVICE = 25;
const SO_MARK = 36;
const SO_BINDTOIFINDEX = 62;
// IPPROTO_IP options and control messages
export const IP_HDRINCL = 3;
const IP_OPTIONS = 4;
const IP_RETOPTS = 7;
const IP_PKTINFO = 8;
const IP_TRANSPARENT = 19;
const IP_UNICAST_IF = 50;
// IPPROTO_IPV6 options and control messages
const IPV6_2292PKTINFO = 2;
const IPV6_2292RTHDR = 5;
const IPV6_2292PKTOPTIONS = 6;
const IPV6_NEXTHOP = 9;
export const IPV6_HDRINCL = 36;
const IPV6_PKTINFO = 50;
const IPV6_RTHDR = 57;
const IPV6_TRANSPARENT = 75;
const IPV6_UNICAST_IF = 76;
/** IPv4 options that name the route: loose and strict source routing. */
const IP_ADD_MEMBERSHIP = 35;
const IP_ADD_SOURCE_MEMBERSHIP = 39;
const MCAST_JOIN_GROUP = 42;
const MCAST_JOIN_SOURCE_GROUP = 46;
const IPV6_ADD_MEMBERSHIP = 20;
const IPOPT_LSRR = 0x83;
const IPOPT_SSRR = 0x89;

/** Why a refusal happened, for the one-line note dsu prints the first time. */
export class PolicyRefusal extends LinuxError {
  constructor(readonly why: string) {
    super(EPERM, why);
  }
}

const noted = new WeakMap<object, Set<string>>();

/** Say once per process (the `owner`) why a call was refused: a refusal is not a host failure. */
export function noteRefusal(owner: object, refusal: PolicyRefusal, log: (line: string) => void): void {
  let seen = noted.get(owner);
  if (!seen) noted.set(owner, (seen = new Set()));
  if (seen.has(refusal.why)) return;
  seen.add(refusal.why);
  log(`dsu: refused (EPERM): ${refusal.why}`);
}

let loopbackIndex: number | null = null;

/** The host's loopback interface index (1 on Linux, read once). */
function loopbackIfindex(): number {
  if (loopbackIndex === null) {
    try {
      loopbackIndex = Number(fs.readFileSync('/sys/class/net/lo/ifindex', 'utf8').trim()) || 1;
    } catch {
      loopbackIndex = 1;
    }
  }
  return loopbackIndex;
}

const le32 = (b: Uint8Array, at: number): number => (b.length >= at + 4 ? new DataView(b.buffer, b.byteOffset).getInt32(at, true) : 0);

/** An interface index the guest may send through: none (0) or loopback. */
function checkIfindex(index: number, what: string): void {
  if (index !== 0 && index !== loopbackIfindex()) throw new PolicyRefusal(`${what} names an interface other than loopback`);
}

/** A source address the guest may claim: unspecified or loopback. */
function checkSource4(addr: Uint8Array, what: string): void {
  if (addr.every((b) => b === 0) || addr[0] === 127) return;
  throw new PolicyRefusal(`${what} claims a source address outside loopback`);
}

function checkSource6(addr: Uint8Array, what: string): void {
  const zeros = (n: number): boolean => addr.subarray(0, n).every((b) => b === 0);
  if (zeros(16) || (zeros(15) && addr[15] === 1)) return;
  if (zeros(10) && addr[10] === 0xff && addr[11] === 0xff && addr[12] === 127) return;
  throw new PolicyRefusal(`${what} claims a source address outside loopback`);
}

/** IPv4 options: refuse source routes (the first hop becomes the destination). */
function checkIpOptions(opts: Uint8Array, what: string): void {
  for (let at = 0; at < opts.length;) {
    const type = opts[at];
    if (type === 0) break; // end of options
    if (type === 1) {
      at++; // no-op
      continue;
    }
    if (type === IPOPT_LSRR || type === IPOPT_SSRR) throw new PolicyRefusal(`${what} holds a source route`);
    const len = opts[at + 1] ?? 0;
    if (len < 2) break; // malformed: the host refuses it
    at += len;
  }
}

/**
 * socket(): raw sockets and packet sockets build packets below the layer
 * the policy checks; refused without --net-outbound. Packet sockets (whose
 * frames name link-layer destinations dsu does not read) are refused always.
 */
export function checkSocketType(domain: number, type: number, policy: NetPolicy): void {
  const kind = type & 0xf;
  if (domain === AF_PACKET || kind === SOCK_PACKET) throw new PolicyRefusal('packet sockets are not available to the guest');
  // netlink sockets are SOCK_RAW or SOCK_DGRAM alike: they carry requests, not packets (netlink.ts checks them)
  if (kind === SOCK_RAW && domain !== AF_NETLINK && !policy.allowOutbound) throw new PolicyRefusal('raw sockets need --net-outbound');
}

/**
 * Joining a multicast group makes the host announce the membership (IGMP,
 * MLD) on the interface it joins on, out of the machine, with a group the
 * guest chooses: only loopback may be joined on. No interface (index 0 and
 * no address) leaves the choice to the host's routes, which lead out.
 */
function checkMembership(level: number, name: number, value: Uint8Array): void {
  const why = 'joining a multicast group announces it on an interface other than loopback';
  if (level === IPPROTO_IP && (name === IP_ADD_MEMBERSHIP || name === IP_ADD_SOURCE_MEMBERSHIP)) {
    // ip_mreq / ip_mreq_source: group, interface address; ip_mreqn adds an interface index
    const index = name === IP_ADD_MEMBERSHIP && value.length >= 12 ? le32(value, 8) : 0;
    if (index !== 0) checkIfindex(index, 'a multicast membership');
    else if (value.length < 8 || value[4] !== 127) throw new PolicyRefusal(why);
  } else if ((level === IPPROTO_IP || level === IPPROTO_IPV6) && (name === MCAST_JOIN_GROUP || name === MCAST_JOIN_SOURCE_GROUP)) {
    // group_req / group_source_req: the interface index first
    if (le32(value, 0) !== loopbackIfindex()) throw new PolicyRefusal(why);
  } else if (level === IPPROTO_IPV6 && name === IPV6_ADD_MEMBERSHIP) {
    // ipv6_mreq: group, interface index
    if (le32(value, 16) !== loopbackIfindex()) throw new PolicyRefusal(why);
  }
}

/** setsockopt options that choose the route, the interface or the source. */
export function checkSocketOption(level: number, name: number, value: Uint8Array, policy: NetPolicy): void {
  if (policy.allowOutbound) return;
  checkMembership(level, name, value);
  if (level === SOL_SOCKET) {
    if (name === SO_BINDTODEVICE) {
      const nul = value.indexOf(0);
      const ifname = Buffer.from(value.subarray(0, nul < 0 ? value.length : nul)).toString('latin1');
      if (ifname !== '' && ifname !== 'lo') throw new PolicyRefusal('SO_BINDTODEVICE names an interface other than loopback');
    }
    if (name === SO_BINDTOIFINDEX) checkIfindex(le32(value, 0), 'SO_BINDTOIFINDEX');
    if (name === SO_MARK) throw new PolicyRefusal('SO_MARK steers host routing and filtering');
  } else if (level === IPPROTO_IP) {
    if (name === IP_OPTIONS) checkIpOptions(value, 'IP_OPTIONS');
    if (name === IP_TRANSPARENT && le32(value, 0) !== 0) throw new PolicyRefusal('IP_TRANSPARENT lets a socket use addresses that are not its own');
    if (name === IP_UNICAST_IF) {
      // the index is in network byte order
      const v = new DataView(value.buffer, value.byteOffset, value.byteLength);
      checkIfindex(value.length >= 4 ? v.getUint32(0, false) : 0, 'IP_UNICAST_IF');
    }
  } else if (level === IPPROTO_IPV6) {
    if (name === IPV6_PKTINFO && value.length >= 20) {
      checkSource6(value.subarray(0, 16), 'IPV6_PKTINFO');
      checkIfindex(le32(value, 16), 'IPV6_PKTINFO');
    }
    if (name === IPV6_NEXTHOP || name === IPV6_RTHDR || name === IPV6_2292RTHDR || name === IPV6_2292PKTOPTIONS) {
      if (value.length > 0) throw new PolicyRefusal('a next hop or routing header chooses the route');
    }
    if (name === IPV6_TRANSPARENT && le32(value, 0) !== 0) throw new PolicyRefusal('IPV6_TRANSPARENT lets a socket use addresses that are not its own');
    if (name === IPV6_UNICAST_IF) checkIfindex(le32(value, 0), 'IPV6_UNICAST_IF');
  }
}

/** One control message of a send: level, type, payload. */
export interface ControlMessage {
  level: number;
  type: number;
  data: Uint8Array;
}

/** Control messages of a sendmsg that choose the route, the interface or the source. */
export function checkSendControl(messages: ControlMessage[], policy: NetPolicy): void {
  if (policy.allowOutbound) return;
  for (const m of messages) {
    if (m.level === IPPROTO_IP) {
      if (m.type === IP_PKTINFO && m.data.length >= 12) {
        checkIfindex(le32(m.data, 0), 'IP_PKTINFO');
        checkSource4(m.data.subarray(4, 8), 'IP_PKTINFO');
      }
      if (m.type === IP_RETOPTS) checkIpOptions(m.data, 'IP_RETOPTS');
    } else if (m.level === IPPROTO_IPV6) {
      if ((m.type === IPV6_PKTINFO || m.type === IPV6_2292PKTINFO) && m.data.length >= 20) {
        checkSource6(m.data.subarray(0, 16), 'IPV6_PKTINFO');
        checkIfindex(le32(m.data, 16), 'IPV6_PKTINFO');
      }
      if (m.type === IPV6_NEXTHOP || m.type === IPV6_RTHDR || m.type === IPV6_2292RTHDR) {
        throw new PolicyRefusal('a next hop or routing header chooses the route');
      }
    }
  }
}

/**
 * The destination written in the IP header a raw socket sends itself
 * (IP_HDRINCL, IPPROTO_RAW, IPV6_HDRINCL): held to the policy like an
 * address given to sendto. The host routes by the sendto address, then
 * sends the header as written, so both must pass.
 */
export function checkRawHeader(data: Uint8Array, domain: number, policy: NetPolicy, vfs: Vfs): void {
  if (domain === AF_INET) {
    if (data.length < 20) throw new LinuxError(EINVAL, 'IP header too short');
    const addr = new Uint8Array(16);
    addr[0] = AF_INET;
    addr.set(data.subarray(16, 20), 4);
    destinationAddress(addr, policy, vfs);
  } else if (domain === AF_INET6) {
    if (data.length < 40) throw new LinuxError(EINVAL, 'IPv6 header too short');
    const addr = new Uint8Array(28);
    addr[0] = AF_INET6;
    addr.set(data.subarray(24, 40), 8);
    destinationAddress(addr, policy, vfs);
  }
}
