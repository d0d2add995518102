// Linux errno values (the same on i386 and x86-64) and the single place where
// host (Node) errors become guest errno values.
import os from 'node:os';

export const EPERM = 1;
export const ENOENT = 2;
export const ESRCH = 3;
export const EINTR = 4;
export const EIO = 5;
export const ENXIO = 6;
export const E2BIG = 7;
export const ENOEXEC = 8;
export const EBADF = 9;
export const ECHILD = 10;
export const EAGAIN = 11;
export const ENOMEM = 12;
export const EACCES = 13;
export const EFAULT = 14;
export const EBUSY = 16;
export const EEXIST = 17;
export const EXDEV = 18;
export const ENODEV = 19;
export const ENOTDIR = 20;
export const EISDIR = 21;
export const EINVAL = 22;
export const ENFILE = 23;
export const EMFILE = 24;
export const ENOTTY = 25;
export const EFBIG = 27;
export const ENOSPC = 28;
export const ESPIPE = 29;
export const EROFS = 30;
export const EMLINK = 31;
export const EPIPE = 32;
export const EDOM = 33;
export const ERANGE = 34;
export const EDEADLK = 35;
export const ENAMETOOLONG = 36;
export const ENOSYS = 38;
export const ENOTEMPTY = 39;
export const ELOOP = 40;
export const ENODATA = 61;
export const EOVERFLOW = 75;
/** A corrupted shared library (execve's answer for a malformed interpreter). */
export const ELIBBAD = 80;
export const ENOTSOCK = 88;
export const EDESTADDRREQ = 89;
export const EMSGSIZE = 90;
export const EPROTOTYPE = 91;
export const ENOPROTOOPT = 92;
export const EPROTONOSUPPORT = 93;
export const EOPNOTSUPP = 95;
export const EAFNOSUPPORT = 97;
export const EADDRINUSE = 98;
export const EADDRNOTAVAIL = 99;
export const ENETUNREACH = 101;
export const ECONNABORTED = 103;
export const ECONNRESET = 104;
export const ENOBUFS = 105;
export const EISCONN = 106;
export const ENOTCONN = 107;
export const ETIMEDOUT = 110;
export const ECONNREFUSED = 111;
export const EHOSTUNREACH = 113;
export const EALREADY = 114;
export const EINPROGRESS = 115;

const hostErrno = os.constants.errno as Record<string, number>;

/** A guest-visible failure: handlers may throw it instead of returning -errno. */
export class LinuxError extends Error {
  constructor(readonly errno: number, message = `errno ${errno}`) {
    super(message);
  }
}

/** Translate an error thrown by Node (fs, net) into a Linux errno. */
export function errnoOf(error: unknown): number {
  if (error instanceof LinuxError) return error.errno;
  const e = error as { code?: unknown; errno?: unknown };
  if (typeof e?.code === 'string' && hostErrno[e.code] !== undefined) return hostErrno[e.code];
  if (typeof e?.errno === 'number' && e.errno < 0) return -e.errno;
  return EIO;
}

/** Name of an errno value, for strace output. */
export function errnoName(errno: number): string {
  for (const [name, value] of Object.entries(hostErrno)) if (value === errno) return name;
  return `E${errno}`;
}
