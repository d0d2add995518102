// The few host libc calls Node does not expose: readiness checks on host fds.
import koffi from 'koffi';

const libc = koffi.load('libc.so.6');
const pollFn = libc.func('int poll(_Inout_ uint8_t *fds, unsigned long nfds, int timeout)');

export const POLLIN = 0x001;
export const POLLPRI = 0x002;
export const POLLOUT = 0x004;
export const POLLERR = 0x008;
export const POLLHUP = 0x010;
export const POLLNVAL = 0x020;

const one = Buffer.alloc(8);

/** poll() a single host fd without waiting; returns revents (0 = nothing). */
export function pollNow(fd: number, events: number): number {
  one.writeInt32LE(fd, 0);
  one.writeInt16LE(events, 4);
  one.writeInt16LE(0, 6);
  const n = pollFn(one, 1, 0) as number;
  return n > 0 ? one.readUInt16LE(6) : 0;
}

export interface HostPollHandle {
  stop(): void;
}

/** Watch a host fd with Node's event loop (libuv); `cb` runs when it may be ready. */
export function watchFd(fd: number, events: { readable?: boolean; writable?: boolean }, cb: () => void): HostPollHandle {
  const handle = koffi.node.poll(fd, { readable: !!events.readable, writable: !!events.writable, disconnect: true }, () => cb());
  return {
    stop: () => {
      handle.stop();
      handle.close();
    },
  };
}
