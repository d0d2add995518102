// Waiting for host fds with Node's event loop. libuv allows one poll handle
// per fd, so all interest in an fd shares one handle with the union of the
// wanted events; each watcher hears only the events it asked for. A handle
// whose watchers are gone is stopped but kept until forgetFd (the fd is being
// closed): a server blocks in epoll_wait or read over and over on the same
// fds, and creating and closing a handle each time (uv_poll_init's ioctl, a
// koffi object with a finalizer, uv_close) was most of a blocking wait's cost.
import koffi from 'koffi';

type Handle = ReturnType<typeof koffi.node.poll>;

interface Watchers {
  handle: Handle;
  readable: Set<() => void>;
  writable: Set<() => void>;
  active: string;
}

const byFd = new Map<number, Watchers>();

function refresh(fd: number, w: Watchers): void {
  if (w.readable.size === 0 && w.writable.size === 0) {
    if (w.active !== '') w.handle.stop();
    w.active = '';
    return;
  }
  const wanted = `${w.readable.size > 0}/${w.writable.size > 0}`;
  if (wanted === w.active) return;
  w.active = wanted;
  // koffi calls back with (status, events), not the (events) its typings declare
  const onPoll = (status: unknown, events?: { readable: boolean; writable: boolean; disconnect: boolean }): void => {
    const failed = typeof status === 'number' && status < 0;
    const ev = events ?? { readable: false, writable: false, disconnect: false };
    const fire = new Set<() => void>();
    if (failed || ev.readable || ev.disconnect) for (const cb of w.readable) fire.add(cb);
    if (failed || ev.writable || ev.disconnect) for (const cb of w.writable) fire.add(cb);
    for (const cb of fire) cb();
  };
  w.handle.start({ readable: w.readable.size > 0, writable: w.writable.size > 0, disconnect: true }, onPoll as never);
}

/** Call `cb` when the host fd may be ready for what was asked. Returns a cancel function. */
export function watchFd(fd: number, events: { readable?: boolean; writable?: boolean }, cb: () => void): () => void {
  let w = byFd.get(fd);
  if (!w) {
    const handle = koffi.node.poll(fd, { readable: false, writable: false, disconnect: false }, () => {});
    handle.stop();
    w = { handle, readable: new Set(), writable: new Set(), active: '' };
    byFd.set(fd, w);
  }
  const entry = () => cb();
  if (events.readable) w.readable.add(entry);
  if (events.writable) w.writable.add(entry);
  refresh(fd, w);
  let done = false;
  return () => {
    if (done) return;
    done = true;
    const cur = byFd.get(fd);
    if (cur !== w) return;
    cur.readable.delete(entry);
    cur.writable.delete(entry);
    refresh(fd, cur);
  };
}

/** Drop every watcher of a host fd that is about to be closed, and its handle. */
export function forgetFd(fd: number): void {
  const w = byFd.get(fd);
  if (!w) return;
  w.readable.clear();
  w.writable.clear();
  w.handle.stop();
  w.handle.close();
  byFd.delete(fd);
}
