// Waiting for many host fds at once (a guest's poll or select): one host
// epoll set holds the fds of the current wait, and one libuv watcher waits
// on the set. Registrations persist between waits, so a server that polls
// the same fds over and over costs no epoll_ctl at all in steady state
// (arming a libuv handle per fd per call cost a server ~4 µs per fd).
import { host } from './libc-net.js';
import { watchFd } from './fd-watch.js';

import { EPOLL_CTL_ADD, EPOLL_CTL_DEL, EPOLL_CTL_MOD, EPOLLIN, EPOLLOUT, EPOLLPRI, EPOLLRDHUP } from '../abi/epoll.js';
import { EEXIST, ENOENT } from '../abi/errno.js';

export interface PollInterest {
  fd: number;
  readable: boolean;
  writable: boolean;
  priority?: boolean;
}

let epfd = -1;
/** Host fd -> the events it is registered with in the set. */
const registered = new Map<number, number>();
const event = new Uint8Array(12);
const eventView = new DataView(event.buffer);

function ctl(op: number, fd: number, events: number): number {
  eventView.setUint32(0, events, true);
  eventView.setUint32(4, fd, true);
  return host.epollCtl(epfd, op, fd, op === EPOLL_CTL_DEL ? null : event);
}

/** Register `fd` for `events`; false when the kernel cannot watch it (a regular file: always ready). */
function register(fd: number, events: number): boolean {
  if (registered.get(fd) === events) return true;
  let r = registered.has(fd) ? ctl(EPOLL_CTL_MOD, fd, events) : ctl(EPOLL_CTL_ADD, fd, events);
  // the fd was closed and its number reused, or registered behind our back
  if (r === -ENOENT) r = ctl(EPOLL_CTL_ADD, fd, events);
  else if (r === -EEXIST) r = ctl(EPOLL_CTL_MOD, fd, events);
  if (r < 0) {
    // EPERM: a regular file; anything else (EBADF): the guest's poll will say so
    registered.delete(fd);
    return false;
  }
  registered.set(fd, events);
  return true;
}

/**
 * Call `wake` when any of `fds` may be ready for what was asked. Fds left
 * over from earlier waits are removed from the set first, so that they
 * cannot wake this one. Returns a cancel function.
 */
export function waitForAny(fds: readonly PollInterest[], wake: () => void): () => void {
  if (epfd < 0) {
    epfd = host.epollCreate();
    if (epfd < 0) throw new Error(`epoll_create1: errno ${-epfd}`);
  }
  const wanted = new Map<number, number>();
  for (const f of fds) {
    const ev = (f.readable ? EPOLLIN | EPOLLRDHUP : 0) | (f.writable ? EPOLLOUT : 0) | (f.priority ? EPOLLPRI : 0);
    wanted.set(f.fd, (wanted.get(f.fd) ?? 0) | ev);
  }
  for (const fd of [...registered.keys()]) {
    if (!wanted.has(fd)) {
      ctl(EPOLL_CTL_DEL, fd, 0);
      registered.delete(fd);
    }
  }
  let unwatchable = false;
  for (const [fd, ev] of wanted) if (!register(fd, ev)) unwatchable = true;
  if (unwatchable) {
    // such an fd is always ready: let the caller look again at once
    const t = setImmediate(wake);
    return () => clearImmediate(t);
  }
  return watchFd(epfd, { readable: true }, wake);
}

/** The host fd is being closed: forget its registration (the kernel drops it with the file). */
export function forgetPollInterest(fd: number): void {
  if (registered.delete(fd) && epfd >= 0) ctl(EPOLL_CTL_DEL, fd, 0);
}
