// A guest file description that is a real host kernel object (socket,
// eventfd, timerfd, epoll instance). The host fd is always non-blocking;
// the guest's O_NONBLOCK decides whether EAGAIN is returned or the guest
// waits (with the host's event loop, never a busy loop).
import { EAGAIN } from '../abi/errno.js';
import { Blocked, Readiness } from '../kernel/wait.js';
import { FileDescription, IoResult, StatInfo } from '../files/description.js';
import { host } from '../host/libc-net.js';
import { pollNow, POLLIN, POLLOUT, POLLHUP, POLLERR, POLLRDHUP } from '../host/libc.js';
import { watchFd, forgetFd } from '../host/fd-watch.js';
import { forgetPollInterest } from '../host/poll-set.js';
import { syntheticStat } from '../files/stat-info.js';
import type { SyscallContext } from '../syscalls/types.js';

export abstract class HostObject extends FileDescription {
  constructor(readonly fd: number, statusFlags: number, path: string, private readonly mode: number) {
    super(statusFlags, path);
  }

  override hostFd(): number {
    return this.fd;
  }

  /** The host fd whose readiness is this object's (a dual-stack listener has one over two sockets). */
  get readyFd(): number {
    return this.fd;
  }

  /** Wait until the host fd is readable (or writable), then the syscall is retried. */
  waitFor(events: { readable?: boolean; writable?: boolean }, what: string): Blocked {
    return new Blocked((wake) => watchFd(this.readyFd, events, wake), what);
  }

  /** Turn a host EAGAIN into the guest's EAGAIN or a wait. */
  orWait(result: number, events: { readable?: boolean; writable?: boolean }, what: string): IoResult {
    if (result !== -EAGAIN || this.nonBlocking) return result;
    return this.waitFor(events, what);
  }

  override read(_ctx: SyscallContext, buf: Uint8Array): IoResult {
    return this.orWait(host.read(this.fd, buf), { readable: true }, 'read');
  }

  override write(_ctx: SyscallContext, data: Uint8Array): IoResult {
    return this.orWait(host.write(this.fd, data), { writable: true }, 'write');
  }

  override stat(): StatInfo {
    return syntheticStat(this.mode, this.fd);
  }

  override readiness(): Readiness {
    const ev = pollNow(this.readyFd, POLLIN | POLLOUT | POLLRDHUP);
    return { readable: (ev & POLLIN) !== 0, writable: (ev & POLLOUT) !== 0, hangup: (ev & POLLHUP) !== 0, error: (ev & POLLERR) !== 0 };
  }

  /** Raw poll(2) events of the host fd (for poll/select emulation). */
  pollEvents(events: number): number {
    return pollNow(this.readyFd, events);
  }

  override subscribe(changed: () => void): () => void {
    return watchFd(this.readyFd, { readable: true, writable: true }, changed);
  }

  override release(): void {
    forgetFd(this.fd);
    forgetPollInterest(this.fd);
    host.close(this.fd);
  }
}
