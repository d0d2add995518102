// Edge notifications for host fds: host epoll instances in edge-triggered
// mode, themselves watched by Node's event loop. A callback runs each time
// the host kernel wakes the fd's waiters for what it asked (every datagram
// or segment that arrives, write space freed after the fd was full, a
// hangup), which is when the kernel sends SIGIO to the owner of an O_ASYNC
// file; a level-triggered watch would instead fire over and over while
// data waits. Each interest set has an instance of its own: the kernel
// hands a registration only the wake-ups whose kind it asked for, so a
// reader hears arrivals and a writer hears freed space, whatever else the
// fd's state shows at the time. Whatever is ready when a watch starts is
// not reported: enabling O_ASYNC sends no signal either.
import { EPOLL_CTL_ADD, EPOLL_CTL_DEL, EPOLLET } from '../abi/epoll.js';
import { host } from './libc-net.js';
import { watchFd } from './fd-watch.js';

const EVENT_SIZE = 12;
const BATCH = 64;

type EdgeCallback = (events: number) => void;

class EdgeInstance {
  readonly watched = new Map<number, EdgeCallback>();
  private stopLoopWatch: (() => void) | null = null;
  private readonly events = new Uint8Array(EVENT_SIZE * BATCH);

  constructor(readonly epfd: number) {}

  /** Take every pending edge off the instance; `skip` (a watch just added) hears none of its own. */
  drain(skip = -1): void {
    for (;;) {
      const n = host.epollWait(this.epfd, this.events, BATCH);
      if (n <= 0) return;
      const v = new DataView(this.events.buffer);
      for (let i = 0; i < n; i++) {
        const ev = v.getUint32(i * EVENT_SIZE, true);
        const fd = v.getInt32(i * EVENT_SIZE + 4, true);
        if (fd !== skip) this.watched.get(fd)?.(ev);
      }
      if (n < BATCH) return;
    }
  }

  add(fd: number, interest: number, cb: EdgeCallback): (() => void) | number {
    if (this.watched.has(fd)) host.epollCtl(this.epfd, EPOLL_CTL_DEL, fd, null);
    const event = new Uint8Array(EVENT_SIZE);
    const v = new DataView(event.buffer);
    v.setUint32(0, (interest | EPOLLET) >>> 0, true);
    v.setInt32(4, fd, true);
    const r = host.epollCtl(this.epfd, EPOLL_CTL_ADD, fd, event);
    if (r < 0) return r;
    this.watched.set(fd, cb);
    this.drain(fd);
    this.stopLoopWatch ??= watchFd(this.epfd, { readable: true }, () => this.drain());
    let done = false;
    return () => {
      if (done || this.watched.get(fd) !== cb) return;
      done = true;
      this.watched.delete(fd);
      host.epollCtl(this.epfd, EPOLL_CTL_DEL, fd, null);
      if (this.watched.size === 0 && this.stopLoopWatch) {
        this.stopLoopWatch();
        this.stopLoopWatch = null;
      }
    };
  }
}

const instances = new Map<number, EdgeInstance>();

/**
 * Call `cb` with the epoll event bits each time host fd `fd` is woken for
 * something in `interest` (EPOLLIN, EPOLLOUT, EPOLLPRI, EPOLLRDHUP;
 * EPOLLERR and EPOLLHUP come with any). Returns the function that stops
 * it, or a negative errno.
 */
export function watchEdges(fd: number, interest: number, cb: EdgeCallback): (() => void) | number {
  let inst = instances.get(interest);
  if (!inst) {
    const epfd = host.epollCreate();
    if (epfd < 0) return epfd;
    inst = new EdgeInstance(epfd);
    instances.set(interest, inst);
  }
  return inst.add(fd, interest, cb);
}

/**
 * Report the edges pending now. The host coalesces wake-ups that come
 * before a read of the instance into one event, so after the guest itself
 * sends (to a socket of its own that signals) the edge is taken at once:
 * two sends make two signals, as the kernel's send_sigio on each wake-up.
 */
export function drainEdges(): void {
  for (const inst of instances.values()) if (inst.watched.size > 0) inst.drain();
}
