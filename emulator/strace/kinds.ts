// One printer per argument kind of the syscall table (ArgKind): how strace
// shows an argument of that kind, and whether it is shown when the call
// starts (what it was given) or once it returned (what it wrote).
import type { ArgKind, SyscallContext, SyscallRow } from '../syscalls/types.js';
import { O_CREAT, O_TMPFILE } from '../abi/fcntl.js';
import { fdFlags, mapFlags, modeArg, openFlags, protFlags, signalArg } from './xlat.js';
import { accessMode, atFlags, flockOp, renameFlags, statxFlags, statxMask, whence } from './xlat-fs.js';
import {
  clockId, cloneFlags, closeRangeFlags, eventfdFlags, idType, inotifyMask, rwfFlags, xattrFlags, getrandomFlags, inotifyInitFlags, itimerWhich, madvice, memfdFlags, mlockallFlags,
  mremapFlags, msyncFlags, rlimitResource, rusageWho, schedPolicy, timerFlags, timerfdFlags, timerfdSetFlags, waitOptions,
} from './xlat-process.js';
import { sigprocmaskHow, signalSet } from './xlat-signal.js';
import { epollFlags, epollOp, family, msgFlags, shutdownHow, socketFlags, socketType } from './xlat-net.js';
import { fdPair, intIn, itimerspec, itimerval, rlimit, stat64, statx, timespec, timeval, userDesc, utsname } from './structs.js';
import { epollEvent, epollEventList, iovec, msghdr, sockaddr } from './structs-net.js';
import { oldSigaction, rtSigaction, stack } from './structs-signal.js';
import { cstringBytes, hex, orPointer, pointer, quote, quoteBuffer, STRING_LIMIT } from './quote.js';

/** A call seen at its start (no result yet) or at its end. */
export interface CallView {
  ctx: SyscallContext;
  row: SyscallRow;
  args: readonly number[];
  /** Set once the call has returned. */
  result?: number;
  /** Values read when the call started, for what it shows at the end ("[128 => 16]"). */
  saved?: Map<number, unknown>;
}

/** One argument as shown: lazily, after `glue` (", " unless said). */
export interface ArgText {
  show(): string;
  /** Shown once the call returned. */
  exit?: boolean;
  glue?: string;
}

interface KindPrinter {
  exit?: boolean;
  /** Not shown at all (the high word of a 64-bit value split in two). */
  hidden?: boolean;
  show(v: CallView, i: number): string;
  /** Read when the call starts, for `show` at its end. */
  atEntry?(v: CallView, i: number): unknown;
}

const isOpen = (row: SyscallRow): boolean => row.name === 'open' || row.name === 'openat' || row.name === 'openat2' || row.name === 'mq_open';

/** The call succeeded (an output structure is worth reading). */
const ok = (v: CallView): boolean => v.result !== undefined && v.result >= 0;
const mem = (v: CallView) => v.ctx.mem;

/** An input structure: NULL, its text, or its address when unreadable. */
const input = (show: (v: CallView, p: number, i: number) => string): KindPrinter => ({
  show: (v, i) => orPointer(v.args[i], () => show(v, v.args[i], i)),
});

/** An output structure: its text once the call succeeded, else its address. */
const output = (show: (v: CallView, p: number, i: number) => string): KindPrinter => ({
  exit: true,
  show: (v, i) => (ok(v) ? orPointer(v.args[i], () => show(v, v.args[i], i)) : pointer(v.args[i])),
});

const value = (show: (n: number) => string): KindPrinter => ({ show: (v, i) => show(v.args[i]) });

/** A 64-bit value from this argument (low word) and the next (high word). */
const wide = (v: CallView, i: number): bigint => BigInt.asIntN(64, (BigInt(v.args[i + 1] >>> 0) << 32n) | BigInt(v.args[i] >>> 0));

/** Bytes filled by a getdents call, counted as entries (reclen at 16 for getdents64, 8 for getdents). */
function direntCount(v: CallView, p: number, bytes: number): number {
  const reclenAt = v.row.name === 'getdents64' ? 16 : 8;
  let n = 0;
  for (let off = 0; off < bytes; n++) {
    const reclen = mem(v).u16(p + off + reclenAt);
    if (reclen === 0) break;
    off += reclen;
  }
  return n;
}

/** A list of `n` 32-bit ids ([0, 4, 24]), as getgroups and setgroups pass them. */
function idList(v: CallView, p: number, n: number): string {
  const ids: number[] = [];
  for (let k = 0; k < Math.min(n, 1024); k++) ids.push(mem(v).u32(p + 4 * k));
  return `[${ids.join(', ')}]`;
}

