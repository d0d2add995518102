// Process and thread identity, exit, uname, thread-local storage.
import os from 'node:os';
import { EBADF, ECHILD, EINVAL, ENOSYS, ESRCH } from '../abi/errno.js';
import { descriptorFor, TLS_COUNT, TLS_FIRST, UserDesc } from '../engine/descriptors.js';
import { guestThread, processByAnyTid, processGroupOf, sessionOf } from '../kernel/pids.js';
import { row, SyscallContext, SyscallRow } from './types.js';
import { credentialRows } from './credentials.js';
import { schedRows } from './sched.js';
import { ioprioRows } from './ioprio.js';
import { syslogRows } from './syslog.js';
import { pidfdRows, PidFd } from './pidfd.js';
import { crossProcessRows } from './cross-process.js';

function exitGroup(ctx: SyscallContext, code: number): number {
  ctx.proc.exit = { code: code & 0xff };
  ctx.stopCpu();
  return 0;
}

function readUserDesc(ctx: SyscallContext, p: number): UserDesc {
  const m = ctx.mem;
  const bits = m.u32(p + 12);
  return {
    entry: m.i32(p),
    base: m.u32(p + 4),
    limit: m.u32(p + 8),
    seg32: (bits & 1) !== 0,
    contents: (bits >> 1) & 3,
    readExecOnly: (bits & 8) !== 0,
    limitInPages: (bits & 16) !== 0,
    notPresent: (bits & 32) !== 0,
    useable: (bits & 64) !== 0,
  };
}

function setThreadArea(ctx: SyscallContext, p: number): number {
  const d = readUserDesc(ctx, p);
  const t = ctx.thread;
  let entry = d.entry;
  if (entry === -1) {
    const free = t.tls.findIndex(([lo, hi]) => lo === 0 && hi === 0);
    if (free < 0) return -ESRCH;
    entry = TLS_FIRST + free;
    ctx.mem.setI32(p, entry);
  }
  if (entry < TLS_FIRST || entry >= TLS_FIRST + TLS_COUNT) return -EINVAL;
  const words = descriptorFor(d);
  t.tls[entry - TLS_FIRST] = words;
  ctx.proc.machine.gdt.write(entry, words);
  return 0;
}

function getThreadArea(ctx: SyscallContext, p: number): number {
  const entry = ctx.mem.i32(p);
  if (entry < TLS_FIRST || entry >= TLS_FIRST + TLS_COUNT) return -EINVAL;
  const [lo, hi] = ctx.thread.tls[entry - TLS_FIRST];
  const base = ((lo >>> 16) | ((hi & 0xff) << 16) | (hi & 0xff000000)) >>> 0;
  const limit = (lo & 0xffff) | (hi & 0xf0000);
  const flags = ((hi >>> 22) & 1) | (((hi >>> 10) & 3) << 1) | ((((hi >>> 9) & 1) ^ 1) << 3) |
    (((hi >>> 23) & 1) << 4) | ((((hi >>> 15) & 1) ^ 1) << 5) | (((hi >>> 20) & 1) << 6);
  ctx.mem.setU32(p + 4, base);
  ctx.mem.setU32(p + 8, limit);
  ctx.mem.setU32(p + 12, flags);
  return 0;
}

function putField(buf: Uint8Array, offset: number, text: string): void {
  const b = Buffer.from(text, 'utf8').subarray(0, 64);
  buf.fill(0, offset, offset + 65);
  buf.set(b, offset);
}

function uname(ctx: SyscallContext, p: number): number {
  const buf = ctx.mem.writable(p, 65 * 6);
  putField(buf, 0, 'Linux');
  putField(buf, 65, os.hostname());
  putField(buf, 130, os.release());
  putField(buf, 195, os.version());
  putField(buf, 260, 'i686');
  putField(buf, 325, '(none)');
  return 0;
}

const WNOHANG = 1;
const WUNTRACED = 2;
const WCONTINUED = 8;
const WEXITED = 4;
const WNOWAIT = 0x1000000;
const WAIT_MODIFIERS = 0xe0000000; // __WNOTHREAD, __WALL, __WCLONE

/** wait4/waitpid: a process that cannot fork has no children to wait for. */
function wait4(options: number): number {
  if (options & ~(WNOHANG | WUNTRACED | WCONTINUED | WAIT_MODIFIERS)) return -EINVAL;
  return -ECHILD;
}

function waitid(ctx: SyscallContext, idtype: number, id: number, options: number): number {
  const P_PIDFD = 3;
  if (options & ~(WNOHANG | WUNTRACED | WEXITED | WCONTINUED | WNOWAIT | WAIT_MODIFIERS)) return -EINVAL;
  if (!(options & (WUNTRACED | WEXITED | WCONTINUED)) || idtype < 0 || idtype > P_PIDFD) return -EINVAL;
  if (idtype === P_PIDFD) {
    // the fd must be a pidfd (pidfd_get_pid): EBADF for no fd, EINVAL for another kind
    const d = ctx.proc.fds.get(id | 0);
    if (!d) return -EBADF;
    if (!(d instanceof PidFd)) return -EINVAL;
  }
  return -ECHILD;
}

