// Memory management: brk, mmap2/mmap, munmap, mprotect, mremap, madvise.
import { EBADF, EINVAL, ENOMEM, EPERM, EACCES, EEXIST, ENODEV, EFAULT, LinuxError } from '../abi/errno.js';
import {
  MMAP_MIN_ADDR, PAGE_SIZE, PROT_EXEC, PROT_READ, PROT_WRITE, TASK_SIZE, pageUp, Region,
} from '../memory/address-space.js';
import { row, SyscallContext, SyscallRow } from './types.js';
import { MAP_ANONYMOUS, MAP_FIXED, MAP_FIXED_NOREPLACE, MAP_GROWSDOWN, MAP_PRIVATE, MAP_SHARED, MAP_SHARED_VALIDATE } from '../abi/mman.js';
import fs from 'node:fs';
import { FileBacking } from '../memory/file-backing.js';
import { hostMemfdCreate } from '../host/file-calls.js';

const MFD_CLOEXEC = 1;
import { mapSource, readFileInto } from './mm-source.js';
import { countsAsData, mayMap } from './mm-limits.js';

const MEMBARRIER_COMMANDS = 0x3ff;
/** personality(2) flag: PROT_READ mappings are also executable. */
export const READ_IMPLIES_EXEC = 0x0400000;
/** mprotect: extend the change down to the start of a grows-down (stack) mapping. */
const PROT_GROWSDOWN = 0x01000000;
const PROT_GROWSUP = 0x02000000;

/** The protection a mapping really gets: READ_IMPLIES_EXEC adds PROT_EXEC to readable ones. */
function effectiveProt(ctx: SyscallContext, prot: number): number {
  const p = prot & 7;
  return (ctx.proc.personality & READ_IMPLIES_EXEC) !== 0 && (p & PROT_READ) !== 0 ? p | PROT_EXEC : p;
}
const MREMAP_MAYMOVE = 1;
const MREMAP_FIXED = 2;

function brk(ctx: SyscallContext, addr: number): number {
  const space = ctx.proc.space;
  if (addr === 0 || addr < space.brkStart) return space.brkEnd;
  const oldTop = pageUp(space.brkEnd);
  const newTop = pageUp(addr);
  if (newTop > oldTop) {
    if (!space.isFree(oldTop, newTop) || !mayMap(ctx, oldTop, newTop - oldTop, true)) return space.brkEnd;
    try {
      space.map(oldTop, newTop - oldTop, effectiveProt(ctx, PROT_READ | PROT_WRITE), 'heap', '[heap]');
    } catch (e) {
      // no host memory (a host RLIMIT_AS): brk fails by not moving
      if (e instanceof LinuxError) return space.brkEnd;
      throw e;
    }
  } else if (newTop < oldTop) {
    space.unmap(newTop, oldTop);
  }
  space.brkEnd = addr;
  return addr;
}

