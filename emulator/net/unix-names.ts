// Unix-domain socket names as the guest sees them. The host kernel knows a
// bound socket by its host path (inside the guest's root); getsockname,
// getpeername, accept and recvfrom must show the name the guest bound,
// byte for byte (a relative "srv.sock" stays relative), or, for a socket
// another program bound, its path inside the guest's root.
import type { Vfs } from '../files/vfs.js';
import { AF_UNIX } from './policy.js';

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
