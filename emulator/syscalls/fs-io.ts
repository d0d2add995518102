// Reading and writing through file descriptors: read/write and their vector
// and positioned forms, lseek/_llseek, close.
import { EBADF, EINVAL, EFAULT, EOPNOTSUPP, EOVERFLOW } from '../abi/errno.js';
import { Blocked } from '../kernel/wait.js';
import { FileDescription } from '../files/description.js';
import { row, SyscallContext, SyscallResult, SyscallRow } from './types.js';
import { fileSizeLimit } from './fsize-limit.js';

const IOV_MAX = 1024;
const MAX_RW = 0x7ffff000;

export function fdOf(ctx: SyscallContext, fd: number): FileDescription | null {
  return ctx.proc.fds.get(fd | 0) ?? null;
}

function read(ctx: SyscallContext, fd: number, buf: number, count: number): SyscallResult {
  const d = fdOf(ctx, fd);
  if (!d || !d.readableMode) return -EBADF;
  const n = Math.min(count >>> 0, MAX_RW);
  return d.read(ctx, ctx.mem.writable(buf, n));
}

function write(ctx: SyscallContext, fd: number, buf: number, count: number): SyscallResult {
  const d = fdOf(ctx, fd);
  if (!d || !d.writableMode) return -EBADF;
  const n = fileSizeLimit(ctx, d, Math.min(count >>> 0, MAX_RW), null);
  if (n < 0) return n;
  return d.write(ctx, ctx.mem.readable(buf, n));
}

interface IoVec {
  base: number;
  len: number;
}

export function readIovecs(ctx: SyscallContext, iov: number, count: number): IoVec[] | number {
  if ((count | 0) < 0 || count > IOV_MAX) return -EINVAL;
  const out: IoVec[] = [];
  let total = 0;
  for (let i = 0; i < count; i++) {
    const base = ctx.mem.u32(iov + 8 * i);
    const len = ctx.mem.u32(iov + 8 * i + 4);
    if (len > MAX_RW) return -EINVAL;
    total += len;
    if (total > MAX_RW) return -EINVAL;
    out.push({ base, len });
  }
  return out;
}

function gather(ctx: SyscallContext, vecs: IoVec[]): Uint8Array {
  const total = vecs.reduce((s, v) => s + v.len, 0);
  if (vecs.length === 1) return ctx.mem.readable(vecs[0].base, vecs[0].len);
  const out = new Uint8Array(total);
  let at = 0;
  for (const v of vecs) {
    out.set(ctx.mem.readable(v.base, v.len), at);
    at += v.len;
  }
  return out;
}

function scatter(ctx: SyscallContext, vecs: IoVec[], data: Uint8Array, n: number): void {
  let at = 0;
  for (const v of vecs) {
    if (at >= n) break;
    const k = Math.min(v.len, n - at);
    ctx.mem.write(v.base, data.subarray(at, at + k));
    at += k;
  }
}

function readv(ctx: SyscallContext, fd: number, iov: number, count: number): SyscallResult {
  const d = fdOf(ctx, fd);
  if (!d || !d.readableMode) return -EBADF;
  const vecs = readIovecs(ctx, iov, count);
  if (typeof vecs === 'number') return vecs;
  for (const v of vecs) ctx.mem.check(v.base, v.len, 2);
  if (vecs.length === 1) return d.read(ctx, ctx.mem.writable(vecs[0].base, vecs[0].len));
  const total = vecs.reduce((s, v) => s + v.len, 0);
  const tmp = new Uint8Array(total);
  const r = d.read(ctx, tmp);
  if (r instanceof Blocked || r <= 0) return r;
  scatter(ctx, vecs, tmp, r);
  return r;
}

function writev(ctx: SyscallContext, fd: number, iov: number, count: number): SyscallResult {
  const d = fdOf(ctx, fd);
  if (!d || !d.writableMode) return -EBADF;
  const vecs = readIovecs(ctx, iov, count);
  if (typeof vecs === 'number') return vecs;
  const data = gather(ctx, vecs);
  const n = fileSizeLimit(ctx, d, data.length, null);
  return n < 0 ? n : d.write(ctx, data.subarray(0, n));
}

function offset64(lo: number, hi: number): number {
  return hi * 2 ** 32 + (lo >>> 0);
}

function pread(ctx: SyscallContext, fd: number, buf: number, count: number, lo: number, hi: number): number {
  const d = fdOf(ctx, fd);
  if (!d || !d.readableMode) return -EBADF;
  const off = offset64(lo, hi | 0);
  if (off < 0) return -EINVAL;
  return d.pread(ctx.mem.writable(buf, Math.min(count >>> 0, MAX_RW)), off);
}

function pwrite(ctx: SyscallContext, fd: number, buf: number, count: number, lo: number, hi: number): number {
  const d = fdOf(ctx, fd);
  if (!d || !d.writableMode) return -EBADF;
  const off = offset64(lo, hi | 0);
  if (off < 0) return -EINVAL;
  const n = fileSizeLimit(ctx, d, Math.min(count >>> 0, MAX_RW), off);
  return n < 0 ? n : d.pwrite(ctx.mem.readable(buf, n), off);
}

