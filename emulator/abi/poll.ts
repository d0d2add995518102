// Linux poll(2) events (poll.h): the same for the i386 guest and the host,
// whose poll() answers for host objects.
export const POLLIN = 0x001;
export const POLLPRI = 0x002;
export const POLLOUT = 0x004;
export const POLLERR = 0x008;
export const POLLHUP = 0x010;
export const POLLNVAL = 0x020;
export const POLLRDNORM = 0x040;
export const POLLWRNORM = 0x100;
/** The peer shut down its writing half. */
export const POLLRDHUP = 0x2000;
