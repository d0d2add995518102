// Sockets: the direct i386 socket syscalls. The socketcall multiplexer
// (socketcall.ts) unpacks its argument block and calls the same functions.
import { EBADF, EFAULT, EINVAL, ENOTSOCK, EOPNOTSUPP, EPROTONOSUPPORT, LinuxError } from '../abi/errno.js';
import { Blocked } from '../kernel/wait.js';
import { O_NONBLOCK, O_RDWR } from '../files/description.js';
import { host, SOCK_CLOEXEC, SOCK_NONBLOCK } from '../host/libc-net.js';
import { Socket } from '../net/socket.js';
import { AF_INET, AF_INET6, AF_UNIX } from '../net/policy.js';
import { AF_NETLINK, NETLINK_ROUTE } from '../net/netlink.js';
import { readIovecs } from './fs-io.js';
import { MSG_CTRUNC, guestControlMessages, toGuestControl, toHostControl } from '../net/cmsg.js';
import { receiveDescriptor, sendDescriptors } from '../net/fd-passing.js';

/** recvmsg: received descriptors are close-on-exec. */
const MSG_CMSG_CLOEXEC = 0x40000000;
import { checkSendControl, checkSocketType, noteRefusal, PolicyRefusal } from '../net/route-policy.js';
import { row, SyscallContext, SyscallResult, SyscallRow } from './types.js';

export function socketOf(ctx: SyscallContext, fd: number): Socket | number {
  const d = ctx.proc.fds.get(fd | 0);
  if (!d) return -EBADF;
  return d instanceof Socket ? d : -ENOTSOCK;
}

function readAddress(ctx: SyscallContext, addr: number, len: number): Uint8Array {
  if ((len | 0) < 0 || len > 128) throw new LinuxError(EINVAL);
  return Uint8Array.from(ctx.mem.readable(addr, len));
}

/** Copy a socket address out to the guest (truncated to its buffer), with the full length. */
function writeAddress(ctx: SyscallContext, addr: number, lenPtr: number, value: Uint8Array): number {
  if (addr === 0 || lenPtr === 0) return 0;
  const room = ctx.mem.i32(lenPtr);
  if (room < 0) return -EINVAL;
  ctx.mem.write(addr, value.subarray(0, Math.min(room, value.length)));
  ctx.mem.setU32(lenPtr, value.length);
  return 0;
}

function guestFlags(type: number): { status: number; cloexec: boolean } {
  return { status: O_RDWR | (type & SOCK_NONBLOCK ? O_NONBLOCK : 0), cloexec: (type & SOCK_CLOEXEC) !== 0 };
}

/** Run `call`, saying once why the policy refused it if it did. */
function noted<T>(ctx: SyscallContext, call: () => T): T {
  try {
    return call();
  } catch (e) {
    if (e instanceof PolicyRefusal) noteRefusal(ctx.proc, e, (line) => ctx.proc.log.line(line));
    throw e;
  }
}

export function socket(ctx: SyscallContext, domain: number, type: number, protocol: number): number {
  noted(ctx, () => checkSocketType(domain, type, ctx.proc.policy));
  if (domain === AF_NETLINK && protocol !== NETLINK_ROUTE) return -EPROTONOSUPPORT;
  if (domain !== AF_UNIX && domain !== AF_INET && domain !== AF_INET6 && domain !== AF_NETLINK) return -97; // EAFNOSUPPORT
  const fd = host.socket(domain, type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC), protocol);
  if (fd < 0) return fd;
  const f = guestFlags(type);
  const s = new Socket(fd, f.status, domain, type & 0xf, ctx.proc.policy);
  return ctx.proc.fds.install(s, f.cloexec);
}

export function socketpair(ctx: SyscallContext, domain: number, type: number, protocol: number, sv: number): number {
  // the kernel stores the two descriptors' numbers before it makes the sockets
  ctx.mem.check(sv, 8, 2);
  if (domain !== AF_UNIX) return -EOPNOTSUPP;
  const pair = host.socketpair(domain, type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC), protocol);
  if (typeof pair === 'number') return pair;
  const f = guestFlags(type);
  const a = ctx.proc.fds.install(new Socket(pair[0], f.status, domain, type & 0xf, ctx.proc.policy), f.cloexec);
  if (a < 0) {
    host.close(pair[1]);
    return a;
  }
  const b = ctx.proc.fds.install(new Socket(pair[1], f.status, domain, type & 0xf, ctx.proc.policy), f.cloexec);
  if (b < 0) {
    ctx.proc.fds.close(a);
    return b;
  }
  ctx.mem.setI32(sv, a);
  ctx.mem.setI32(sv + 4, b);
  return 0;
}

export function bind(ctx: SyscallContext, fd: number, addr: number, len: number): number {
  const s = socketOf(ctx, fd);
  return typeof s === 'number' ? s : s.bind(ctx, readAddress(ctx, addr, len));
}

