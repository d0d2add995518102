// The few host libc calls Node does not expose: readiness checks on host fds.
import { libc } from './ffi.js';

const pollFn = libc.func('int poll(_Inout_ uint8_t *fds, unsigned long nfds, int timeout)');

// the events these calls take, defined in abi/poll.ts
export { POLLIN, POLLOUT, POLLERR, POLLHUP, POLLRDHUP } from '../abi/poll.js';

const one = Buffer.alloc(8);

/** poll() a single host fd without waiting; returns revents (0 = nothing). */
export function pollNow(fd: number, events: number): number {
  one.writeInt32LE(fd, 0);
  one.writeInt16LE(events, 4);
  one.writeInt16LE(0, 6);
  const n = pollFn(one, 1, 0) as number;
  return n > 0 ? one.readUInt16LE(6) : 0;
}

/** poll() many host fds without waiting; returns revents in the same order. */
export function pollMany(list: { fd: number; events: number }[]): number[] {
  if (list.length === 0) return [];
  const buf = Buffer.alloc(8 * list.length);
  list.forEach((e, i) => {
    buf.writeInt32LE(e.fd, 8 * i);
    buf.writeInt16LE(e.events, 8 * i + 4);
  });
  const n = pollFn(buf, list.length, 0) as number;
  return list.map((_, i) => (n > 0 ? buf.readUInt16LE(8 * i + 6) : 0));
}

export { watchFd, forgetFd } from './fd-watch.js';
