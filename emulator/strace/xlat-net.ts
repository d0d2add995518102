// Names of socket constants as strace prints them (i386 Linux values):
// address families, socket types and flags, protocols, option levels and
// options, message flags, shutdown modes, poll and epoll events.
import { flags, named, type Xlat } from './xlat.js';

export const AF_UNIX = 1;
export const AF_INET = 2;
export const AF_INET6 = 10;
export const AF_NETLINK = 16;

const FAMILIES: Xlat = [
  ['AF_UNSPEC', 0], ['AF_UNIX', AF_UNIX], ['AF_INET', AF_INET], ['AF_AX25', 3], ['AF_IPX', 4], ['AF_APPLETALK', 5],
  ['AF_NETROM', 6], ['AF_BRIDGE', 7], ['AF_ATMPVC', 8], ['AF_X25', 9], ['AF_INET6', AF_INET6], ['AF_KEY', 15],
  ['AF_NETLINK', AF_NETLINK], ['AF_PACKET', 17], ['AF_RDS', 21], ['AF_CAN', 29], ['AF_TIPC', 30], ['AF_BLUETOOTH', 31],
  ['AF_ALG', 38], ['AF_VSOCK', 40], ['AF_XDP', 44],
];

export const family = (v: number): string => named(v, FAMILIES);

const SOCK_TYPES: Xlat = [
  ['SOCK_STREAM', 1], ['SOCK_DGRAM', 2], ['SOCK_RAW', 3], ['SOCK_RDM', 4], ['SOCK_SEQPACKET', 5], ['SOCK_DCCP', 6], ['SOCK_PACKET', 10],
];
const SOCK_FLAGS: Xlat = [['SOCK_CLOEXEC', 0o2000000], ['SOCK_NONBLOCK', 0o4000]];

/** socket's type: the type, then SOCK_CLOEXEC and SOCK_NONBLOCK. */
export function socketType(v: number): string {
  const type = named(v & 0xf, SOCK_TYPES, '0x' + (v & 0xf).toString(16));
  const rest = v & ~0xf;
  return rest === 0 ? type : `${type}|${flags(rest, SOCK_FLAGS)}`;
}

/** accept4's flags. */
export const socketFlags = (v: number): string => flags(v, SOCK_FLAGS);

const IP_PROTOCOLS: Xlat = [
  ['IPPROTO_IP', 0], ['IPPROTO_ICMP', 1], ['IPPROTO_IGMP', 2], ['IPPROTO_IPIP', 4], ['IPPROTO_TCP', 6], ['IPPROTO_EGP', 8],
  ['IPPROTO_PUP', 12], ['IPPROTO_UDP', 17], ['IPPROTO_IDP', 22], ['IPPROTO_TP', 29], ['IPPROTO_DCCP', 33],
  ['IPPROTO_IPV6', 41], ['IPPROTO_RSVP', 46], ['IPPROTO_GRE', 47], ['IPPROTO_ESP', 50], ['IPPROTO_AH', 51],
  ['IPPROTO_ICMPV6', 58], ['IPPROTO_MTP', 92], ['IPPROTO_ENCAP', 98], ['IPPROTO_PIM', 103], ['IPPROTO_COMP', 108],
  ['IPPROTO_SCTP', 132], ['IPPROTO_UDPLITE', 136], ['IPPROTO_MPLS', 137], ['IPPROTO_RAW', 255], ['IPPROTO_MPTCP', 262],
];

/** A socket's protocol, named after its family's protocols (IPPROTO_* for IPv4 and IPv6). */
export function protocol(familyValue: number, v: number): string {
  if (familyValue === AF_INET || familyValue === AF_INET6) return named(v, IP_PROTOCOLS);
  if (familyValue === AF_NETLINK) return named(v, NETLINK_PROTOCOLS);
  return String(v);
}

