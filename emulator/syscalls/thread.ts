// Thread identity and life: exit of one thread and of the whole group,
// gettid, the TLS descriptors (set_thread_area), the clear_child_tid word
// and the robust futex list; clone and clone3 are in clone.ts.
import { EINVAL, ESRCH } from '../abi/errno.js';
import { TLS_COUNT, TLS_FIRST } from '../engine/descriptors.js';
import { setTlsSlot } from './tls.js';
import { guestThread } from '../kernel/pids.js';
import { exitThread } from '../kernel/thread-exit.js';
import { row, SyscallContext, SyscallRow } from './types.js';
import { cloneRows } from './clone.js';

/** exit_group, and a fatal exit of any thread: every thread of the process ends. */
function exitGroup(ctx: SyscallContext, code: number): number {
  ctx.proc.exit = { code: code & 0xff };
  ctx.stopCpu();
  return 0;
}

/** exit: only the calling thread ends (the process with it if it was the last). */
function exit(ctx: SyscallContext, code: number): number {
  exitThread(ctx.proc, ctx.thread, code);
  ctx.stopCpu();
  return 0;
}

function setThreadArea(ctx: SyscallContext, p: number): number {
  const entry = setTlsSlot(ctx, ctx.thread, p, true);
  if (entry < 0) return entry;
  // the caller is on the engine: its descriptor goes to the GDT now
  ctx.proc.machine.gdt.write(entry, ctx.thread.tls[entry - TLS_FIRST]);
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

export const threadRows: SyscallRow[] = [
  ...cloneRows,
  row(1, 'exit', ['int'], (ctx, a) => exit(ctx, a)),
  row(252, 'exit_group', ['int'], (ctx, a) => exitGroup(ctx, a)),
  row(224, 'gettid', [], (ctx) => ctx.thread.tid),
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
];