function doMmap(ctx: SyscallContext, addr: number, length: number, prot: number, flags: number, fd: number, offset: number): number {
  const space = ctx.proc.space;
  // a file mapping's descriptor is looked up before the rest is checked
  if (!(flags & MAP_ANONYMOUS) && !ctx.proc.fds.has(fd | 0)) return -EBADF;
  if (length === 0) return -EINVAL;
  const mapType = flags & 0xf;
  if (mapType !== MAP_SHARED && mapType !== MAP_PRIVATE && mapType !== MAP_SHARED_VALIDATE) return -EINVAL;
  if (offset % PAGE_SIZE !== 0) return -EINVAL;
  const size = pageUp(length);
  if (size === 0 || size > TASK_SIZE) return -ENOMEM;
  const fixed = (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) !== 0;
  let start: number;
  if (fixed) {
    if (addr % PAGE_SIZE !== 0) return -EINVAL;
    if (addr < MMAP_MIN_ADDR) return -EPERM;
    if (addr + size > TASK_SIZE) return -ENOMEM;
    if ((flags & MAP_FIXED_NOREPLACE) && !space.isFree(addr, addr + size)) return -EEXIST;
    start = addr;
  } else {
    const hint = addr - (addr % PAGE_SIZE);
    if (hint >= MMAP_MIN_ADDR && hint + size <= TASK_SIZE && space.isFree(hint, hint + size)) start = hint;
    else {
      const found = space.findFree(size);
      if (found === null) return -ENOMEM;
      start = found;
    }
  }
  const stack = (flags & MAP_GROWSDOWN) !== 0;
  prot = effectiveProt(ctx, prot);
  if (!mayMap(ctx, start, size, countsAsData(prot, mapType === MAP_SHARED, stack))) return -ENOMEM;
  if (flags & MAP_ANONYMOUS) {
    if (mapType === MAP_SHARED) return mapSharedAnonymous(ctx, start, size, prot & 7);
    space.map(start, size, prot & 7, 'anon', stack ? '[stack]' : '', {});
    return start;
  }
  const desc = ctx.proc.fds.get(fd | 0);
  if (!desc) return -EBADF;
  if (!desc.readableMode) return -EACCES;
  if (mapType === MAP_SHARED && (prot & PROT_WRITE) && !desc.writableMode) return -EACCES;
  const source = mapSource(desc);
  if (source === null) return -ENODEV;
  if (source === 'zero') {
    if (mapType === MAP_SHARED) return mapSharedAnonymous(ctx, start, size, prot & 7);
    space.map(start, size, prot & 7, 'anon', '/dev/zero', {});
    return start;
  }
  if (mapType === MAP_SHARED) {
    desc.refs++;
    const backing = new FileBacking(source, desc.writableMode, () => {
      desc.drop();
    });
    const err = space.map(start, size, prot & 7, 'file', desc.path, { offset, shared: true, backing });
    return err === 0 ? start : -err;
  }
  let err = 0;
  space.map(start, size, prot & 7, 'file', desc.path, {
    offset,
    // the whole last page shows file bytes, as on Linux (zero only past EOF)
    fill: (bytes) => { err = readFileInto(source, bytes, offset); },
  });
  if (err < 0) {
    space.unmap(start, start + size);
    return err;
  }
  return start;
}

/**
 * MAP_SHARED anonymous memory (or of /dev/zero) lives in a host memfd of
 * its own, mapped like a shared file: a child forked later maps the same
 * host pages, so both see each other's writes, and a futex in it is keyed
 * by that object in every process.
 */
function mapSharedAnonymous(ctx: SyscallContext, start: number, size: number, prot: number): number {
  let fd: number;
  try {
    fd = hostMemfdCreate('dev/zero', MFD_CLOEXEC);
    fs.ftruncateSync(fd, size);
  } catch {
    return -ENOMEM;
  }
  const backing = new FileBacking(fd, true, () => fs.closeSync(fd));
  const err = ctx.proc.space.map(start, size, prot, 'anon', '/dev/zero (deleted)', { shared: true, backing });
  return err === 0 ? start : -err;
}

function munmap(ctx: SyscallContext, addr: number, length: number): number {
  if (addr % PAGE_SIZE !== 0 || length === 0) return -EINVAL;
  const end = addr + pageUp(length);
  if (end > TASK_SIZE) return -EINVAL;
  ctx.proc.space.unmap(addr, end);
  return 0;
}

function mprotect(ctx: SyscallContext, addr: number, length: number, prot: number): number {
  if (addr % PAGE_SIZE !== 0) return -EINVAL;
  if (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC | PROT_GROWSDOWN | PROT_GROWSUP)) return -EINVAL;
  if ((prot & PROT_GROWSDOWN) && (prot & PROT_GROWSUP)) return -EINVAL;
  if (length === 0) return 0;
  const end = addr + pageUp(length);
  const space = ctx.proc.space;
  if (prot & PROT_GROWSDOWN) {
    // from the start of the stack mapping (how ld.so makes the stack executable)
    const r = space.regionAt(addr);
    if (!r || (r.kind !== 'stack' && r.name !== '[stack]')) return -EINVAL;
    addr = r.start;
  }
  prot = effectiveProt(ctx, prot);
  if (!space.isCovered(addr, end)) return -ENOMEM;
  // a shared mapping of a file opened read-only can never become writable
  if ((prot & PROT_WRITE) && space.regions.some((r) => r.start < end && addr < r.end && r.backing && !r.backing.writable)) return -EACCES;
  return space.protect(addr, end, prot & 7) ? 0 : -ENOMEM;
}

