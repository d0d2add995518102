// A guest socket: a non-blocking host socket plus what the guest believes
// about it (blocking mode, timeouts, the address it asked to bind). Data and
// errors come straight from the host kernel, so EINPROGRESS, SO_ERROR,
// partial writes, ECONNRESET and the listen backlog are the real thing.
import { EAGAIN, EALREADY, EINTR, EINPROGRESS, EINVAL, EISCONN, EPIPE, LinuxError } from '../abi/errno.js';
import { anyOf, afterMs, Arm, Blocked } from '../kernel/wait.js';
import { IoResult, StatInfo } from '../files/description.js';
import { host, MSG_DONTWAIT, MSG_NOSIGNAL, SOL_SOCKET } from '../host/libc-net.js';
import { watchFd } from '../host/fd-watch.js';
import { drainEdges } from '../host/edge-watch.js';
import { hostRecvmsg, hostSendmsg } from '../host/msghdr.js';
import { postSignal, SI_USER } from '../signals/post.js';
import { signalAwareState, SignalAwareState } from '../signals/interrupt.js';
import { HostObject } from './host-object.js';
import { bindAddress, destinationAddress, family, AF_INET, AF_INET6, AF_UNIX, AF_UNSPEC, NetPolicy } from './policy.js';
import { checkRawHeader, checkSocketOption, IP_HDRINCL, IPPROTO_IP, IPPROTO_IPV6, IPV6_HDRINCL, SOCK_RAW } from './route-policy.js';
import { guestUnixName, rememberUnixName } from './unix-names.js';
import { AF_NETLINK, checkNetlinkRequest } from './netlink.js';
import { interfaceIoctl } from './interface-ioctl.js';
import { closeV4Companion, isDualStack, isIpv6Any, isV6OnlyOption, mappedV6, openV4Companion, V4Companion } from './dual-stack.js';
import { forgetFd } from '../host/fd-watch.js';
import { forgetPollInterest } from '../host/poll-set.js';
import type { SyscallContext } from '../syscalls/types.js';

const SOCK_STREAM = 1;
const SOCK_DGRAM = 2;
const SOCK_TYPE_MASK = 0xf;

const SO_RCVTIMEO_OLD = 20;
const SO_SNDTIMEO_OLD = 21;
const SO_RCVTIMEO_NEW = 66;
const SO_SNDTIMEO_NEW = 67;
const MSG_WAITALL = 0x100;
const S_IFSOCK = 0o140000;
const BACKLOG_RETRY_MS = 10;

let nextInode = 1000;

/** What a receive returns: the count (or -errno) and, when asked, the sender; recvmsg adds flags and host control messages. */
/** Progress of a blocking stream send across its waits. */
interface SendState extends SignalAwareState {
  streamSent?: number;
}

export interface Received {
  n: number;
  addr: Uint8Array | null;
  flags?: number;
  control?: Uint8Array;
}

export class Socket extends HostObject {
  /** The address the guest asked to bind, shown back by getsockname. */
  private requested: Uint8Array | null = null;
  private recvTimeoutMs = 0;
  private sendTimeoutMs = 0;
  readonly inode = nextInode++;
  /** The 127.0.0.1 listener of a dual-stack `::` socket kept on loopback. */
  private v4: V4Companion | null = null;
  /** An IPv4 connection accepted by a dual-stack socket: its names are shown IPv4-mapped. */
  private mappedV4 = false;

  constructor(fd: number, statusFlags: number, readonly domain: number, readonly type: number, private readonly policy: NetPolicy) {
    super(fd, statusFlags, '', S_IFSOCK | 0o777);
    this.path = `socket:[${this.inode}]`;
  }

  get kind(): number {
    return this.type & SOCK_TYPE_MASK;
  }

  override get readyFd(): number {
    return this.v4?.merged ?? this.fd;
  }

  bind(ctx: SyscallContext, addr: Uint8Array): number {
    const hostAddr = bindAddress(addr, this.policy, ctx.proc.vfs);
    // `::` on loopback is ::1 on the host: IPv4 clients need a listener of their own
    const dual = !this.policy.exposeBinds && this.kind === SOCK_STREAM && isIpv6Any(addr) && isDualStack(this.fd);
    const r = host.bind(this.fd, hostAddr);
    if (r === 0 && (family(addr) === AF_INET || family(addr) === AF_INET6)) this.requested = Uint8Array.from(addr);
    if (r === 0 && dual) this.v4 = openV4Companion(this.fd, this.type);
    if (r === 0 && family(addr) === AF_UNIX) rememberUnixName(ctx.proc.vfs, hostAddr, addr);
    return r;
  }

  listen(backlog: number): number {
    const r = host.listen(this.fd, backlog | 0);
    if (r === 0 && this.v4) host.listen(this.v4.fd, backlog | 0);
    return r;
  }

