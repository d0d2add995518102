// Calls that reach into another process by pid: process_vm_readv/writev
// (copy between address spaces) and kcmp (compare kernel objects). The pid
// names a guest process only (kernel/pids.ts), never the host's.
import { EBADF, EFAULT, EINVAL, EOPNOTSUPP, ESRCH } from '../abi/errno.js';
import { PROT_READ, PROT_WRITE } from '../memory/address-space.js';
import type { GuestMemory } from '../memory/guest-memory.js';
import { processByAnyTid } from '../kernel/pids.js';
import type { Process } from '../process.js';
import { readIovecs } from './fs-io.js';
import { row, SyscallContext, SyscallRow } from './types.js';

const PAGE = 4096;

interface IoVec {
  base: number;
  len: number;
}

/** Bytes of `vecs` from byte `at` on, as (address, length) pieces that do not cross a page. */
function* pieces(vecs: IoVec[]): Generator<[number, number]> {
  for (const v of vecs) {
    let a = v.base >>> 0;
    let left = v.len;
    while (left > 0) {
      const n = Math.min(left, PAGE - (a % PAGE));
      yield [a, n];
      a += n;
      left -= n;
    }
  }
}

/** Copy from `from` to `to` page piece by page piece; stops at the first fault. */
function copyVecs(fromMem: GuestMemory, from: IoVec[], toMem: GuestMemory, to: IoVec[]): number {
  const src = pieces(from);
  const dst = pieces(to);
  let done = 0;
  let s = src.next();
  let d = dst.next();
  let sOff = 0;
  let dOff = 0;
  while (!s.done && !d.done) {
    const [sa, sn] = s.value;
    const [da, dn] = d.value;
    const n = Math.min(sn - sOff, dn - dOff);
    if (!fromMem.space.isAccessible(sa + sOff, n, PROT_READ) || !toMem.space.isAccessible(da + dOff, n, PROT_WRITE)) break;
    toMem.write(da + dOff, fromMem.readable(sa + sOff, n));
    done += n;
    sOff += n;
    dOff += n;
    if (sOff === sn) {
      s = src.next();
      sOff = 0;
    }
    if (dOff === dn) {
      d = dst.next();
      dOff = 0;
    }
  }
  return done;
}

function processVm(ctx: SyscallContext, pid: number, lvec: number, lcount: number, rvec: number, rcount: number, flags: number, write: boolean): number {
  if (flags !== 0) return -EINVAL;
  const local = readIovecs(ctx, lvec, lcount);
  if (typeof local === 'number') return local;
  if (local.every((v) => v.len === 0)) return 0;
  const remote = readIovecs(ctx, rvec, rcount);
  if (typeof remote === 'number') return remote;
  const target = pid > 0 ? processByAnyTid(ctx.proc, pid) : undefined;
  if (!target) return -ESRCH;
  const done = write ? copyVecs(ctx.mem, local, target.mem, remote) : copyVecs(target.mem, remote, ctx.mem, local);
  const wanted = Math.min(local.reduce((n, v) => n + v.len, 0), remote.reduce((n, v) => n + v.len, 0));
  // a fault ends the copy: the bytes so far, or EFAULT when there are none
  return done > 0 || wanted === 0 ? done : -EFAULT;
}

const KCMP_FILE = 0;
const KCMP_VM = 1;
const KCMP_FILES = 2;
const KCMP_FS = 3;
const KCMP_SIGHAND = 4;
const KCMP_IO = 5;
const KCMP_SYSVSEM = 6;
const KCMP_EPOLL_TFD = 7;

/** Objects get a stable order of their own (the kernel orders obfuscated pointers). */
const order = new WeakMap<object, number>();
let nextOrder = 1;
function rank(o: object): number {
  let r = order.get(o);
  if (r === undefined) {
    r = nextOrder++;
    order.set(o, r);
  }
  return r;
}

/** kcmp's answer: 0 equal, 1 less, 2 greater. */
function compare(a: object, b: object): number {
  if (a === b) return 0;
  return rank(a) < rank(b) ? 1 : 2;
}

function kcmp(ctx: SyscallContext, pid1: number, pid2: number, type: number, idx1: number, idx2: number): number {
  const a: Process | undefined = pid1 > 0 ? processByAnyTid(ctx.proc, pid1) : undefined;
  const b: Process | undefined = pid2 > 0 ? processByAnyTid(ctx.proc, pid2) : undefined;
  if (!a || !b) return -ESRCH;
  switch (type) {
    case KCMP_FILE: {
      const fa = a.fds.get(idx1 | 0);
      const fb = b.fds.get(idx2 | 0);
      return fa && fb ? compare(fa, fb) : -EBADF;
    }
    case KCMP_VM: return compare(a.space, b.space);
    case KCMP_FILES: return compare(a.fds, b.fds);
    case KCMP_FS: return compare(a.vfs, b.vfs);
    case KCMP_SIGHAND: return compare(a.signalActions, b.signalActions);
    // one I/O context and one SysV semaphore undo list per process
    case KCMP_IO: case KCMP_SYSVSEM: return compare(a, b);
    case KCMP_EPOLL_TFD: {
      // the slot {efd, tfd, toff} is read first, as the kernel does; looking
      // into an epoll set is not supported, answered as a kernel without epoll does
      ctx.mem.check(idx2, 12, PROT_READ);
      return -EOPNOTSUPP;
    }
    default: return -EINVAL;
  }
}

export const crossProcessRows: SyscallRow[] = [
  row(347, 'process_vm_readv', ['int', 'ptr', 'uint', 'ptr', 'uint', 'hex'], (ctx, pid, lv, lc, rv, rc, f) => processVm(ctx, pid | 0, lv, lc, rv, rc, f, false)),
  row(348, 'process_vm_writev', ['int', 'ptr', 'uint', 'ptr', 'uint', 'hex'], (ctx, pid, lv, lc, rv, rc, f) => processVm(ctx, pid | 0, lv, lc, rv, rc, f, true)),
  row(349, 'kcmp', ['int', 'int', 'int', 'hex', 'hex'], (ctx, p1, p2, type, i1, i2) => kcmp(ctx, p1 | 0, p2 | 0, type | 0, i1, i2)),
];
