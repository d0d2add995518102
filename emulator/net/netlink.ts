// Routing netlink (AF_NETLINK, NETLINK_ROUTE): a host netlink socket, so
// getifaddrs, if_nameindex and `ip addr`/`ip route` see the host's
// interfaces as a native program would. Its messages have the same layout
// for i386 and x86-64 tasks (the kernel translates none of them either).
// The guest may only ask (RTM_GET* dumps) and listen to multicast groups:
// a request that would change links, addresses or routes is refused with
// EPERM, as the rest of the sandbox refuses writes outside its policy.
import { EINVAL, EPERM, LinuxError } from '../abi/errno.js';

export const AF_NETLINK = 16;
export const NETLINK_ROUTE = 0;

const SOCKADDR_NL_SIZE = 12;
const NLMSG_HDRLEN = 16;
const RTM_BASE = 16;
const RTM_GET_OFFSET = 2;

/** A guest sockaddr_nl, checked; its layout is the host's. */
export function netlinkAddress(addr: Uint8Array): Uint8Array {
  if (addr.length < SOCKADDR_NL_SIZE) throw new LinuxError(EINVAL);
  return addr.subarray(0, SOCKADDR_NL_SIZE);
}

/** True for netlink control messages (NOOP, ERROR, DONE) and RTM_GET* requests. */
function isQuery(type: number): boolean {
  return type < RTM_BASE || (type - RTM_BASE) % 4 === RTM_GET_OFFSET;
}

/** Refuse a datagram holding any message that is not a query. */
export function checkNetlinkRequest(data: Uint8Array): void {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  for (let at = 0; at + NLMSG_HDRLEN <= data.length;) {
    const len = view.getUint32(at, true);
    if (!isQuery(view.getUint16(at + 4, true))) throw new LinuxError(EPERM, 'netlink request that changes the host');
    if (len < NLMSG_HDRLEN) break;
    at += (len + 3) & ~3;
  }
}