  accept(ctx: SyscallContext): { socket: Socket; addr: Uint8Array } | number | Blocked {
    const r = host.accept(this.fd);
    if (r === -EAGAIN && this.v4) {
      const v4 = host.accept(this.v4.fd);
      if (typeof v4 !== 'number') {
        const socket = new Socket(v4.fd, 2, this.domain, this.type, this.policy);
        socket.mappedV4 = true;
        return { socket, addr: mappedV6(v4.addr) };
      }
    }
    if (typeof r === 'number') {
      if (r === -EAGAIN && !this.nonBlocking) {
        if (this.timedOut(ctx, this.recvTimeoutMs)) return -EAGAIN;
        return this.wait(ctx, { readable: true }, this.recvTimeoutMs, 'accept');
      }
      return r;
    }
    return { socket: new Socket(r.fd, 2, this.domain, this.type, this.policy), addr: guestUnixName(ctx.proc.vfs, r.addr) };
  }

  connect(ctx: SyscallContext, addr: Uint8Array): number | Blocked {
    const state = (ctx.thread.syscallState ??= {});
    const dest = destinationAddress(addr, this.policy, ctx.proc.vfs);
    if (state.connecting) {
      if (this.timedOut(ctx, this.sendTimeoutMs)) return -EINPROGRESS;
      // Asking the host again is what finishes a blocking connect in the
      // kernel: EISCONN once connected, EALREADY while under way, and on
      // failure the error itself with the socket reset so that it can
      // connect again (reading SO_ERROR instead would leave it half-failed,
      // and a later connect would say ECONNABORTED).
      const again = host.connect(this.fd, dest);
      if (again === 0 || again === -EISCONN) return 0;
      if (again !== -EALREADY && again !== -EINPROGRESS) return again;
      return this.wait(ctx, { writable: true }, this.sendTimeoutMs, 'connect');
    }
    const r = host.connect(this.fd, dest);
    if (r === -EAGAIN && this.domain === AF_UNIX && this.kind !== SOCK_DGRAM && !this.nonBlocking) return this.waitForListener(ctx);
    if (r !== -EINPROGRESS || this.nonBlocking) return r;
    state.connecting = true;
    return this.wait(ctx, { writable: true }, this.sendTimeoutMs, 'connect');
  }

  /**
   * send/sendto/sendmsg; `control` (host layout) makes it a host sendmsg.
   * On a blocking stream socket the kernel returns only when everything is
   * sent (or a signal or SO_SNDTIMEO cuts it short, with the count so far),
   * while the host socket takes what fits: the rest is sent as room
   * appears, the count kept in the call's state as `streamSent`.
   */
  send(ctx: SyscallContext, data: Uint8Array, flags: number, dest: Uint8Array | null, control: Uint8Array | null = null): IoResult {
    const state = signalAwareState(ctx) as SendState;
    const sent = state.streamSent ?? 0;
    const blocking = !this.nonBlocking && !(flags & MSG_DONTWAIT);
    const hostDest = this.sendDestination(ctx, dest);
    if (this.domain === AF_NETLINK) checkNetlinkRequest(data);
    if (this.kind === SOCK_RAW && this.writesIpHeader()) checkRawHeader(data.subarray(sent), this.domain, this.policy, ctx.proc.vfs);
    const hostFlags = flags & ~MSG_DONTWAIT;
    const rest = data.subarray(sent);
    const r = control === null || control.length === 0 || sent > 0
      ? host.sendto(this.fd, rest, hostFlags, hostDest)
      : hostSendmsg(this.fd, rest, hostFlags, hostDest, control);
    if (r >= 0) {
      drainEdges();
      const total = sent + r;
      if (total >= data.length || !blocking || this.kind !== SOCK_STREAM) return this.sent(state, total);
      state.streamSent = total;
      state.onSignal = () => total;
      if (this.timedOut(ctx, this.sendTimeoutMs)) return this.sent(state, total);
      return this.wait(ctx, { writable: true }, this.sendTimeoutMs, 'send');
    }
    if (sent > 0 && r !== -EAGAIN) return this.sent(state, sent);
    if (r === -EPIPE && !(flags & MSG_NOSIGNAL)) postSignal(ctx.proc, { signo: 13, code: SI_USER, pid: ctx.proc.pid }, ctx.thread);
    if (r === -EAGAIN && blocking) {
      if (this.timedOut(ctx, this.sendTimeoutMs)) return sent > 0 ? this.sent(state, sent) : -EAGAIN;
      return this.wait(ctx, { writable: true }, this.sendTimeoutMs, 'send');
    }
    return r;
  }

