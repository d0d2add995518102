// getrandom: the host's CSPRNG fills the buffer. It never runs short of
// entropy once the host has booted, so GRND_NONBLOCK never sees EAGAIN.
import crypto from 'node:crypto';
import { EINVAL } from '../abi/errno.js';
import { row, SyscallContext, SyscallRow } from './types.js';

const GRND_NONBLOCK = 1;
const GRND_RANDOM = 2;
const GRND_INSECURE = 4;
/** The kernel hands out at most this much per call. */
const MAX_PER_CALL = 0x1ffffff;

function getrandom(ctx: SyscallContext, buf: number, len: number, flags: number): number {
  if ((flags & ~(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE)) !== 0) return -EINVAL;
  if ((flags & GRND_INSECURE) !== 0 && (flags & GRND_RANDOM) !== 0) return -EINVAL;
  const n = Math.min(len >>> 0, MAX_PER_CALL);
  if (n === 0) return 0;
  crypto.randomFillSync(ctx.mem.writable(buf, n));
  return n;
}

export const randomRows: SyscallRow[] = [
  row(355, 'getrandom', ['outbuf', 'size', 'hex'], (ctx, a, b, c) => getrandom(ctx, a, b, c)),
];