/** A wait status as strace words it. */
function waitStatus(status: number): string {
  const sig = status & 0x7f;
  if (sig === 0) return `[{WIFEXITED(s) && WEXITSTATUS(s) == ${(status >> 8) & 0xff}}]`;
  if (sig === 0x7f) return `[{WIFSTOPPED(s) && WSTOPSIG(s) == ${signalArg((status >> 8) & 0xff)}}]`;
  const core = status & 0x80 ? ' && WCOREDUMP(s)' : '';
  return `[{WIFSIGNALED(s) && WTERMSIG(s) == ${signalArg(sig)}${core}}]`;
}

const KINDS: Record<ArgKind, KindPrinter> = {
  int: value((n) => String(n | 0)),
  fd: value((n) => String(n | 0)),
  uint: value((n) => String(n >>> 0)),
  size: value((n) => String(n >>> 0)),
  hex: value(hex),
  ptr: value(pointer),
  dirfd: value((n) => ((n | 0) === -100 ? 'AT_FDCWD' : String(n | 0))),
  // mmap2 takes its offset in pages; strace shows bytes
  off: { show: (v, i) => (v.row.name === 'mmap2' && v.args[i] !== 0 ? hex(v.args[i] * 4096) : String(v.args[i] >>> 0)) },
  loff: { show: (v, i) => String(wide(v, i)) },
  hi: { hidden: true, show: () => '' },
  mode: value(modeArg),
  oflags: { show: (v, i) => (isOpen(v.row) ? openFlags(v.args[i]) : fdFlags(v.args[i])) },
  prot: value(protFlags),
  mapflags: value(mapFlags),
  signal: value(signalArg),
  str: input((v, p) => quote(cstringBytes(mem(v), p, 4097), 4096)),
  strarray: input((v, p) => '[' + mem(v).pointerArray(p, 64).map((s) => quote(cstringBytes(mem(v), s, STRING_LIMIT + 1))).join(', ') + ']'),
  buf: input((v, p, i) => quoteBuffer(mem(v), p, v.args[i + 1] >>> 0)),
  // what was read, once the call has returned how much
  outbuf: output((v, p) => quoteBuffer(mem(v), p, v.result!)),
  randout: output((v, p) => quoteBuffer(mem(v), p, v.result!, true)),

  atflags: value(atFlags),
  statxflags: value(statxFlags),
  statxmask: value(statxMask),
  statxout: output((v, p) => statx(mem(v), p)),
  statout: output((v, p) => stat64(mem(v), p)),
  access: value(accessMode),
  whence: value(whence),
  flockop: value(flockOp),
  renameflags: value(renameFlags),
  direntsout: { exit: true, show: (v, i) => (ok(v) ? `${hex(v.args[i])} /* ${direntCount(v, v.args[i], v.result!)} entries */` : pointer(v.args[i])) },
  fdpairout: output((v, p) => fdPair(mem(v), p)),
  intout: output((v, p) => intIn(mem(v), p)),
  loffout: output((v, p) => `[${mem(v).i64(p)}]`),
  iovec: { show: (v, i) => orPointer(v.args[i], () => iovec(mem(v), v.args[i], v.args[i + 1] >>> 0)) },
  iovecout: { exit: true, show: (v, i) => (ok(v) ? orPointer(v.args[i], () => iovec(mem(v), v.args[i], v.args[i + 1] >>> 0, v.result!)) : pointer(v.args[i])) },

  madvice: value(madvice),
  mremapflags: value(mremapFlags),
  msyncflags: value(msyncFlags),
  mlockallflags: value(mlockallFlags),
  clockid: value(clockId),
  timespec: input((v, p) => timespec(mem(v), p, false)),
  timespec64: input((v, p) => timespec(mem(v), p, true)),
  timespecout: output((v, p) => timespec(mem(v), p, false)),
  timespec64out: output((v, p) => timespec(mem(v), p, true)),
  itimerspec: input((v, p) => itimerspec(mem(v), p, false)),
  itimerspec64: input((v, p) => itimerspec(mem(v), p, true)),
  itimerspecout: output((v, p) => itimerspec(mem(v), p, false)),
  itimerspec64out: output((v, p) => itimerspec(mem(v), p, true)),
  timevalout: output((v, p) => timeval(mem(v), p)),
  itimerval: input((v, p) => itimerval(mem(v), p)),
  itimervalout: output((v, p) => itimerval(mem(v), p)),
  schedpolicy: value(schedPolicy),
  timerflags: value(timerFlags),
  tfdflags: value(timerfdFlags),
  tfdsetflags: value(timerfdSetFlags),
  efdflags: value(eventfdFlags),
  rlimres: value(rlimitResource),
  rlimit: input((v, p) => rlimit(mem(v), p, false)),
  rlimitout: output((v, p) => rlimit(mem(v), p, false)),
  rlimit64: input((v, p) => rlimit(mem(v), p, true)),
  rlimit64out: output((v, p) => rlimit(mem(v), p, true)),
  grndflags: value(getrandomFlags),
  waitoptions: value(waitOptions),
  waitstatusout: { exit: true, show: (v, i) => (v.result !== undefined && v.result > 0 ? orPointer(v.args[i], () => waitStatus(mem(v).i32(v.args[i]))) : pointer(v.args[i])) },
  utsnameout: output((v, p) => utsname(mem(v), p)),
  userdesc: input((v, p) => userDesc(mem(v), p)),
  cloneflags: value(cloneFlags),
  itimerwhich: value(itimerWhich),
  rusagewho: value(rusageWho),
  inotifyflags: value(inotifyInitFlags),
  memfdflags: value(memfdFlags),
  inotifymask: value(inotifyMask),
  idtype: value(idType),
  xattrflags: value(xattrFlags),
  rwfflags: value(rwfFlags),
  intin: input((v, p) => intIn(mem(v), p)),
  // getgroups: as many ids as it returned (none asked for with a size of 0)
  gidsout: { exit: true, show: (v, i) => (v.result !== undefined && v.result >= 0 && (v.args[0] | 0) > 0 ? orPointer(v.args[i], () => idList(v, v.args[i], v.result!)) : pointer(v.args[i])) },
  gids: input((v, p) => idList(v, p, v.args[0] | 0)),
  closerangeflags: value(closeRangeFlags),
  // the directory as a C string (the count includes its NUL)
  cwdout: output((v, p) => quote(cstringBytes(mem(v), p, 4097), 4096)),

  sighow: value(sigprocmaskHow),
  sigset: input((v, p) => signalSet(mem(v).u64(p))),
  sigsetout: output((v, p) => signalSet(mem(v).u64(p))),
  sigaction: input((v, p) => rtSigaction(mem(v), p)),
  sigactionout: output((v, p) => rtSigaction(mem(v), p)),
  oldsigaction: input((v, p) => oldSigaction(mem(v), p)),
  oldsigactionout: output((v, p) => oldSigaction(mem(v), p)),
  stack: input((v, p) => stack(mem(v), p)),
  stackout: output((v, p) => stack(mem(v), p)),

  family: value(family),
  socktype: value(socketType),
  sockflags: value(socketFlags),
  sockaddr: { show: (v, i) => orPointer(v.args[i], () => sockaddr(mem(v), v.args[i], v.args[i + 1] | 0)) },
  sockaddrout: {
    exit: true,
    show: (v, i) => {
      if (!ok(v) || v.args[i] === 0) return pointer(v.args[i]);
      return orPointer(v.args[i], () => sockaddr(mem(v), v.args[i], Math.min(mem(v).u32(v.args[i + 1]), (v.saved?.get(i + 1) as number) ?? 128)));
    },
  },
  socklenout: {
    exit: true,
    atEntry: (v, i) => (v.args[i] === 0 ? undefined : mem(v).u32(v.args[i])),
    show: (v, i) => {
      const before = v.saved?.get(i) as number | undefined;
      if (v.args[i] === 0) return 'NULL';
      if (!ok(v)) return before === undefined ? pointer(v.args[i]) : `[${before}]`;
      const after = mem(v).u32(v.args[i]);
      return before === undefined || before === after ? `[${after}]` : `[${before} => ${after}]`;
    },
  },
  msgflags: value(msgFlags),
  shuthow: value(shutdownHow),
  msghdr: input((v, p) => msghdr(mem(v), p)),
  msghdrout: output((v, p) => msghdr(mem(v), p, v.result!)),
  epollop: value(epollOp),
  epollevent: input((v, p) => epollEvent(mem(v), p)),
  epolleventsout: output((v, p) => epollEventList(mem(v), p, v.result!)),
  epollflags: value(epollFlags),
};

/** strace leaves out an open's mode unless the flags create a file. */
function omitted(row: SyscallRow, index: number, args: readonly number[]): boolean {
  if (row.args[index] !== 'mode' || index === 0 || row.args[index - 1] !== 'oflags') return false;
  return (args[index - 1] & O_CREAT) === 0 && (args[index - 1] & O_TMPFILE) !== O_TMPFILE;
}

/** The arguments as the row's kinds show them; at the call's start, what its end needs is read into v.saved. */
export function kindArgs(v: CallView): ArgText[] {
  const out: ArgText[] = [];
  for (let i = 0; i < v.row.args.length; i++) {
    const kind = KINDS[v.row.args[i]];
    if (kind.hidden || omitted(v.row, i, v.args)) continue;
    if (v.result === undefined && kind.atEntry && v.saved) v.saved.set(i, readNow(() => kind.atEntry!(v, i)));
    out.push({ exit: kind.exit, show: () => kind.show(v, i) });
  }
  return out;
}

function readNow(fn: () => unknown): unknown {
  try {
    return fn();
  } catch {
    return undefined;
  }
}
