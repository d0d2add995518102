// Unix-domain socket names as the guest sees them. The host kernel knows a
// bound socket by its host path (inside the guest's root); getsockname,
// getpeername, accept and recvfrom must show the name the guest bound,
// byte for byte (a relative "srv.sock" stays relative), or, for a socket
// another program bound, its path inside the guest's root.
import { EADDRINUSE, ENAMETOOLONG, ENOENT, EPERM, LinuxError } from '../abi/errno.js';
import { hostOpenPath } from '../host/fs-at.js';
import { release, type Vfs } from '../files/vfs.js';
import { AF_UNIX } from './policy.js';

/** sun_path holds 108 bytes with the terminating NUL. */
const SUN_PATH_MAX = 107;

/**
 * The host path for a guest's Unix socket path, reaching exactly what a
 * confined lookup found: for bind(), the new name inside its directory
 * held open (`/proc/self/fd/<dir>/<name>`: the kernel jumps to that
 * directory and creates one name there, never following a symlink); for
 * connect() and sendto(), the socket file itself through an O_PATH fd on
 * it (`/proc/self/fd/<fd>`), so a name swapped for a symlink after the
 * lookup changes nothing. The fds stay open until the next such call.
 */
export function unixHostPath(vfs: Vfs, guestPath: string, forBind: boolean): string {
  vfs.releaseSocketFds();
  const r = vfs.resolve(guestPath, { followLast: !forBind });
  try {
    if (r.node) throw new LinuxError(forBind ? EADDRINUSE : ENOENT, guestPath);
    let host: string;
    if (forBind) {
      if (r.stat !== null) throw new LinuxError(EADDRINUSE, guestPath);
      vfs.policy.checkIn(r.dir.fd, r.guest);
      host = `/proc/self/fd/${r.dir.fd}/${r.name}`;
      if (r.dir.owned) {
        vfs.holdForSocketCall(r.dir.fd);
        r.dir.owned = false;
      }
    } else {
      if (r.stat === null) throw new LinuxError(ENOENT, guestPath);
      const fd = hostOpenPath(r.dir.fd, r.name);
      vfs.holdForSocketCall(fd);
      host = `/proc/self/fd/${fd}`;
    }
    if (Buffer.byteLength(host) > SUN_PATH_MAX) throw new LinuxError(ENAMETOOLONG, 'socket name too long on the host');
    return host;
  } finally {
    release(r);
  }
}

let abstractNoted = false;

/**
 * The abstract namespace is the whole host's (a root does not confine it):
 * a guest may bind or reach abstract names only when the user allowed it
 * (--unix-abstract, or --net-expose). Otherwise EPERM, what a process
 * whose Landlock domain scopes abstract sockets gets, and one note.
 */
export function checkAbstractName(allowed: boolean): void {
  if (allowed) return;
  if (!abstractNoted) {
    abstractNoted = true;
    process.stderr.write('dsu: an abstract Unix socket name was refused (EPERM); --unix-abstract allows them\n');
  }
  throw new LinuxError(EPERM, 'abstract Unix socket names are not allowed');
}

const bound = new WeakMap<Vfs, Map<string, Uint8Array>>();

function pathOf(addr: Uint8Array): string | null {
  if (addr.length <= 2 || addr[2] === 0) return null; // unnamed or abstract
  const path = addr.subarray(2);
  const nul = path.indexOf(0);
  return Buffer.from(path.subarray(0, nul < 0 ? path.length : nul)).toString('utf8');
}

/** A guest bind() of `guestAddr` became the host address `hostAddr`. */
export function rememberUnixName(vfs: Vfs, hostAddr: Uint8Array, guestAddr: Uint8Array): void {
  const host = pathOf(hostAddr);
  if (host === null) return;
  let names = bound.get(vfs);
  if (!names) bound.set(vfs, (names = new Map()));
  const guestPath = pathOf(guestAddr) ?? '';
  // the kernel reports the path and its terminating NUL, however long the guest's sockaddr was
  const shown = new Uint8Array(2 + Buffer.byteLength(guestPath) + 1);
  shown.set(guestAddr.subarray(0, 2));
  shown.set(Buffer.from(guestPath, 'utf8'), 2);
  names.set(host, shown);
}

/** A host socket address as the guest should see it. */
export function guestUnixName(vfs: Vfs, hostAddr: Uint8Array): Uint8Array {
  if (hostAddr.length < 2 || (hostAddr[0] | (hostAddr[1] << 8)) !== AF_UNIX) return hostAddr;
  const host = pathOf(hostAddr);
  if (host === null) return hostAddr;
  const known = bound.get(vfs)?.get(host);
  if (known) return known;
  const guest = vfs.toGuest(host) ?? host;
  const out = new Uint8Array(2 + Buffer.byteLength(guest) + 1);
  out.set(hostAddr.subarray(0, 2));
  out.set(Buffer.from(guest, 'utf8'), 2);
  return out;
}
