// A guest confined to loopback (the default) cannot send beyond it by any
// route: raw and packet sockets are refused with EPERM, addresses outside
// loopback in every disguise with ENETUNREACH, and the options and control
// messages that pick an interface, a source address or a route with EPERM
// (multicast memberships too, which the host announces on the interface),
// through sendto, sendmsg and sendmmsg alike; netlink requests that would
// change the host are refused. What stays on loopback keeps working (a
// receiver in the guest gets exactly those datagrams), and each refusal is
// explained once on stderr. With --net-outbound raw sockets can be made
// (when dsu may make them itself); packet sockets never.
// The program is never run natively: as root much of it would succeed.
import { describe, expect, test } from 'vitest';
import path from 'node:path';
import { BUILD, runDsu } from '../helpers/run.js';

const PROGRAM = path.join(BUILD, 'hostile', 'net_escape');

const SOCKETS = [
  'socket(INET, RAW, IPPROTO_RAW) = EPERM',
  'socket(INET, RAW, ICMP) = EPERM',
  'socket(INET6, RAW, ICMPV6) = EPERM',
  'socket(INET, RAW, UDP) = EPERM',
  'socket(PACKET, RAW, ETH_P_ALL) = EPERM',
  'socket(PACKET, DGRAM, ETH_P_IP) = EPERM',
  'socket(INET, SOCK_PACKET) = EPERM',
  'socket(UNIX, RAW) = EPERM',
];

const EXPECTED = [
  ...SOCKETS,
  'netlink RTM_GETLINK dump = ok',
  'netlink RTM_NEWADDR = EPERM',
  'netlink RTM_DELADDR = EPERM',
  'netlink RTM_NEWROUTE = EPERM',
  'netlink RTM_SETLINK = EPERM',
  'sendto 8.8.8.8 = ENETUNREACH',
  'sendto 8.8.8.8 as AF_UNSPEC = ENETUNREACH',
  'sendto 255.255.255.255 = ENETUNREACH',
  'connect 255.255.255.255 = ENETUNREACH',
  'connect 224.0.0.1 = ENETUNREACH',
  'sendto 224.0.0.1 = ENETUNREACH',
  'TCP fast open to 8.8.8.8 = ENETUNREACH',
  'IP_PKTINFO interface 2 = EPERM',
  'IP_PKTINFO source 192.0.2.7 = EPERM',
  'IP_PKTINFO loopback = ok',
  'IP_OPTIONS source route = EPERM',
  'IP_RETOPTS source route = EPERM',
  'IP_OPTIONS no-ops = ok',
  'SO_BINDTODEVICE eth0 = EPERM',
  'SO_BINDTOIFINDEX 2 = EPERM',
  'SO_MARK = EPERM',
  'IP_TRANSPARENT = EPERM',
  'IP_UNICAST_IF 2 = EPERM',
  'SO_BINDTODEVICE lo = ok',
  'sendmmsg loopback then 8.8.8.8 = 1',
  'sendmmsg 8.8.8.8 first = ENETUNREACH',
  'sendto 2001:4860:4860::8888 = ENETUNREACH',
  'sendto ::ffff:8.8.8.8 = ENETUNREACH',
  'IPv6 socket sendto 8.8.8.8 = ENETUNREACH',
  'IPV6_PKTINFO source 2001:db8::1 = EPERM',
  'IPV6_PKTINFO interface 2 = EPERM',
  'setsockopt IPV6_PKTINFO interface 2 = EPERM',
  'IPV6_NEXTHOP = EPERM',
  'setsockopt IPV6_RTHDR = EPERM',
  'IPV6_RTHDR cmsg = EPERM',
  'IPV6_TRANSPARENT = EPERM',
  'IPV6_UNICAST_IF 2 = EPERM',
  'IP_ADD_MEMBERSHIP any interface = EPERM',
  'IP_ADD_MEMBERSHIP interface 2 = EPERM',
  'MCAST_JOIN_GROUP interface 2 = EPERM',
  'IPV6_ADD_MEMBERSHIP any interface = EPERM',
  'IP_ADD_MEMBERSHIP loopback = ok',
  // the loopback IP_PKTINFO send and the first sendmmsg message, nothing else
  'arrived on loopback: xy',
];

describe('a loopback-only guest cannot send beyond loopback', () => {
  for (const variant of ['dyn', 'static']) {
    test(`every route out is refused and loopback still works (${variant})`, async () => {
      const r = await runDsu(`${PROGRAM}.${variant}`);
      expect(r.stdout.toString()).toBe(EXPECTED.join('\n') + '\n');
      expect(r.status).toBe(0);
      const notes = r.stderr.toString().split('\n').filter((l) => l.length > 0);
      expect(notes).toContain('dsu: refused (EPERM): raw sockets need --net-outbound');
      expect(notes).toContain('dsu: refused (EPERM): IP_OPTIONS holds a source route');
      // each reason once
      expect(new Set(notes).size).toBe(notes.length);
    });
  }

  test('--net-outbound allows raw sockets (as far as the host allows dsu) but never packet sockets', async () => {
    const r = await runDsu(`${PROGRAM}.dyn`, { args: ['sockets'] }, ['--net-outbound']);
    const root = process.getuid?.() === 0;
    const raw = root ? 'ok' : 'EPERM';
    expect(r.stdout.toString()).toBe([
      `socket(INET, RAW, IPPROTO_RAW) = ${raw}`,
      `socket(INET, RAW, ICMP) = ${raw}`,
      `socket(INET6, RAW, ICMPV6) = ${raw}`,
      `socket(INET, RAW, UDP) = ${raw}`,
      'socket(PACKET, RAW, ETH_P_ALL) = EPERM',
      'socket(PACKET, DGRAM, ETH_P_IP) = EPERM',
      'socket(INET, SOCK_PACKET) = EPERM',
      // a raw Unix socket is a datagram socket (unix_create)
      'socket(UNIX, RAW) = ok',
    ].join('\n') + '\n');
  });
});