function mremap(ctx: SyscallContext, oldAddr: number, oldSize: number, newSize: number, flags: number, newAddr: number): number {
  const space = ctx.proc.space;
  if (oldAddr % PAGE_SIZE !== 0 || newSize === 0) return -EINVAL;
  if (flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED)) return -EINVAL;
  const oldLen = pageUp(oldSize);
  const newLen = pageUp(newSize);
  const region = space.regionAt(oldAddr);
  if (!region || !space.isCovered(oldAddr, oldAddr + oldLen)) return -EFAULT;
  if (flags & MREMAP_FIXED) {
    if (!(flags & MREMAP_MAYMOVE) || newAddr % PAGE_SIZE !== 0) return -EINVAL;
    return moveMapping(ctx, region, oldAddr, oldLen, newLen, newAddr);
  }
  if (newLen <= oldLen) {
    if (newLen < oldLen) space.unmap(oldAddr + newLen, oldAddr + oldLen);
    return oldAddr;
  }
  if (!mayMap(ctx, oldAddr + oldLen, newLen - oldLen, countsAsData(region.prot, region.shared, region.kind === 'stack'))) return -ENOMEM;
  if (space.isFree(oldAddr + oldLen, oldAddr + newLen)) {
    const err = space.map(oldAddr + oldLen, newLen - oldLen, region.prot, region.kind, region.name, {
      offset: region.offset + (oldAddr + oldLen - region.start),
      shared: region.shared,
      backing: region.backing,
    });
    return err === 0 ? oldAddr : -err;
  }
  if (!(flags & MREMAP_MAYMOVE)) return -ENOMEM;
  const dest = space.findFree(newLen);
  if (dest === null) return -ENOMEM;
  return moveMapping(ctx, region, oldAddr, oldLen, newLen, dest);
}

function moveMapping(ctx: SyscallContext, region: Region, oldAddr: number, oldLen: number, newLen: number, dest: number): number {
  const space = ctx.proc.space;
  const backing = region.backing;
  // host memory for the destination first: the old mapping stays whole if there is none
  if (space.memory.commit(dest, newLen) !== 0) return -ENOMEM;
  if (backing) {
    // the bytes are the file's: map the file again at the new place
    backing.hold();
    space.unmap(oldAddr, oldAddr + oldLen);
    const err = space.map(dest, newLen, region.prot, region.kind, region.name, {
      offset: region.offset + (oldAddr - region.start), shared: true, backing,
    });
    backing.drop();
    return err === 0 ? dest : -err;
  }
  const bytes = space.memory.bytes;
  const keep = Math.min(oldLen, newLen);
  const saved = bytes.slice(oldAddr, oldAddr + keep);
  space.unmap(oldAddr, oldAddr + oldLen);
  space.map(dest, newLen, region.prot, region.kind, region.name, {
    offset: region.offset + (oldAddr - region.start),
    shared: region.shared,
    fill: (b) => b.set(saved),
  });
  return dest;
}

function madvise(ctx: SyscallContext, addr: number, length: number, advice: number): number {
  if (addr % PAGE_SIZE !== 0) return -EINVAL;
  // advice on a range with a hole is ENOMEM, as the kernel's walk over the mappings says
  if (length > 0 && !ctx.proc.space.isCovered(addr, addr + pageUp(length))) return -ENOMEM;
  const MADV_DONTNEED = 4;
  if (advice === MADV_DONTNEED && length > 0) {
    const end = addr + pageUp(length);
    if (!ctx.proc.space.isCovered(addr, end)) return -ENOMEM;
    // private anonymous pages read back as zero, as on Linux
    for (let a = addr; a < end;) {
      const r = ctx.proc.space.regionAt(a)!;
      const stop = Math.min(end, r.end);
      if (r.kind !== 'file' && !r.shared && (r.prot & PROT_WRITE)) ctx.proc.space.memory.discard(a, stop - a);
      a = stop;
    }
  }
  return 0;
}

