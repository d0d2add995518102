// Host kernel calls for the objects the guest gets as real host fds:
// sockets, epoll instances, eventfds and timerfds. Every call is made
// non-blocking; the result is a value or a negative errno (the host's errno
// numbers are Linux's, the same the guest expects).
import koffi from 'koffi';
import { libc } from './ffi.js';


const f = {
  socket: libc.func('int socket(int domain, int type, int protocol)'),
  socketpair: libc.func('int socketpair(int domain, int type, int protocol, _Out_ int *sv)'),
  bind: libc.func('int bind(int fd, const uint8_t *addr, uint32_t len)'),
  listen: libc.func('int listen(int fd, int backlog)'),
  accept4: libc.func('int accept4(int fd, _Out_ uint8_t *addr, _Inout_ uint32_t *len, int flags)'),
  connect: libc.func('int connect(int fd, const uint8_t *addr, uint32_t len)'),
  getsockname: libc.func('int getsockname(int fd, _Out_ uint8_t *addr, _Inout_ uint32_t *len)'),
  getpeername: libc.func('int getpeername(int fd, _Out_ uint8_t *addr, _Inout_ uint32_t *len)'),
  sendto: libc.func('long sendto(int fd, const uint8_t *buf, size_t len, int flags, const uint8_t *addr, uint32_t alen)'),
  recvfrom: libc.func('long recvfrom(int fd, _Out_ uint8_t *buf, size_t len, int flags, _Out_ uint8_t *addr, _Inout_ uint32_t *alen)'),
  sendmsg: libc.func('long sendmsg(int fd, const uint8_t *msg, int flags)'),
  recvmsg: libc.func('long recvmsg(int fd, uint8_t *msg, int flags)'),
  shutdown: libc.func('int shutdown(int fd, int how)'),
  setsockopt: libc.func('int setsockopt(int fd, int level, int name, const uint8_t *val, uint32_t len)'),
  getsockopt: libc.func('int getsockopt(int fd, int level, int name, _Out_ uint8_t *val, _Inout_ uint32_t *len)'),
  read: libc.func('long read(int fd, _Out_ uint8_t *buf, size_t len)'),
  write: libc.func('long write(int fd, const uint8_t *buf, size_t len)'),
  close: libc.func('int close(int fd)'),
  epollCreate1: libc.func('int epoll_create1(int flags)'),
  epollCtl: libc.func('int epoll_ctl(int epfd, int op, int fd, const uint8_t *event)'),
  epollWait: libc.func('int epoll_wait(int epfd, _Out_ uint8_t *events, int max, int timeout)'),
  eventfd: libc.func('int eventfd(unsigned int initval, int flags)'),
  timerfdCreate: libc.func('int timerfd_create(int clockid, int flags)'),
  timerfdSettime: libc.func('int timerfd_settime(int fd, int flags, const uint8_t *newv, _Out_ uint8_t *oldv)'),
  timerfdGettime: libc.func('int timerfd_gettime(int fd, _Out_ uint8_t *cur)'),
  ioctlInt: libc.func('int ioctl(int fd, unsigned long request, _Out_ int *arg)'),
  fcntl: libc.func('int fcntl(int fd, int cmd, int arg)'),
  pipe2: libc.func('int pipe2(_Out_ int *fds, int flags)'),
};

/** Result of a host call: the value, or -errno on failure. */
function ret(value: number | bigint): number {
  const v = Number(value);
  return v < 0 ? -koffi.errno() : v;
}

export const SOCK_NONBLOCK = 0o4000;
export const SOCK_CLOEXEC = 0o2000000;
export const SOL_SOCKET = 1;
export const MSG_NOSIGNAL = 0x4000;
export const MSG_DONTWAIT = 0x40;
const FIONREAD = 0x541b;

