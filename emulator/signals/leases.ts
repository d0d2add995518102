// File leases (F_SETLEASE/F_GETLEASE) live on the host file, so that opens
// by any host process break them as the kernel breaks them. The host
// kernel tells the lease holder, dsu, with SIGIO (its default action would
// end dsu: a listener is installed before the first lease and kept); on
// each one dsu asks every lease it holds for the guest whether a break is
// pending (F_GETLEASE then shows the type it must drop to) and tells the
// guest as the kernel would: the lease's owner gets SIGIO, or its F_SETSIG
// signal with POLL_MSG and the fd.
import { EINVAL, errnoOf } from '../abi/errno.js';
import { F_UNLCK } from '../abi/fcntl.js';
import type { FileDescription } from '../files/description.js';
import { hostFcntlInt } from '../host/file-calls.js';
import type { Process } from '../process.js';
import { notifyOwner, ownByProcess, POLL_MSG } from './async-io.js';

export const F_SETLEASE = 1024;
export const F_GETLEASE = 1025;

interface Lease {
  hostFd: number;
  fd: number;
  type: number;
  /** A break was reported to the guest; it is not reported again. */
  breaking: boolean;
}

const held = new Map<FileDescription, Lease>();
let listening = false;

/** A host SIGIO: report each lease the host now wants broken. */
function checkLeases(): void {
  for (const [d, lease] of held) {
    let target: number;
    try {
      target = hostFcntlInt(lease.hostFd, F_GETLEASE, 0);
    } catch {
      continue;
    }
    if (target !== lease.type && !lease.breaking) {
      lease.breaking = true;
      notifyOwner(d, POLL_MSG, lease.fd);
    }
  }
}

/** F_SETLEASE on guest fd `fd`: F_RDLCK, F_WRLCK or F_UNLCK, with the host kernel's checks and errors. */
export function setLease(proc: Process, d: FileDescription, fd: number, type: number): number {
  const hostFd = d.hostFd();
  if (hostFd === null) return -EINVAL;
  if (type !== F_UNLCK && !listening) {
    process.on('SIGIO', checkLeases);
    listening = true;
  }
  try {
    hostFcntlInt(hostFd, F_SETLEASE, type);
  } catch (e) {
    return -errnoOf(e);
  }
  if (type === F_UNLCK) {
    held.delete(d);
    return 0;
  }
  if (!held.has(d)) d.onRelease(() => held.delete(d));
  held.set(d, { hostFd, fd, type, breaking: false });
  // taking a lease makes the taker the file's owner (the kernel's lease_setup)
  ownByProcess(proc, d);
  return 0;
}

/** F_GETLEASE: the lease held, or during a break the type it is being broken to. */
export function getLease(d: FileDescription): number {
  const hostFd = d.hostFd();
  if (hostFd === null) return F_UNLCK;
  try {
    return hostFcntlInt(hostFd, F_GETLEASE, 0);
  } catch (e) {
    return -errnoOf(e);
  }
}