const NETLINK_PROTOCOLS: Xlat = [
  ['NETLINK_ROUTE', 0], ['NETLINK_UNUSED', 1], ['NETLINK_USERSOCK', 2], ['NETLINK_FIREWALL', 3], ['NETLINK_SOCK_DIAG', 4],
  ['NETLINK_NFLOG', 5], ['NETLINK_XFRM', 6], ['NETLINK_SELINUX', 7], ['NETLINK_ISCSI', 8], ['NETLINK_AUDIT', 9],
  ['NETLINK_FIB_LOOKUP', 10], ['NETLINK_CONNECTOR', 11], ['NETLINK_NETFILTER', 12], ['NETLINK_IP6_FW', 13],
  ['NETLINK_DNRTMSG', 14], ['NETLINK_KOBJECT_UEVENT', 15], ['NETLINK_GENERIC', 16], ['NETLINK_SCSITRANSPORT', 18],
  ['NETLINK_ECRYPTFS', 19], ['NETLINK_RDMA', 20], ['NETLINK_CRYPTO', 21], ['NETLINK_SMC', 22],
];

const SOL_SOCKET = 1;

const LEVELS: Xlat = [
  ['SOL_IP', 0], ['SOL_SOCKET', SOL_SOCKET], ['SOL_TCP', 6], ['SOL_UDP', 17], ['SOL_IPV6', 41], ['SOL_ICMPV6', 58],
  ['SOL_SCTP', 132], ['SOL_UDPLITE', 136], ['SOL_RAW', 255], ['SOL_PACKET', 263], ['SOL_NETLINK', 270],
];

export const level = (v: number): string => named(v, LEVELS);

const SOCKET_OPTIONS: Xlat = [
  ['SO_DEBUG', 1], ['SO_REUSEADDR', 2], ['SO_TYPE', 3], ['SO_ERROR', 4], ['SO_DONTROUTE', 5], ['SO_BROADCAST', 6],
  ['SO_SNDBUF', 7], ['SO_RCVBUF', 8], ['SO_KEEPALIVE', 9], ['SO_OOBINLINE', 10], ['SO_NO_CHECK', 11],
  ['SO_PRIORITY', 12], ['SO_LINGER', 13], ['SO_BSDCOMPAT', 14], ['SO_REUSEPORT', 15], ['SO_PASSCRED', 16],
  ['SO_PEERCRED', 17], ['SO_RCVLOWAT', 18], ['SO_SNDLOWAT', 19], ['SO_RCVTIMEO_OLD', 20], ['SO_SNDTIMEO_OLD', 21],
  ['SO_BINDTODEVICE', 25], ['SO_ATTACH_FILTER', 26], ['SO_DETACH_FILTER', 27], ['SO_PEERNAME', 28],
  ['SO_TIMESTAMP_OLD', 29], ['SO_ACCEPTCONN', 30], ['SO_PEERSEC', 31], ['SO_SNDBUFFORCE', 32], ['SO_RCVBUFFORCE', 33],
  ['SO_PASSSEC', 34], ['SO_MARK', 36], ['SO_PROTOCOL', 38], ['SO_DOMAIN', 39], ['SO_RXQ_OVFL', 40],
  ['SO_PEEK_OFF', 42], ['SO_NOFCS', 43], ['SO_BUSY_POLL', 46], ['SO_INCOMING_CPU', 49], ['SO_ATTACH_BPF', 50],
  ['SO_COOKIE', 57], ['SO_PEERGROUPS', 59], ['SO_ZEROCOPY', 60], ['SO_TXTIME', 61], ['SO_BINDTOIFINDEX', 62],
  ['SO_TIMESTAMP_NEW', 63], ['SO_RCVTIMEO_NEW', 66], ['SO_SNDTIMEO_NEW', 67],
];

