// Unix-domain socket names on their way to the host: a path is looked up
// inside the guest's root and handed over as a name only the confined
// lookup's result can mean; an abstract name is the whole host's and is
// allowed only with the user's leave.
import { EADDRINUSE, ENAMETOOLONG, ENOENT, EPERM, LinuxError } from '../abi/errno.js';
import { hostOpenPath } from '../host/fs-at.js';
import { release, type Vfs } from './vfs.js';

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