function preadv(ctx: SyscallContext, fd: number, iov: number, count: number, lo: number, hi: number): number {
  const d = fdOf(ctx, fd);
  if (!d || !d.readableMode) return -EBADF;
  const vecs = readIovecs(ctx, iov, count);
  if (typeof vecs === 'number') return vecs;
  const total = vecs.reduce((s, v) => s + v.len, 0);
  const tmp = new Uint8Array(total);
  const r = d.pread(tmp, offset64(lo, hi | 0));
  if (r > 0) scatter(ctx, vecs, tmp, r);
  return r;
}

function pwritev(ctx: SyscallContext, fd: number, iov: number, count: number, lo: number, hi: number): number {
  const d = fdOf(ctx, fd);
  if (!d || !d.writableMode) return -EBADF;
  const vecs = readIovecs(ctx, iov, count);
  if (typeof vecs === 'number') return vecs;
  const data = gather(ctx, vecs);
  const off = offset64(lo, hi | 0);
  const n = fileSizeLimit(ctx, d, data.length, off);
  return n < 0 ? n : d.pwrite(data.subarray(0, n), off);
}

function lseek(ctx: SyscallContext, fd: number, off: number, whence: number): number {
  const d = fdOf(ctx, fd);
  if (!d) return -EBADF;
  const r = d.seek(off | 0, whence);
  if (r > 0x7fffffff) return -EOVERFLOW;
  return r;
}

function llseek(ctx: SyscallContext, fd: number, hi: number, lo: number, result: number, whence: number): number {
  const d = fdOf(ctx, fd);
  if (!d) return -EBADF;
  const r = d.seek(offset64(lo, hi | 0), whence);
  if (r < 0) return r;
  if (result === 0) return -EFAULT;
  ctx.mem.setU64(result, BigInt(r));
  return 0;
}

// HIPRI, DSYNC, SYNC, NOWAIT, APPEND, NOAPPEND, ATOMIC, DONTCACHE, NOSIGNAL: hints the host's page cache makes moot
const RWF_SUPPORTED = 0x1ff;

/** preadv2/pwritev2: offset -1 means the file position (readv/writev). */
function rwv2(ctx: SyscallContext, writing: boolean, fd: number, iov: number, count: number, lo: number, hi: number, flags: number): SyscallResult {
  if (flags & ~RWF_SUPPORTED) return -EOPNOTSUPP;
  if ((lo | 0) === -1 && (hi | 0) === -1) return writing ? writev(ctx, fd, iov, count) : readv(ctx, fd, iov, count);
  return writing ? pwritev(ctx, fd, iov, count, lo, hi) : preadv(ctx, fd, iov, count, lo, hi);
}

export const fsIoRows: SyscallRow[] = [
  row(3, 'read', ['fd', 'outbuf', 'size'], (ctx, a, b, c) => read(ctx, a, b, c)),
  row(4, 'write', ['fd', 'buf', 'size'], (ctx, a, b, c) => write(ctx, a, b, c)),
  row(145, 'readv', ['fd', 'ptr', 'int'], (ctx, a, b, c) => readv(ctx, a, b, c)),
  row(146, 'writev', ['fd', 'ptr', 'int'], (ctx, a, b, c) => writev(ctx, a, b, c)),
  row(180, 'pread64', ['fd', 'outbuf', 'size', 'off', 'int'], (ctx, a, b, c, d, e) => pread(ctx, a, b, c, d, e)),
  row(181, 'pwrite64', ['fd', 'buf', 'size', 'off', 'int'], (ctx, a, b, c, d, e) => pwrite(ctx, a, b, c, d, e)),
  row(333, 'preadv', ['fd', 'ptr', 'int', 'off', 'int'], (ctx, a, b, c, d, e) => preadv(ctx, a, b, c, d, e)),
  row(334, 'pwritev', ['fd', 'ptr', 'int', 'off', 'int'], (ctx, a, b, c, d, e) => pwritev(ctx, a, b, c, d, e)),
  row(378, 'preadv2', ['fd', 'ptr', 'int', 'off', 'int', 'hex'], (ctx, a, b, c, d, e, f) => rwv2(ctx, false, a, b, c, d, e, f)),
  row(379, 'pwritev2', ['fd', 'ptr', 'int', 'off', 'int', 'hex'], (ctx, a, b, c, d, e, f) => rwv2(ctx, true, a, b, c, d, e, f)),
  row(19, 'lseek', ['fd', 'int', 'int'], (ctx, a, b, c) => lseek(ctx, a, b, c)),
  row(140, '_llseek', ['fd', 'int', 'uint', 'ptr', 'int'], (ctx, a, b, c, d, e) => llseek(ctx, a, b, c, d, e)),
  row(6, 'close', ['fd'], (ctx, a) => ctx.proc.fds.close(a | 0)),
];
