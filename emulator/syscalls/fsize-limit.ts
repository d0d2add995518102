// RLIMIT_FSIZE, as the kernel applies it to regular files: a write is cut
// at the limit, and one that starts at or past it (or a truncate beyond it)
// fails with EFBIG after SIGXFSZ is sent (whose default action kills).
import { EFBIG } from '../abi/errno.js';
import { FileDescription } from '../files/description.js';
import { HostFile } from '../files/host-file.js';
import { postSignal, SI_USER } from '../signals/post.js';
import { currentLimit, RLIM_INFINITY } from './limits.js';
import type { SyscallContext } from './types.js';

const RLIMIT_FSIZE = 1;
const SIGXFSZ = 25;

function limitOf(ctx: SyscallContext): number | null {
  const soft = currentLimit(ctx, RLIMIT_FSIZE)[0];
  return soft >= RLIM_INFINITY ? null : Number(soft);
}

function exceeded(ctx: SyscallContext): number {
  postSignal(ctx.proc, { signo: SIGXFSZ, code: SI_USER, pid: ctx.proc.pid, uid: ctx.proc.ids.uid }, ctx.thread);
  return -EFBIG;
}

/** How many of `count` bytes may be written at `pos` (null: where write() would), or -EFBIG. */
export function fileSizeLimit(ctx: SyscallContext, d: FileDescription, count: number, pos: number | null): number {
  if (!(d instanceof HostFile) || count === 0) return count;
  const limit = limitOf(ctx);
  if (limit === null) return count;
  const at = pos ?? d.writePosition();
  if (at >= limit) return exceeded(ctx);
  return Math.min(count, limit - at);
}

/** 0 when a regular file may be truncated to `length`, else -EFBIG. */
export function truncateLimit(ctx: SyscallContext, length: number): number {
  const limit = limitOf(ctx);
  return limit !== null && length > limit ? exceeded(ctx) : 0;
}