const TCP_OPTIONS: Xlat = [
  ['TCP_NODELAY', 1], ['TCP_MAXSEG', 2], ['TCP_CORK', 3], ['TCP_KEEPIDLE', 4], ['TCP_KEEPINTVL', 5], ['TCP_KEEPCNT', 6],
  ['TCP_SYNCNT', 7], ['TCP_LINGER2', 8], ['TCP_DEFER_ACCEPT', 9], ['TCP_WINDOW_CLAMP', 10], ['TCP_INFO', 11],
  ['TCP_QUICKACK', 12], ['TCP_CONGESTION', 13], ['TCP_MD5SIG', 14], ['TCP_THIN_LINEAR_TIMEOUTS', 16],
  ['TCP_THIN_DUPACK', 17], ['TCP_USER_TIMEOUT', 18], ['TCP_REPAIR', 19], ['TCP_REPAIR_QUEUE', 20],
  ['TCP_QUEUE_SEQ', 21], ['TCP_REPAIR_OPTIONS', 22], ['TCP_FASTOPEN', 23], ['TCP_TIMESTAMP', 24],
  ['TCP_NOTSENT_LOWAT', 25], ['TCP_CC_INFO', 26], ['TCP_SAVE_SYN', 27], ['TCP_SAVED_SYN', 28],
  ['TCP_REPAIR_WINDOW', 29], ['TCP_FASTOPEN_CONNECT', 30], ['TCP_ULP', 31], ['TCP_MD5SIG_EXT', 32],
  ['TCP_FASTOPEN_KEY', 33], ['TCP_FASTOPEN_NO_COOKIE', 34], ['TCP_ZEROCOPY_RECEIVE', 35], ['TCP_INQ', 36],
  ['TCP_TX_DELAY', 37],
];

const IP_OPTIONS: Xlat = [
  ['IP_TOS', 1], ['IP_TTL', 2], ['IP_HDRINCL', 3], ['IP_OPTIONS', 4], ['IP_ROUTER_ALERT', 5], ['IP_RECVOPTS', 6],
  ['IP_RETOPTS', 7], ['IP_PKTINFO', 8], ['IP_PKTOPTIONS', 9], ['IP_MTU_DISCOVER', 10], ['IP_RECVERR', 11],
  ['IP_RECVTTL', 12], ['IP_RECVTOS', 13], ['IP_MTU', 14], ['IP_FREEBIND', 15], ['IP_IPSEC_POLICY', 16],
  ['IP_XFRM_POLICY', 17], ['IP_PASSSEC', 18], ['IP_TRANSPARENT', 19], ['IP_ORIGDSTADDR', 20],
  ['IP_MINTTL', 21], ['IP_NODEFRAG', 22], ['IP_CHECKSUM', 23], ['IP_BIND_ADDRESS_NO_PORT', 24],
  ['IP_RECVFRAGSIZE', 25], ['IP_RECVERR_RFC4884', 26], ['IP_MULTICAST_IF', 32], ['IP_MULTICAST_TTL', 33],
  ['IP_MULTICAST_LOOP', 34], ['IP_ADD_MEMBERSHIP', 35], ['IP_DROP_MEMBERSHIP', 36],
];

const IPV6_OPTIONS: Xlat = [
  ['IPV6_ADDRFORM', 1], ['IPV6_2292PKTINFO', 2], ['IPV6_2292HOPOPTS', 3], ['IPV6_2292DSTOPTS', 4],
  ['IPV6_2292RTHDR', 5], ['IPV6_2292PKTOPTIONS', 6], ['IPV6_CHECKSUM', 7], ['IPV6_2292HOPLIMIT', 8],
  ['IPV6_NEXTHOP', 9], ['IPV6_AUTHHDR', 10], ['IPV6_UNICAST_HOPS', 16], ['IPV6_MULTICAST_IF', 17],
  ['IPV6_MULTICAST_HOPS', 18], ['IPV6_MULTICAST_LOOP', 19], ['IPV6_ADD_MEMBERSHIP', 20], ['IPV6_DROP_MEMBERSHIP', 21],
  ['IPV6_ROUTER_ALERT', 22], ['IPV6_MTU_DISCOVER', 23], ['IPV6_MTU', 24], ['IPV6_RECVERR', 25], ['IPV6_V6ONLY', 26],
  ['IPV6_JOIN_ANYCAST', 27], ['IPV6_LEAVE_ANYCAST', 28], ['IPV6_RECVPKTINFO', 49], ['IPV6_PKTINFO', 50],
  ['IPV6_RECVHOPLIMIT', 51], ['IPV6_HOPLIMIT', 52], ['IPV6_TCLASS', 67], ['IPV6_FREEBIND', 78],
];