export function connect(ctx: SyscallContext, fd: number, addr: number, len: number): SyscallResult {
  const s = socketOf(ctx, fd);
  return typeof s === 'number' ? s : s.connect(ctx, readAddress(ctx, addr, len));
}

export function listen(ctx: SyscallContext, fd: number, backlog: number): number {
  const s = socketOf(ctx, fd);
  return typeof s === 'number' ? s : s.listen(backlog);
}

export function accept4(ctx: SyscallContext, fd: number, addr: number, lenPtr: number, flags: number): SyscallResult {
  const s = socketOf(ctx, fd);
  if (typeof s === 'number') return s;
  if (flags & ~(SOCK_NONBLOCK | SOCK_CLOEXEC)) return -EINVAL;
  const r = s.accept(ctx);
  if (typeof r === 'number' || r instanceof Blocked) return r;
  const f = guestFlags(flags);
  r.socket.statusFlags = f.status;
  const nfd = ctx.proc.fds.install(r.socket, f.cloexec);
  if (nfd < 0) return nfd;
  const w = writeAddress(ctx, addr, lenPtr, r.addr);
  return w < 0 ? w : nfd;
}

export function sockname(ctx: SyscallContext, fd: number, addr: number, lenPtr: number, peer: boolean): number {
  const s = socketOf(ctx, fd);
  if (typeof s === 'number') return s;
  const r = s.name(ctx, peer);
  if (typeof r === 'number') return r;
  if (addr === 0 || lenPtr === 0) return -EFAULT;
  return writeAddress(ctx, addr, lenPtr, r);
}

export function sendto(ctx: SyscallContext, fd: number, buf: number, len: number, flags: number, addr: number, alen: number): SyscallResult {
  const s = socketOf(ctx, fd);
  if (typeof s === 'number') return s;
  const dest = addr === 0 ? null : readAddress(ctx, addr, alen);
  return noted(ctx, () => s.send(ctx, ctx.mem.readable(buf, len), flags, dest));
}

export function recvfrom(ctx: SyscallContext, fd: number, buf: number, len: number, flags: number, addr: number, lenPtr: number): SyscallResult {
  const s = socketOf(ctx, fd);
  if (typeof s === 'number') return s;
  const r = s.receive(ctx, ctx.mem.writable(buf, len), flags, addr !== 0);
  if (r instanceof Blocked) return r;
  if (r.n >= 0 && r.addr && addr !== 0) writeAddress(ctx, addr, lenPtr, r.addr);
  return r.n;
}

export function shutdown(ctx: SyscallContext, fd: number, how: number): number {
  const s = socketOf(ctx, fd);
  return typeof s === 'number' ? s : s.shutdown(how);
}

export function setsockopt(ctx: SyscallContext, fd: number, level: number, name: number, val: number, len: number): number {
  const s = socketOf(ctx, fd);
  if (typeof s === 'number') return s;
  if ((len | 0) < 0) return -EINVAL;
  const value = Uint8Array.from(ctx.mem.readable(val, Math.min(len, 256)));
  return noted(ctx, () => s.setOption(level, name, value));
}

export function getsockopt(ctx: SyscallContext, fd: number, level: number, name: number, val: number, lenPtr: number): number {
  const s = socketOf(ctx, fd);
  if (typeof s === 'number') return s;
  const room = ctx.mem.i32(lenPtr);
  if (room < 0) return -EINVAL;
  const r = s.getOption(level, name, room);
  if (typeof r === 'number') return r;
  const n = Math.min(room, r.length);
  ctx.mem.write(val, r.subarray(0, n));
  ctx.mem.setU32(lenPtr, n);
  return 0;
}

/** struct msghdr on i386: name, namelen, iov, iovlen, control, controllen, flags. */
function readMsghdr(ctx: SyscallContext, msg: number) {
  const m = ctx.mem;
  return {
    name: m.u32(msg), namelen: m.u32(msg + 4), iov: m.u32(msg + 8), iovlen: m.u32(msg + 12),
    control: m.u32(msg + 16), controllen: m.u32(msg + 20),
  };
}

export function sendmsg(ctx: SyscallContext, fd: number, msg: number, flags: number): SyscallResult {
  const s = socketOf(ctx, fd);
  if (typeof s === 'number') return s;
  const h = readMsghdr(ctx, msg);
  const vecs = readIovecs(ctx, h.iov, h.iovlen);
  if (typeof vecs === 'number') return vecs;
  const guestControl = h.control !== 0 && h.controllen !== 0 ? ctx.mem.readable(h.control, Math.min(h.controllen, 65536)) : null;
  if (guestControl) noted(ctx, () => checkSendControl(guestControlMessages(guestControl), ctx.proc.policy));
  const control = guestControl ? toHostControl(guestControl, (fds) => sendDescriptors(ctx.proc, fds)) : null;
  const total = vecs.reduce((n, v) => n + v.len, 0);
  const data = new Uint8Array(total);
  let at = 0;
  for (const v of vecs) {
    data.set(ctx.mem.readable(v.base, v.len), at);
    at += v.len;
  }
  const dest = h.name === 0 ? null : readAddress(ctx, h.name, h.namelen);
  return noted(ctx, () => s.send(ctx, data, flags, dest, control));
}

