// Process identity, groups and sessions, uname, prctl, wait, personality.
import os from 'node:os';
import { EBADF, ECHILD, EINVAL, ENOSYS, ESRCH } from '../abi/errno.js';
import { processByAnyTid, processGroupOf, sessionOf } from '../kernel/pids.js';
import { row, SyscallContext, SyscallRow } from './types.js';
import { threadRows } from './thread.js';
import { credentialRows } from './credentials.js';
import { schedRows } from './sched.js';
import { ioprioRows } from './ioprio.js';
import { syslogRows } from './syslog.js';
import { pidfdRows, PidFd } from './pidfd.js';
import { crossProcessRows } from './cross-process.js';
import { groupRows, treePrctl } from './groups.js';
import { forkRows } from './fork.js';
import { waitRows } from './wait.js';
import { execRows } from './exec.js';

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

/** A 16-bit ID call reports an ID above 65535 as the kernel's overflowuid. */
const id16 = (id: number): number => (id > 0xffff ? 65534 : id);

export const processRows: SyscallRow[] = [
  ...threadRows,
  ...credentialRows,
  ...schedRows,
  ...ioprioRows,
  ...syslogRows,
  ...pidfdRows,
  ...crossProcessRows,
  ...groupRows,
  ...forkRows,
  ...waitRows,
  ...execRows,
  row(20, 'getpid', [], (ctx) => ctx.proc.ids.pid),
  row(24, 'getuid', [], (ctx) => id16(ctx.proc.ids.uid)),
  row(47, 'getgid', [], (ctx) => id16(ctx.proc.ids.gid)),
  row(49, 'geteuid', [], (ctx) => id16(ctx.proc.ids.euid)),
  row(50, 'getegid', [], (ctx) => id16(ctx.proc.ids.egid)),
  row(199, 'getuid32', [], (ctx) => ctx.proc.ids.uid),
  row(200, 'getgid32', [], (ctx) => ctx.proc.ids.gid),
  row(201, 'geteuid32', [], (ctx) => ctx.proc.ids.euid),
  row(202, 'getegid32', [], (ctx) => ctx.proc.ids.egid),
  row(60, 'umask', ['mode'], (ctx, mask) => {
    const old = ctx.proc.umask;
    ctx.proc.umask = mask & 0o777;
    return old;
  }),
  row(122, 'uname', ['ptr'], (ctx, a) => uname(ctx, a)),
  // glibc probes rseq and copes with ENOSYS; not worth a report
  row(386, 'rseq', ['ptr', 'uint', 'hex', 'hex'], () => -ENOSYS),
  row(384, 'arch_prctl', ['hex', 'ptr'], () => -EINVAL),
  row(172, 'prctl', ['int', 'hex', 'hex', 'hex', 'hex'], (ctx, option, arg2) => {
    const tree = treePrctl(ctx, option, arg2);
    if (tree !== null) return tree;
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
  row(136, 'personality', ['hex'], (ctx, persona) => {
    const old = ctx.proc.personality;
    if (persona !== 0xffffffff) ctx.proc.personality = persona >>> 0;
    return old;
  }),
];
