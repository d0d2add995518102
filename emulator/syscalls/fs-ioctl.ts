// ioctl: the fd-table requests (FIOCLEX, FIONCLEX, FIONBIO, FIOASYNC and a
// socket's owner requests) here; terminal
// requests go to the host fd as they are (a terminal answers, anything else
// says ENOTTY like the kernel); the rest is up to the description.
import { EBADF } from '../abi/errno.js';
import { FIOASYNC, FIOCLEX, FIONBIO, FIONCLEX, TTY_REQUESTS, TtyArg } from '../abi/ioctl.js';
import { fioasync, socketOwnerIoctl } from './fcntl-async.js';
import { O_NONBLOCK, O_PATH } from '../files/description.js';
import { hostIoctl } from '../host/file-calls.js';
import { fdOf } from './fs-io.js';
import { terminalJobRequest } from './groups.js';
import { row, SyscallContext, SyscallRow } from './types.js';

function forward(ctx: SyscallContext, hostFd: number, request: number, how: TtyArg, arg: number): number {
  switch (how.kind) {
    case 'value': return hostIoctl(hostFd, request, arg);
    case 'none': return hostIoctl(hostFd, request, null);
    case 'in': return hostIoctl(hostFd, request, Buffer.from(ctx.mem.readable(arg, how.size)));
    case 'out': {
      ctx.mem.writable(arg, how.size);
      const out = Buffer.alloc(how.size);
      const r = hostIoctl(hostFd, request, out);
      ctx.mem.write(arg, out);
      return r;
    }
  }
}

function ioctl(ctx: SyscallContext, fd: number, request: number, arg: number): number {
  const d = fdOf(ctx, fd);
  if (!d || (d.statusFlags & O_PATH)) return -EBADF;
  const req = request >>> 0;
  switch (req) {
    case FIOCLEX:
      ctx.proc.fds.setCloexec(fd | 0, true);
      return 0;
    case FIONCLEX:
      ctx.proc.fds.setCloexec(fd | 0, false);
      return 0;
    case FIONBIO:
      if (ctx.mem.i32(arg) !== 0) d.statusFlags |= O_NONBLOCK;
      else d.statusFlags &= ~O_NONBLOCK;
      return 0;
    case FIOASYNC:
      return fioasync(ctx, d, fd | 0, ctx.mem.i32(arg) !== 0);
  }
  const owner = socketOwnerIoctl(ctx, d, req, arg);
  if (owner !== null) return owner;
  const job = terminalJobRequest(ctx, d, req, arg);
  if (job !== null) return job;
  const how = TTY_REQUESTS.get(req);
  const hostFd = d.hostFd();
  if (how && hostFd !== null) return forward(ctx, hostFd, req, how, arg);
  return d.ioctl(ctx, req, arg);
}

export const fsIoctlRows: SyscallRow[] = [
  row(54, 'ioctl', ['fd', 'hex', 'hex'], (ctx, a, b, c) => ioctl(ctx, a, b, c)),
];
