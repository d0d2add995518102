// I/O scheduling priority (ioprio_get/ioprio_set) of guest processes:
// recorded and reported back with the kernel's checks (block/ioprio.c); the
// host's I/O scheduler sees only dsu. A pid names a guest task only.
import { EINVAL, EPERM, ESRCH } from '../abi/errno.js';
import { processByAnyTid, processGroup, processGroupOf, visibleProcesses } from '../kernel/pids.js';
import type { Process } from '../process.js';
import { row, SyscallContext, SyscallRow } from './types.js';
import { capable, CAP_SYS_NICE } from '../kernel/capabilities.js';

const IOPRIO_WHO_PROCESS = 1;
const IOPRIO_WHO_PGRP = 2;
const IOPRIO_WHO_USER = 3;

const IOPRIO_CLASS_NONE = 0;
const IOPRIO_CLASS_RT = 1;
const IOPRIO_CLASS_BE = 2;
const IOPRIO_CLASS_IDLE = 3;
const CLASS_SHIFT = 13;

/** The processes (which, who) names, or -errno; none is ESRCH. */
function targets(ctx: SyscallContext, which: number, who: number): Process[] | number {
  let found: Process[];
  switch (which) {
    case IOPRIO_WHO_PROCESS: {
      const p = processByAnyTid(ctx.proc, who);
      found = p ? [p] : [];
      break;
    }
    case IOPRIO_WHO_PGRP:
      found = processGroup(ctx.proc, who === 0 ? processGroupOf(ctx.proc) : who);
      break;
    case IOPRIO_WHO_USER: {
      const uid = who === 0 ? ctx.proc.ids.uid : who >>> 0;
      found = visibleProcesses(ctx.proc).filter((p) => p.ids.uid === uid);
      break;
    }
    default:
      return -EINVAL;
  }
  return found.length > 0 ? found : -ESRCH;
}

/** ioprio_check_cap: the class and level must be valid; the real-time class needs privilege. */
function checkValue(ctx: SyscallContext, ioprio: number): number {
  const level = ioprio & 7;
  switch ((ioprio >> CLASS_SHIFT) & 7) {
    case IOPRIO_CLASS_RT:
      return capable(ctx.proc, CAP_SYS_NICE) ? 0 : -EPERM;
    case IOPRIO_CLASS_BE:
    case IOPRIO_CLASS_IDLE:
      return 0;
    case IOPRIO_CLASS_NONE:
      return level === 0 ? 0 : -EINVAL;
    default:
      return -EINVAL;
  }
}

/** The higher of two priorities; no class counts as best effort at level 4 (IOPRIO_DEFAULT). */
function bestIoprio(a: number, b: number): number {
  const norm = (x: number): number => ((x >> CLASS_SHIFT) & 7) === IOPRIO_CLASS_NONE ? (IOPRIO_CLASS_BE << CLASS_SHIFT) | 4 : x;
  return norm(a) <= norm(b) ? a : b;
}

export const ioprioRows: SyscallRow[] = [
  row(290, 'ioprio_get', ['int', 'int'], (ctx, which, who) => {
    const procs = targets(ctx, which | 0, who | 0);
    if (typeof procs === 'number') return procs;
    // several matches: the kernel reports the highest priority (ioprio_best)
    return procs.map((p) => p.sched.ioprio).reduce(bestIoprio);
  }),
  row(289, 'ioprio_set', ['int', 'int', 'hex'], (ctx, which, who, ioprio) => {
    const valid = checkValue(ctx, ioprio | 0);
    if (valid < 0) return valid;
    const procs = targets(ctx, which | 0, who | 0);
    if (typeof procs === 'number') return procs;
    for (const p of procs) p.sched.ioprio = ioprio & 0xffff;
    return 0;
  }),
];