/** A 16-bit ID call reports an ID above 65535 as the kernel's overflowuid. */
const id16 = (id: number): number => (id > 0xffff ? 65534 : id);

export const processRows: SyscallRow[] = [
  ...credentialRows,
  ...schedRows,
  ...ioprioRows,
  ...syslogRows,
  ...pidfdRows,
  ...crossProcessRows,
  row(1, 'exit', ['int'], (ctx, a) => exitGroup(ctx, a)),
  row(252, 'exit_group', ['int'], (ctx, a) => exitGroup(ctx, a)),
  row(20, 'getpid', [], (ctx) => ctx.proc.ids.pid),
  row(224, 'gettid', [], (ctx) => ctx.thread.tid),
  row(64, 'getppid', [], (ctx) => ctx.proc.ids.ppid),
  row(24, 'getuid', [], (ctx) => id16(ctx.proc.ids.uid)),
  row(47, 'getgid', [], (ctx) => id16(ctx.proc.ids.gid)),
  row(49, 'geteuid', [], (ctx) => id16(ctx.proc.ids.euid)),
  row(50, 'getegid', [], (ctx) => id16(ctx.proc.ids.egid)),
  row(199, 'getuid32', [], (ctx) => ctx.proc.ids.uid),
  row(200, 'getgid32', [], (ctx) => ctx.proc.ids.gid),
  row(201, 'geteuid32', [], (ctx) => ctx.proc.ids.euid),
  row(202, 'getegid32', [], (ctx) => ctx.proc.ids.egid),
  row(132, 'getpgid', ['int'], (ctx, pid) => {
    const p = processByAnyTid(ctx.proc, pid | 0);
    return p ? processGroupOf(p) : -ESRCH;
  }),
  row(65, 'getpgrp', [], (ctx) => processGroupOf(ctx.proc)),
  row(147, 'getsid', ['int'], (ctx, pid) => {
    const p = processByAnyTid(ctx.proc, pid | 0);
    return p ? sessionOf(p) : -ESRCH;
  }),
  row(66, 'setsid', [], (ctx) => sessionOf(ctx.proc)),
  row(57, 'setpgid', ['int', 'int'], (ctx, pid, pgid) => {
    if ((pgid | 0) < 0) return -EINVAL;
    // only the caller itself (or, once there are any, a child) may be moved
    return processByAnyTid(ctx.proc, pid | 0) === ctx.proc ? 0 : -ESRCH;
  }),
  row(60, 'umask', ['mode'], (ctx, mask) => {
    const old = ctx.proc.umask;
    ctx.proc.umask = mask & 0o777;
    return old;
  }),
  row(122, 'uname', ['ptr'], (ctx, a) => uname(ctx, a)),
  row(243, 'set_thread_area', ['ptr'], (ctx, a) => setThreadArea(ctx, a)),
  row(244, 'get_thread_area', ['ptr'], (ctx, a) => getThreadArea(ctx, a)),
  row(258, 'set_tid_address', ['ptr'], (ctx, a) => {
    ctx.thread.clearChildTid = a;
    return ctx.thread.tid;
  }),
  row(311, 'set_robust_list', ['ptr', 'size'], (ctx, head, len) => {
    if (len !== 12) return -EINVAL;
    ctx.thread.robustList = head;
    return 0;
  }),
  row(312, 'get_robust_list', ['int', 'ptr', 'ptr'], (ctx, pid, headp, lenp) => {
    const thread = (pid | 0) === 0 ? ctx.thread : guestThread(ctx.proc, pid | 0)?.thread;
    if (!thread) return -ESRCH;
    ctx.mem.setU32(headp, thread.robustList);
    ctx.mem.setU32(lenp, 12);
    return 0;
  }),
  // glibc probes rseq and copes with ENOSYS; not worth a report
  row(386, 'rseq', ['ptr', 'uint', 'hex', 'hex'], () => -ENOSYS),
  row(384, 'arch_prctl', ['hex', 'ptr'], () => -EINVAL),
  row(172, 'prctl', ['int', 'hex', 'hex', 'hex', 'hex'], (ctx, option, arg2) => {
    const PR_SET_NAME = 15;
    const PR_GET_NAME = 16;
    if (option === PR_SET_NAME) {
      ctx.proc.comm = ctx.mem.cstring(arg2, 16).slice(0, 15);
      return 0;
    }
    if (option === PR_GET_NAME) {
      const b = Buffer.alloc(16);
      b.write(ctx.proc.comm.slice(0, 15));
      ctx.mem.write(arg2, b);
      return 0;
    }
    return -EINVAL;
  }),
  row(114, 'wait4', ['int', 'ptr', 'hex', 'ptr'], (_ctx, _pid, _status, options) => wait4(options)),
  row(7, 'waitpid', ['int', 'ptr', 'hex'], (_ctx, _pid, _status, options) => wait4(options)),
  row(284, 'waitid', ['int', 'int', 'ptr', 'hex', 'ptr'], (ctx, idtype, id, _info, options) => waitid(ctx, idtype, id, options)),
  row(136, 'personality', ['hex'], (ctx, persona) => {
    const old = ctx.proc.personality;
    if (persona !== 0xffffffff) ctx.proc.personality = persona >>> 0;
    return old;
  }),
];