  /**
   * The host address a send goes to. An inet socket given an AF_UNSPEC
   * address: IPv4 (and raw IPv6) sockets send to the address it holds
   * anyway, so it is checked as one; a UDP IPv6 socket takes it as none.
   */
  private sendDestination(ctx: SyscallContext, dest: Uint8Array | null): Uint8Array | null {
    if (dest === null) return null;
    if (family(dest) === AF_UNSPEC && (this.domain === AF_INET || this.domain === AF_INET6)) {
      if (this.domain === AF_INET6 && this.kind !== SOCK_RAW) return null;
      const asInet = Uint8Array.from(dest);
      asInet[0] = this.domain;
      asInet[1] = 0;
      return destinationAddress(asInet, this.policy, ctx.proc.vfs);
    }
    return destinationAddress(dest, this.policy, ctx.proc.vfs);
  }

  /** Whether this raw socket's data starts with an IP header it built itself. */
  private writesIpHeader(): boolean {
    const v4 = this.domain === AF_INET;
    const r = host.getsockopt(this.fd, v4 ? IPPROTO_IP : IPPROTO_IPV6, v4 ? IP_HDRINCL : IPV6_HDRINCL, 4);
    // unknown to the host (an old kernel without IPV6_HDRINCL): the header is the kernel's
    return typeof r !== 'number' && r.some((b) => b !== 0);
  }

  /** A send is complete: forget its progress (sendfile sends chunk after chunk in one call). */
  private sent(state: SendState, total: number): number {
    state.streamSent = undefined;
    state.onSignal = undefined;
    return total;
  }

  /**
   * recv/recvfrom/recvmsg. With `controlRoom` (recvmsg) the host call is a
   * real recvmsg, so msg_flags and control messages are the kernel's.
   */
  receive(ctx: SyscallContext, buf: Uint8Array, flags: number, wantAddr: boolean, controlRoom = -1): Received | Blocked {
    const state = (ctx.thread.syscallState ??= {});
    const got = (state.got as number | undefined) ?? 0;
    const blocking = !this.nonBlocking && !(flags & MSG_DONTWAIT);
    const hostFlags = flags & ~(MSG_DONTWAIT | MSG_WAITALL);
    const r: Received = controlRoom < 0
      ? host.recvfrom(this.fd, buf.subarray(got), hostFlags, wantAddr)
      : hostRecvmsg(this.fd, buf.subarray(got), hostFlags, wantAddr, controlRoom === 0 ? 0 : 2 * controlRoom + 64);
    if (r.n === -EAGAIN && blocking) {
      if (this.timedOut(ctx, this.recvTimeoutMs)) return { n: got > 0 ? got : -EAGAIN, addr: null };
      return this.wait(ctx, { readable: true }, this.recvTimeoutMs, 'recv');
    }
    if (r.n < 0) return got > 0 ? { n: got, addr: null } : r;
    const total = got + r.n;
    if ((flags & MSG_WAITALL) && this.kind === SOCK_STREAM && r.n > 0 && total < buf.length && blocking) {
      state.got = total;
      (state as SignalAwareState).onSignal = () => total;
      return this.wait(ctx, { readable: true }, this.recvTimeoutMs, 'recv');
    }
    return { ...r, n: total, addr: r.addr && guestUnixName(ctx.proc.vfs, r.addr) };
  }

  override read(ctx: SyscallContext, buf: Uint8Array): IoResult {
    const r = this.receive(ctx, buf, 0, false);
    return r instanceof Blocked ? r : r.n;
  }

  override write(ctx: SyscallContext, data: Uint8Array): IoResult {
    return this.send(ctx, data, 0, null);
  }

  shutdown(how: number): number {
    return host.shutdown(this.fd, how);
  }

  /** getsockname/getpeername, showing the guest the address it bound. */
  name(ctx: SyscallContext, peer: boolean): Uint8Array | number {
    const r = host.sockname(this.fd, peer);
    if (typeof r === 'number') return r;
    if (this.mappedV4) return mappedV6(r);
    if (peer || this.requested === null) return guestUnixName(ctx.proc.vfs, r);
    // once connected the kernel shows the local address the route chose, as the host does
    if (typeof host.sockname(this.fd, true) !== 'number') return r;
    const shown = Uint8Array.from(this.requested);
    shown[2] = r[2]; // the port the kernel chose for port 0
    shown[3] = r[3];
    return shown;
  }

  setOption(level: number, name: number, value: Uint8Array): number {
    checkSocketOption(level, name, value, this.policy);
    if (level === SOL_SOCKET) {
      if (name === SO_RCVTIMEO_OLD || name === SO_RCVTIMEO_NEW) {
        this.recvTimeoutMs = timevalMs(value, name === SO_RCVTIMEO_NEW);
        return 0;
      }
      if (name === SO_SNDTIMEO_OLD || name === SO_SNDTIMEO_NEW) {
        this.sendTimeoutMs = timevalMs(value, name === SO_SNDTIMEO_NEW);
        return 0;
      }
    }
    return host.setsockopt(this.fd, level, name, value);
  }