export const host = {
  socket: (domain: number, type: number, protocol: number) => ret(f.socket(domain, type | SOCK_NONBLOCK | SOCK_CLOEXEC, protocol)),
  socketpair(domain: number, type: number, protocol: number): number | [number, number] {
    const sv = [0, 0];
    const r = ret(f.socketpair(domain, type | SOCK_NONBLOCK | SOCK_CLOEXEC, protocol, sv));
    return r < 0 ? r : [sv[0], sv[1]];
  },
  bind: (fd: number, addr: Uint8Array) => ret(f.bind(fd, addr, addr.length)),
  listen: (fd: number, backlog: number) => ret(f.listen(fd, backlog)),
  accept(fd: number): { fd: number; addr: Uint8Array } | number {
    const addr = new Uint8Array(128);
    const len = [128];
    const r = ret(f.accept4(fd, addr, len, SOCK_NONBLOCK | SOCK_CLOEXEC));
    return r < 0 ? r : { fd: r, addr: addr.subarray(0, Math.min(len[0], 128)) };
  },
  connect: (fd: number, addr: Uint8Array) => ret(f.connect(fd, addr, addr.length)),
  sockname(fd: number, peer: boolean): Uint8Array | number {
    const addr = new Uint8Array(128);
    const len = [128];
    const r = ret((peer ? f.getpeername : f.getsockname)(fd, addr, len));
    return r < 0 ? r : addr.subarray(0, Math.min(len[0], 128));
  },
  sendto: (fd: number, data: Uint8Array, flags: number, addr: Uint8Array | null) =>
    ret(f.sendto(fd, data, data.length, flags | MSG_NOSIGNAL | MSG_DONTWAIT, addr, addr ? addr.length : 0)),
  recvfrom(fd: number, buf: Uint8Array, flags: number, wantAddr: boolean): { n: number; addr: Uint8Array | null } {
    const addr = wantAddr ? new Uint8Array(128) : null;
    const len = [wantAddr ? 128 : 0];
    const n = ret(f.recvfrom(fd, buf, buf.length, flags | MSG_DONTWAIT, addr, wantAddr ? len : null));
    return { n, addr: addr && n >= 0 ? addr.subarray(0, Math.min(len[0], 128)) : null };
  },
  /** sendmsg/recvmsg with a host struct msghdr already built in host memory. */
  sendmsg: (fd: number, msg: Uint8Array, flags: number) => ret(f.sendmsg(fd, msg, flags | MSG_NOSIGNAL | MSG_DONTWAIT)),
  recvmsg: (fd: number, msg: Uint8Array, flags: number) => ret(f.recvmsg(fd, msg, flags | MSG_DONTWAIT)),
  shutdown: (fd: number, how: number) => ret(f.shutdown(fd, how)),
  setsockopt: (fd: number, level: number, name: number, value: Uint8Array) => ret(f.setsockopt(fd, level, name, value, value.length)),
  getsockopt(fd: number, level: number, name: number, size: number): Uint8Array | number {
    const buf = new Uint8Array(Math.max(size, 4));
    const len = [buf.length];
    const r = ret(f.getsockopt(fd, level, name, buf, len));
    return r < 0 ? r : buf.subarray(0, len[0]);
  },
  read: (fd: number, buf: Uint8Array) => ret(f.read(fd, buf, buf.length)),
  write: (fd: number, data: Uint8Array) => ret(f.write(fd, data, data.length)),
  close: (fd: number) => ret(f.close(fd)),
  /** Another host fd for the same open file (F_DUPFD_CLOEXEC). */
  dup: (fd: number) => ret(f.fcntl(fd, 1030, 0)),
  epollCreate: () => ret(f.epollCreate1(SOCK_CLOEXEC)),
  epollCtl: (epfd: number, op: number, fd: number, event: Uint8Array | null) => ret(f.epollCtl(epfd, op, fd, event)),
  epollWait: (epfd: number, events: Uint8Array, max: number) => ret(f.epollWait(epfd, events, max, 0)),
  eventfd: (initval: number, flags: number) => ret(f.eventfd(initval, flags | SOCK_NONBLOCK | SOCK_CLOEXEC)),
  timerfdCreate: (clock: number, flags: number) => ret(f.timerfdCreate(clock, flags | SOCK_NONBLOCK | SOCK_CLOEXEC)),
  timerfdSettime: (fd: number, flags: number, value: Uint8Array, old: Uint8Array) => ret(f.timerfdSettime(fd, flags, value, old)),
  timerfdGettime: (fd: number, cur: Uint8Array) => ret(f.timerfdGettime(fd, cur)),
  bytesAvailable(fd: number): number {
    const n = [0];
    const r = ret(f.ioctlInt(fd, FIONREAD, n));
    return r < 0 ? r : n[0];
  },
  pipe(): [number, number] | number {
    const fds = [0, 0];
    const r = ret(f.pipe2(fds, SOCK_NONBLOCK | SOCK_CLOEXEC));
    return r < 0 ? r : [fds[0], fds[1]];
  },
};
