// recvmsg/sendmsg on host sockets with a real host struct msghdr, so that
// what only a msghdr carries comes from the kernel: msg_flags (MSG_TRUNC,
// MSG_CTRUNC, MSG_EOR) and control messages. The host structure, its one
// iovec, the address and the control area live in one native scratch area
// (64-bit layout), grown when a call needs more room.
import koffi from 'koffi';
import { libc } from './ffi.js';
import { MSG_DONTWAIT, MSG_NOSIGNAL } from './libc-net.js';

const recvmsgFn = libc.func('long recvmsg(int fd, void *msg, int flags)');
const sendmsgFn = libc.func('long sendmsg(int fd, void *msg, int flags)');

// struct msghdr (x86-64): name@0, namelen@8, iov@16, iovlen@24, control@32, controllen@40, flags@48
const HDR = 0;
const IOV = 56;
const NAME = 72;
const NAME_ROOM = 128;
const CONTROL = NAME + NAME_ROOM;

let scratch: unknown = null;
let scratchSize = 0;
let base = 0n;
let view = new DataView(new ArrayBuffer(0));
let bytes = new Uint8Array(0);

function ensure(size: number): void {
  if (size <= scratchSize) return;
  if (scratch !== null) koffi.free(scratch);
  scratchSize = Math.max(size, 2 * scratchSize, 64 * 1024);
  scratch = koffi.alloc('uint8_t', scratchSize);
  base = BigInt(koffi.address(scratch));
  const ab = koffi.view(scratch, scratchSize);
  view = new DataView(ab);
  bytes = new Uint8Array(ab);
}

/** Lay out header, iovec, address and control; the data follows the control area. */
function layout(dataLen: number, name: Uint8Array | null, nameRoom: number, control: Uint8Array | null, controlRoom: number): number {
  const data = CONTROL + ((controlRoom + 15) & ~15);
  ensure(data + dataLen);
  bytes.fill(0, 0, CONTROL);
  if (name) bytes.set(name, NAME);
  if (control) bytes.set(control, CONTROL);
  view.setBigUint64(HDR, nameRoom > 0 ? base + BigInt(NAME) : 0n, true);
  view.setUint32(HDR + 8, nameRoom, true);
  view.setBigUint64(HDR + 16, base + BigInt(IOV), true);
  view.setBigUint64(HDR + 24, 1n, true);
  view.setBigUint64(HDR + 32, controlRoom > 0 ? base + BigInt(CONTROL) : 0n, true);
  view.setBigUint64(HDR + 40, BigInt(controlRoom), true);
  view.setBigUint64(IOV, base + BigInt(data), true);
  view.setBigUint64(IOV + 8, BigInt(dataLen), true);
  return data;
}

export interface HostMessage {
  /** Bytes received (the datagram's full length with MSG_TRUNC), or -errno. */
  n: number;
  addr: Uint8Array | null;
  flags: number;
  /** Control messages in the host's (64-bit) layout. */
  control: Uint8Array;
}

function ret(value: number | bigint): number {
  const v = Number(value);
  return v < 0 ? -koffi.errno() : v;
}

export function hostRecvmsg(fd: number, buf: Uint8Array, flags: number, wantAddr: boolean, controlRoom: number): HostMessage {
  const data = layout(buf.length, null, wantAddr ? NAME_ROOM : 0, null, controlRoom);
  const n = ret(recvmsgFn(fd, scratch, flags | MSG_DONTWAIT));
  if (n < 0) return { n, addr: null, flags: 0, control: new Uint8Array(0) };
  buf.set(bytes.subarray(data, data + Math.min(n, buf.length)));
  const nameLen = Math.min(view.getUint32(HDR + 8, true), NAME_ROOM);
  const controlLen = Math.min(Number(view.getBigUint64(HDR + 40, true)), controlRoom);
  return {
    n,
    addr: wantAddr ? Uint8Array.from(bytes.subarray(NAME, NAME + nameLen)) : null,
    flags: view.getInt32(HDR + 48, true),
    control: Uint8Array.from(bytes.subarray(CONTROL, CONTROL + controlLen)),
  };
}

/** sendmsg with control messages already in the host's layout. */
export function hostSendmsg(fd: number, data: Uint8Array, flags: number, addr: Uint8Array | null, control: Uint8Array): number {
  const at = layout(data.length, addr, addr ? addr.length : 0, control, control.length);
  bytes.set(data, at);
  return ret(sendmsgFn(fd, scratch, flags | MSG_NOSIGNAL | MSG_DONTWAIT));
}