  getOption(level: number, name: number, size: number): Uint8Array | number {
    if (level === SOL_SOCKET && (name === SO_RCVTIMEO_OLD || name === SO_SNDTIMEO_OLD || name === SO_RCVTIMEO_NEW || name === SO_SNDTIMEO_NEW)) {
      const ms = name === SO_RCVTIMEO_OLD || name === SO_RCVTIMEO_NEW ? this.recvTimeoutMs : this.sendTimeoutMs;
      const wide = name === SO_RCVTIMEO_NEW || name === SO_SNDTIMEO_NEW;
      const out = new DataView(new ArrayBuffer(wide ? 16 : 8));
      if (wide) {
        out.setBigInt64(0, BigInt(Math.floor(ms / 1000)), true);
        out.setBigInt64(8, BigInt((ms % 1000) * 1000), true);
      } else {
        out.setInt32(0, Math.floor(ms / 1000), true);
        out.setInt32(4, (ms % 1000) * 1000, true);
      }
      return new Uint8Array(out.buffer);
    }
    if (size < 0) return -EINVAL;
    if (this.v4 && isV6OnlyOption(level, name)) return new Uint8Array(4);
    return host.getsockopt(this.fd, level, name, size);
  }

  override ioctl(ctx: SyscallContext, request: number, arg: number): number {
    return interfaceIoctl(ctx, this.fd, request, arg) ?? super.ioctl(ctx, request, arg);
  }

  override stat(): StatInfo {
    const s = super.stat();
    return { ...s, ino: BigInt(this.inode) };
  }

  override release(): void {
    if (this.v4) {
      forgetFd(this.v4.merged);
      forgetPollInterest(this.v4.merged);
      closeV4Companion(this.v4);
      this.v4 = null;
    }
    super.release();
  }

  /** True once a wait with the socket's timeout has lasted that long. */
  private timedOut(ctx: SyscallContext, timeoutMs: number): boolean {
    const state = ctx.thread.syscallState;
    return timeoutMs > 0 && state?.deadline !== undefined && Date.now() >= (state.deadline as number);
  }

  /** Block until the socket is ready, or until its timeout. */
  private wait(ctx: SyscallContext, events: { readable?: boolean; writable?: boolean }, timeoutMs: number, what: string): Blocked {
    const ready: Arm = (wake) => watchFd(this.readyFd, events, wake);
    if (timeoutMs <= 0) return new Blocked(ready, what);
    return new Blocked(anyOf(ready, afterMs(this.timeLeft(ctx, timeoutMs))), what);
  }

  /** Start (once per call) the wait of a socket timeout; returns the ms left. */
  private timeLeft(ctx: SyscallContext, timeoutMs: number): number {
    const state = (ctx.thread.syscallState ??= {});
    // a wait with a timeout ends with EINTR under a handler, even with SA_RESTART (socket(7))
    (state as SignalAwareState).onSignal ??= () => -EINTR;
    if (state.deadline === undefined) state.deadline = Date.now() + timeoutMs;
    return Math.max(0, (state.deadline as number) - Date.now());
  }

  /**
   * A blocking connect to a Unix listener whose backlog is full waits until
   * it accepts (or SO_SNDTIMEO passes, then EAGAIN). The host says nothing
   * when room appears, so the connect is tried again every few ms; each try
   * is a fresh connect, which a restart after a signal handler also is.
   */
  private waitForListener(ctx: SyscallContext): number | Blocked {
    if (this.sendTimeoutMs <= 0) return new Blocked(afterMs(BACKLOG_RETRY_MS), 'connect');
    if (this.timedOut(ctx, this.sendTimeoutMs)) return -EAGAIN;
    return new Blocked(afterMs(Math.min(BACKLOG_RETRY_MS, this.timeLeft(ctx, this.sendTimeoutMs))), 'connect');
  }
}

function timevalMs(value: Uint8Array, wide: boolean): number {
  const need = wide ? 16 : 8;
  if (value.length < need) throw new LinuxError(EINVAL);
  const v = new DataView(value.buffer, value.byteOffset, value.byteLength);
  const sec = wide ? Number(v.getBigInt64(0, true)) : v.getInt32(0, true);
  const usec = wide ? Number(v.getBigInt64(8, true)) : v.getInt32(4, true);
  if (usec < 0 || usec >= 1_000_000) throw new LinuxError(33); // EDOM, as the kernel says
  return sec * 1000 + Math.ceil(usec / 1000);
}