const OPTIONS_BY_LEVEL: Record<number, Xlat> = { 0: IP_OPTIONS, 1: SOCKET_OPTIONS, 6: TCP_OPTIONS, 41: IPV6_OPTIONS };

/** A socket option named after its level's options. */
export function socketOption(levelValue: number, v: number): string {
  const table = OPTIONS_BY_LEVEL[levelValue];
  return table ? named(v, table) : String(v);
}

const MSG_FLAGS: Xlat = [
  ['MSG_OOB', 0x1], ['MSG_PEEK', 0x2], ['MSG_DONTROUTE', 0x4], ['MSG_CTRUNC', 0x8], ['MSG_PROBE', 0x10],
  ['MSG_TRUNC', 0x20], ['MSG_DONTWAIT', 0x40], ['MSG_EOR', 0x80], ['MSG_WAITALL', 0x100], ['MSG_FIN', 0x200],
  ['MSG_SYN', 0x400], ['MSG_CONFIRM', 0x800], ['MSG_RST', 0x1000], ['MSG_ERRQUEUE', 0x2000], ['MSG_NOSIGNAL', 0x4000],
  ['MSG_MORE', 0x8000], ['MSG_WAITFORONE', 0x10000], ['MSG_SENDPAGE_NOTLAST', 0x20000], ['MSG_BATCH', 0x40000],
  ['MSG_NO_SHARED_FRAGS', 0x80000], ['MSG_ZEROCOPY', 0x4000000], ['MSG_FASTOPEN', 0x20000000],
  ['MSG_CMSG_CLOEXEC', 0x40000000], ['MSG_CMSG_COMPAT', 0x80000000],
];

export const msgFlags = (v: number): string => flags(v, MSG_FLAGS);

const SHUTDOWN: Xlat = [['SHUT_RD', 0], ['SHUT_WR', 1], ['SHUT_RDWR', 2]];

export const shutdownHow = (v: number): string => named(v, SHUTDOWN);

const POLL_EVENTS: Xlat = [
  ['POLLIN', 0x1], ['POLLPRI', 0x2], ['POLLOUT', 0x4], ['POLLERR', 0x8], ['POLLHUP', 0x10], ['POLLNVAL', 0x20],
  ['POLLRDNORM', 0x40], ['POLLRDBAND', 0x80], ['POLLWRNORM', 0x100], ['POLLWRBAND', 0x200], ['POLLMSG', 0x400],
  ['POLLREMOVE', 0x1000], ['POLLRDHUP', 0x2000],
];

export const pollEvents = (v: number): string => flags(v, POLL_EVENTS);

const EPOLL_EVENTS: Xlat = [
  ['EPOLLIN', 0x1], ['EPOLLPRI', 0x2], ['EPOLLOUT', 0x4], ['EPOLLERR', 0x8], ['EPOLLHUP', 0x10], ['EPOLLNVAL', 0x20],
  ['EPOLLRDNORM', 0x40], ['EPOLLRDBAND', 0x80], ['EPOLLWRNORM', 0x100], ['EPOLLWRBAND', 0x200], ['EPOLLMSG', 0x400],
  ['EPOLLRDHUP', 0x2000], ['EPOLLEXCLUSIVE', 0x10000000], ['EPOLLWAKEUP', 0x20000000], ['EPOLLONESHOT', 0x40000000],
  ['EPOLLET', 0x80000000],
];

export const epollEvents = (v: number): string => flags(v, EPOLL_EVENTS);

const EPOLL_OPS: Xlat = [['EPOLL_CTL_ADD', 1], ['EPOLL_CTL_DEL', 2], ['EPOLL_CTL_MOD', 3]];

export const epollOp = (v: number): string => named(v, EPOLL_OPS);

export const epollFlags = (v: number): string => flags(v, [['EPOLL_CLOEXEC', 0o2000000]]);
