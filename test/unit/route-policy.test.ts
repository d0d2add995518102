// The route policy's decisions on their own (emulator/net/route-policy.ts):
// a raw socket's hand-built IP header is held to the same address policy
// as sendto, and options and control messages that choose an interface, a
// source or a route are refused on loopback-only and allowed with
// --net-outbound. The hostile test net-escape drives the same checks
// through a real guest; this covers the header check, which no guest can
// reach without --net-outbound (where every destination is allowed).
import { describe, expect, test } from 'vitest';
import { checkRawHeader, checkSendControl, checkSocketOption, checkSocketType } from '../../emulator/net/route-policy.js';
import { AF_INET, AF_INET6, LOOPBACK_ONLY, NetPolicy } from '../../emulator/net/policy.js';
import type { Vfs } from '../../emulator/files/vfs.js';

const OUTBOUND: NetPolicy = { exposeBinds: false, allowOutbound: true };
const noVfs = null as unknown as Vfs;

function ipv4Header(dst: number[]): Uint8Array {
  const h = new Uint8Array(28);
  h[0] = 0x45;
  h.set([127, 0, 0, 1], 12);
  h.set(dst, 16);
  return h;
}

function ipv6Header(dst: number[]): Uint8Array {
  const h = new Uint8Array(48);
  h[0] = 0x60;
  h.set(dst, 24);
  return h;
}

const errnoOf = (f: () => void): number | null => {
  try {
    f();
    return null;
  } catch (e) {
    return (e as { errno: number }).errno;
  }
};

describe('route policy', () => {
  test("a raw IPv4 header's destination is checked like a sendto address", () => {
    expect(errnoOf(() => checkRawHeader(ipv4Header([8, 8, 8, 8]), AF_INET, LOOPBACK_ONLY, noVfs))).toBe(101); // ENETUNREACH
    expect(errnoOf(() => checkRawHeader(ipv4Header([127, 0, 0, 1]), AF_INET, LOOPBACK_ONLY, noVfs))).toBe(null);
    expect(errnoOf(() => checkRawHeader(ipv4Header([8, 8, 8, 8]), AF_INET, OUTBOUND, noVfs))).toBe(null);
    expect(errnoOf(() => checkRawHeader(new Uint8Array(12), AF_INET, OUTBOUND, noVfs))).toBe(22); // too short: EINVAL
  });

  test("a raw IPv6 header's destination is checked like a sendto address", () => {
    const google = [0x20, 0x01, 0x48, 0x60, 0x48, 0x60, 0, 0, 0, 0, 0, 0, 0, 0, 0x88, 0x88];
    const loop = [...new Array(15).fill(0), 1];
    expect(errnoOf(() => checkRawHeader(ipv6Header(google), AF_INET6, LOOPBACK_ONLY, noVfs))).toBe(101);
    expect(errnoOf(() => checkRawHeader(ipv6Header(loop), AF_INET6, LOOPBACK_ONLY, noVfs))).toBe(null);
  });

  test('raw sockets need --net-outbound; packet sockets are refused always; netlink is not a raw socket', () => {
    expect(errnoOf(() => checkSocketType(AF_INET, 3, LOOPBACK_ONLY))).toBe(1);
    expect(errnoOf(() => checkSocketType(AF_INET, 3, OUTBOUND))).toBe(null);
    expect(errnoOf(() => checkSocketType(17, 3, OUTBOUND))).toBe(1);
    expect(errnoOf(() => checkSocketType(AF_INET, 10, OUTBOUND))).toBe(1);
    expect(errnoOf(() => checkSocketType(16, 3, LOOPBACK_ONLY))).toBe(null);
    expect(errnoOf(() => checkSocketType(AF_INET, 2, LOOPBACK_ONLY))).toBe(null);
  });

  test('options that choose the route are refused on loopback only, allowed with --net-outbound', () => {
    const lsrr = Uint8Array.from([1, 0x83, 7, 4, 8, 8, 8, 8]);
    const timestamp = Uint8Array.from([0x44, 8, 5, 0, 0, 0, 0, 0]);
    expect(errnoOf(() => checkSocketOption(0, 4, lsrr, LOOPBACK_ONLY))).toBe(1);
    expect(errnoOf(() => checkSocketOption(0, 4, timestamp, LOOPBACK_ONLY))).toBe(null);
    expect(errnoOf(() => checkSocketOption(0, 4, lsrr, OUTBOUND))).toBe(null);
    expect(errnoOf(() => checkSocketOption(1, 36, Uint8Array.from([1, 0, 0, 0]), LOOPBACK_ONLY))).toBe(1); // SO_MARK
    expect(errnoOf(() => checkSocketOption(1, 25, Buffer.from('lo\0'), LOOPBACK_ONLY))).toBe(null);
    expect(errnoOf(() => checkSocketOption(1, 25, Buffer.from('eth0\0'), LOOPBACK_ONLY))).toBe(1);
    // IP_TRANSPARENT off is harmless
    expect(errnoOf(() => checkSocketOption(0, 19, new Uint8Array(4), LOOPBACK_ONLY))).toBe(null);
  });

  test('control messages: a loopback source and interface pass, others do not', () => {
    const pktinfo = (ifindex: number, src: number[]): Uint8Array => {
      const d = new Uint8Array(12);
      new DataView(d.buffer).setInt32(0, ifindex, true);
      d.set(src, 4);
      return d;
    };
    expect(errnoOf(() => checkSendControl([{ level: 0, type: 8, data: pktinfo(0, [127, 0, 0, 1]) }], LOOPBACK_ONLY))).toBe(null);
    expect(errnoOf(() => checkSendControl([{ level: 0, type: 8, data: pktinfo(0, [10, 0, 0, 1]) }], LOOPBACK_ONLY))).toBe(1);
    expect(errnoOf(() => checkSendControl([{ level: 0, type: 8, data: pktinfo(0, [10, 0, 0, 1]) }], OUTBOUND))).toBe(null);
    expect(errnoOf(() => checkSendControl([{ level: 41, type: 9, data: new Uint8Array(28) }], LOOPBACK_ONLY))).toBe(1);
  });
});