export function recvmsg(ctx: SyscallContext, fd: number, msg: number, flags: number): SyscallResult {
  const s = socketOf(ctx, fd);
  if (typeof s === 'number') return s;
  const h = readMsghdr(ctx, msg);
  const vecs = readIovecs(ctx, h.iov, h.iovlen);
  if (typeof vecs === 'number') return vecs;
  for (const v of vecs) ctx.mem.check(v.base, v.len, 2);
  const controlRoom = h.control === 0 ? 0 : Math.min(h.controllen, 65536);
  if (controlRoom > 0) ctx.mem.check(h.control, controlRoom, 2);
  const total = vecs.reduce((n, v) => n + v.len, 0);
  const tmp = new Uint8Array(total);
  const r = s.receive(ctx, tmp, flags, h.name !== 0, controlRoom);
  if (r instanceof Blocked) return r;
  if (r.n < 0) return r.n;
  let at = 0;
  for (const v of vecs) {
    if (at >= Math.min(r.n, total)) break;
    const k = Math.min(v.len, r.n - at);
    ctx.mem.write(v.base, tmp.subarray(at, at + k));
    at += k;
  }
  if (h.name !== 0) {
    const addr = r.addr ?? new Uint8Array(0);
    ctx.mem.write(h.name, addr.subarray(0, Math.min(h.namelen, addr.length)));
    ctx.mem.setU32(msg + 4, addr.length);
  }
  const cloexec = (flags & MSG_CMSG_CLOEXEC) !== 0;
  const control = toGuestControl(r.control ?? new Uint8Array(0), controlRoom, (hostFd) => receiveDescriptor(ctx.proc, hostFd, cloexec));
  if (control.bytes.length > 0) ctx.mem.write(h.control, control.bytes);
  ctx.mem.setU32(msg + 20, control.bytes.length);
  ctx.mem.setU32(msg + 24, ((r.flags ?? 0) | (control.truncated ? MSG_CTRUNC : 0)) >>> 0);
  return r.n;
}

export const netRows: SyscallRow[] = [
  row(359, 'socket', ['int', 'int', 'int'], (ctx, a, b, c) => socket(ctx, a, b, c)),
  row(360, 'socketpair', ['int', 'int', 'int', 'ptr'], (ctx, a, b, c, d) => socketpair(ctx, a, b, c, d)),
  row(361, 'bind', ['fd', 'ptr', 'int'], (ctx, a, b, c) => bind(ctx, a, b, c)),
  row(362, 'connect', ['fd', 'ptr', 'int'], (ctx, a, b, c) => connect(ctx, a, b, c)),
  row(363, 'listen', ['fd', 'int'], (ctx, a, b) => listen(ctx, a, b)),
  row(364, 'accept4', ['fd', 'ptr', 'ptr', 'hex'], (ctx, a, b, c, d) => accept4(ctx, a, b, c, d)),
  row(365, 'getsockopt', ['fd', 'int', 'int', 'ptr', 'ptr'], (ctx, a, b, c, d, e) => getsockopt(ctx, a, b, c, d, e)),
  row(366, 'setsockopt', ['fd', 'int', 'int', 'ptr', 'int'], (ctx, a, b, c, d, e) => setsockopt(ctx, a, b, c, d, e)),
  row(367, 'getsockname', ['fd', 'ptr', 'ptr'], (ctx, a, b, c) => sockname(ctx, a, b, c, false)),
  row(368, 'getpeername', ['fd', 'ptr', 'ptr'], (ctx, a, b, c) => sockname(ctx, a, b, c, true)),
  row(369, 'sendto', ['fd', 'buf', 'size', 'hex', 'ptr', 'int'], (ctx, a, b, c, d, e, f) => sendto(ctx, a, b, c, d, e, f)),
  row(370, 'sendmsg', ['fd', 'ptr', 'hex'], (ctx, a, b, c) => sendmsg(ctx, a, b, c)),
  row(371, 'recvfrom', ['fd', 'outbuf', 'size', 'hex', 'ptr', 'ptr'], (ctx, a, b, c, d, e, f) => recvfrom(ctx, a, b, c, d, e, f)),
  row(372, 'recvmsg', ['fd', 'ptr', 'hex'], (ctx, a, b, c) => recvmsg(ctx, a, b, c)),
  row(373, 'shutdown', ['fd', 'int'], (ctx, a, b) => shutdown(ctx, a, b)),
];

