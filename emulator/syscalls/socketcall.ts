// socketcall(2): the original i386 entry point for all socket operations,
// still used by older binaries (and by glibc for a few calls): call number
// plus a pointer to the arguments.
import { EINVAL } from '../abi/errno.js';
import {
  accept4, bind, connect, getsockopt, listen, recvfrom, recvmsg, sendmsg, sendto, setsockopt, shutdown,
  socket, socketpair, sockname,
} from './net.js';
import { row, SyscallContext, SyscallResult, SyscallRow } from './types.js';

const ARGC: Record<number, number> = {
  1: 3, 2: 3, 3: 3, 4: 2, 5: 3, 6: 3, 7: 3, 8: 4, 9: 4, 10: 4, 11: 6, 12: 6, 13: 2, 14: 5, 15: 5, 16: 3, 17: 3, 18: 4,
};

function socketcall(ctx: SyscallContext, call: number, args: number): SyscallResult {
  const n = ARGC[call];
  if (n === undefined) return -EINVAL;
  const a = Array.from({ length: 6 }, (_, i) => (i < n ? ctx.mem.u32(args + 4 * i) : 0));
  switch (call) {
    case 1: return socket(ctx, a[0], a[1], a[2]);
    case 2: return bind(ctx, a[0], a[1], a[2]);
    case 3: return connect(ctx, a[0], a[1], a[2]);
    case 4: return listen(ctx, a[0], a[1]);
    case 5: return accept4(ctx, a[0], a[1], a[2], 0);
    case 6: return sockname(ctx, a[0], a[1], a[2], false);
    case 7: return sockname(ctx, a[0], a[1], a[2], true);
    case 8: return socketpair(ctx, a[0], a[1], a[2], a[3]);
    case 9: return sendto(ctx, a[0], a[1], a[2], a[3], 0, 0);
    case 10: return recvfrom(ctx, a[0], a[1], a[2], a[3], 0, 0);
    case 11: return sendto(ctx, a[0], a[1], a[2], a[3], a[4], a[5]);
    case 12: return recvfrom(ctx, a[0], a[1], a[2], a[3], a[4], a[5]);
    case 13: return shutdown(ctx, a[0], a[1]);
    case 14: return setsockopt(ctx, a[0], a[1], a[2], a[3], a[4]);
    case 15: return getsockopt(ctx, a[0], a[1], a[2], a[3], a[4]);
    case 16: return sendmsg(ctx, a[0], a[1], a[2]);
    case 17: return recvmsg(ctx, a[0], a[1], a[2]);
    case 18: return accept4(ctx, a[0], a[1], a[2], a[3]);
    default: return -EINVAL;
  }
}

export const socketcallRows: SyscallRow[] = [
  row(102, 'socketcall', ['int', 'ptr'], (ctx, a, b) => socketcall(ctx, a, b)),
];
