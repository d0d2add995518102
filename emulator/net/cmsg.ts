// Control messages (cmsg) between the guest's i386 layout (cmsg_len is 4
// bytes, records aligned to 4) and the host's x86-64 one (cmsg_len is 8
// bytes, aligned to 8). Payloads are the same on both sides except the
// timestamps, whose time_t and long widen. Descriptors (SCM_RIGHTS) are
// given as host fds on the way out and installed as guest fds on the way in
// (fd-passing.ts does both); without a way to install them, received host
// fds are closed and the guest sees MSG_CTRUNC, as when the kernel cannot.
import { EINVAL, EOPNOTSUPP, LinuxError } from '../abi/errno.js';
import { host, SOL_SOCKET } from '../host/libc-net.js';

export const MSG_CTRUNC = 0x8;
const SCM_RIGHTS = 1;
const SO_TIMESTAMP_OLD = 29;
const SO_TIMESTAMPNS_OLD = 35;
const SO_TIMESTAMPING_OLD = 37;

const GUEST_HDR = 12;
const HOST_HDR = 16;
const align = (n: number, a: number): number => (n + a - 1) & ~(a - 1);

interface Cmsg {
  level: number;
  type: number;
  data: Uint8Array;
}

/** Timestamps: pairs of 64-bit (host) or 32-bit (guest) words. */
function narrowTimes(data: Uint8Array): Uint8Array {
  const src = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const out = new DataView(new ArrayBuffer(data.length / 2));
  for (let i = 0; i * 8 < data.length; i++) out.setInt32(4 * i, Number(src.getBigInt64(8 * i, true)), true);
  return new Uint8Array(out.buffer);
}

function isTimestamp(level: number, type: number): boolean {
  return level === SOL_SOCKET && (type === SO_TIMESTAMP_OLD || type === SO_TIMESTAMPNS_OLD || type === SO_TIMESTAMPING_OLD);
}

function parse(buf: Uint8Array, hdr: number, lenWidth: 4 | 8, alignTo: number): Cmsg[] {
  const v = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const out: Cmsg[] = [];
  for (let at = 0; at + hdr <= buf.length; ) {
    const len = lenWidth === 8 ? Number(v.getBigUint64(at, true)) : v.getUint32(at, true);
    if (len < hdr || at + len > buf.length) break;
    out.push({ level: v.getInt32(at + lenWidth, true), type: v.getInt32(at + lenWidth + 4, true), data: buf.subarray(at + hdr, at + len) });
    at += align(len, alignTo);
  }
  return out;
}

/** Host control messages as the guest sees them, within `room` bytes; `truncated` sets MSG_CTRUNC. */
export function toGuestControl(hostControl: Uint8Array, room: number, install?: (hostFd: number) => number): { bytes: Uint8Array; truncated: boolean } {
  const out = new Uint8Array(room);
  const v = new DataView(out.buffer);
  let at = 0;
  let truncated = false;
  for (const m of parse(hostControl, HOST_HDR, 8, 8)) {
    let data = isTimestamp(m.level, m.type) ? narrowTimes(m.data) : m.data;
    if (m.level === SOL_SOCKET && m.type === SCM_RIGHTS) {
      const fds = new DataView(m.data.buffer, m.data.byteOffset, m.data.byteLength);
      const hostFds: number[] = [];
      for (let i = 0; i + 4 <= m.data.length; i += 4) hostFds.push(fds.getInt32(i, true));
      // as the kernel's scm_detach_fds: only as many as fit are installed, the rest closed
      const fit = install ? Math.max(0, Math.floor((room - at - GUEST_HDR) / 4)) : 0;
      const guestFds: number[] = [];
      for (const h of hostFds) {
        const fd = guestFds.length < fit ? install!(h) : (host.close(h), -1);
        if (fd >= 0) guestFds.push(fd);
        else truncated = true;
      }
      if (guestFds.length === 0) continue;
      data = new Uint8Array(new Int32Array(guestFds).buffer);
    }
    const len = GUEST_HDR + data.length;
    if (at + len > room) {
      truncated = true;
      break;
    }
    v.setUint32(at, len, true);
    v.setInt32(at + 4, m.level, true);
    v.setInt32(at + 8, m.type, true);
    out.set(data, at + GUEST_HDR);
    at = Math.min(room, align(at + len, 4));
  }
  return { bytes: out.subarray(0, at), truncated };
}

/** The control messages of a guest sendmsg, as level, type and payload. */
export function guestControlMessages(guestControl: Uint8Array): Cmsg[] {
  return parse(guestControl, GUEST_HDR, 4, 4);
}

/** Guest control messages for a host sendmsg; `pass` gives the host fds for the guest's SCM_RIGHTS fds. */
export function toHostControl(guestControl: Uint8Array, pass?: (guestFds: number[]) => number[]): Uint8Array {
  const msgs = parse(guestControl, GUEST_HDR, 4, 4);
  if (guestControl.length >= GUEST_HDR && msgs.length === 0) throw new LinuxError(EINVAL, 'bad control message');
  const parts: Uint8Array[] = [];
  for (const m of msgs) {
    if (m.level === SOL_SOCKET && m.type === SCM_RIGHTS) {
      if (!pass) throw new LinuxError(EOPNOTSUPP, 'passing descriptors is not supported here');
      const v = new DataView(m.data.buffer, m.data.byteOffset, m.data.byteLength);
      const fds: number[] = [];
      for (let i = 0; i + 4 <= m.data.length; i += 4) fds.push(v.getInt32(i, true));
      m.data = new Uint8Array(new Int32Array(pass(fds)).buffer);
    }
    const rec = new Uint8Array(align(HOST_HDR + m.data.length, 8));
    const v = new DataView(rec.buffer);
    v.setBigUint64(0, BigInt(HOST_HDR + m.data.length), true);
    v.setInt32(8, m.level, true);
    v.setInt32(12, m.type, true);
    rec.set(m.data, HOST_HDR);
    parts.push(rec);
  }
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