/** mlock/munlock: pages are not locked (nothing is swapped out from under dsu), but a range with a hole is ENOMEM. */
function lockRange(ctx: SyscallContext, addr: number, length: number): number {
  const start = addr - (addr % PAGE_SIZE);
  const end = pageUp(addr + length);
  return length === 0 || ctx.proc.space.isCovered(start, end) ? 0 : -ENOMEM;
}

/** Old-style mmap (syscall 90): one pointer to six arguments. */
function oldMmap(ctx: SyscallContext, args: number): number {
  const m = ctx.mem;
  return doMmap(ctx, m.u32(args), m.u32(args + 4), m.u32(args + 8), m.u32(args + 12), m.u32(args + 16), m.u32(args + 20));
}

/** Shared file mappings are the host's page cache already: only the checks are left. */
function msync(ctx: SyscallContext, addr: number, length: number, flags: number): number {
  const MS_ASYNC = 1;
  const MS_INVALIDATE = 2;
  const MS_SYNC = 4;
  if (addr % PAGE_SIZE !== 0 || flags & ~(MS_ASYNC | MS_INVALIDATE | MS_SYNC)) return -EINVAL;
  if ((flags & MS_ASYNC) && (flags & MS_SYNC)) return -EINVAL;
  return ctx.proc.space.isCovered(addr, addr + pageUp(length)) ? 0 : -ENOMEM;
}

export const mmRows: SyscallRow[] = [
  row(45, 'brk', ['ptr'], (ctx, a) => brk(ctx, a), true),
  row(90, 'mmap', ['ptr'], (ctx, a) => oldMmap(ctx, a), true),
  row(192, 'mmap2', ['ptr', 'size', 'prot', 'mapflags', 'fd', 'off'], (ctx, a, b, c, d, e, f) => {
    if (f >= 2 ** 20) throw new LinuxError(EINVAL);
    return doMmap(ctx, a, b, c, d, e, f * PAGE_SIZE);
  }, true),
  row(91, 'munmap', ['ptr', 'size'], (ctx, a, b) => munmap(ctx, a, b)),
  row(125, 'mprotect', ['ptr', 'size', 'prot'], (ctx, a, b, c) => mprotect(ctx, a, b, c)),
  row(163, 'mremap', ['ptr', 'size', 'size', 'hex', 'ptr'], (ctx, a, b, c, d, e) => mremap(ctx, a, b, c, d, e), true),
  row(219, 'madvise', ['ptr', 'size', 'int'], (ctx, a, b, c) => madvise(ctx, a, b, c)),
  row(144, 'msync', ['ptr', 'size', 'hex'], (ctx, a, b, c) => msync(ctx, a, b, c)),
  row(150, 'mlock', ['ptr', 'size'], (ctx, a, b) => lockRange(ctx, a, b)),
  row(151, 'munlock', ['ptr', 'size'], (ctx, a, b) => lockRange(ctx, a, b)),
  row(376, 'mlock2', ['ptr', 'size', 'hex'], (ctx, a, b, flags) => (flags & ~1 ? -EINVAL : lockRange(ctx, a, b))),
  // one thread: every barrier command is already satisfied; the query lists them all (as Linux 6 does)
  row(375, 'membarrier', ['int', 'hex', 'int'], (_ctx, cmd, flags) => (cmd === 0 ? (flags === 0 ? MEMBARRIER_COMMANDS : -EINVAL) : (cmd & (cmd - 1)) === 0 && (cmd & MEMBARRIER_COMMANDS) ? 0 : -EINVAL)),
  row(152, 'mlockall', ['hex'], () => 0),
  row(153, 'munlockall', [], () => 0),
  row(218, 'mincore', ['ptr', 'size', 'ptr'], (ctx, a, b, c) => {
    const pages = Math.ceil(b / PAGE_SIZE);
    if (!ctx.proc.space.isCovered(a, a + pages * PAGE_SIZE)) return -ENOMEM;
    ctx.mem.writable(c, pages).fill(1);
    return 0;
  }),
];
