// Who is on the other end of a Unix socket (SO_PEERCRED), so that only the
// owner of the running program can control it, whatever the socket's mode.
import type net from 'node:net';
import { libc } from './ffi.js';

const getsockopt = libc.func('int getsockopt(int fd, int level, int name, _Out_ uint8_t *val, _Inout_ uint32_t *len)');
const SOL_SOCKET = 1;
const SO_PEERCRED = 17;

export interface PeerCredentials {
  pid: number;
  uid: number;
  gid: number;
}

export function peerCredentials(socket: net.Socket): PeerCredentials | null {
  const fd = (socket as unknown as { _handle?: { fd?: number } })._handle?.fd;
  if (typeof fd !== 'number' || fd < 0) return null;
  const buf = Buffer.alloc(12);
  const len = [12];
  if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, buf, len) !== 0) return null;
  return { pid: buf.readInt32LE(0), uid: buf.readUInt32LE(4), gid: buf.readUInt32LE(8) };
}
