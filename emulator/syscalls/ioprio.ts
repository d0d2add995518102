// I/O scheduling priority (ioprio_get/ioprio_set) of the one emulated
// process: recorded and reported back with the kernel's checks
// (block/ioprio.c); the host's I/O scheduler sees only dsu.
import { EINVAL, EPERM, ESRCH } from '../abi/errno.js';
import { row, SyscallContext, SyscallRow } from './types.js';

const IOPRIO_WHO_PROCESS = 1;
const IOPRIO_WHO_PGRP = 2;
const IOPRIO_WHO_USER = 3;

const IOPRIO_CLASS_NONE = 0;
const IOPRIO_CLASS_RT = 1;
const IOPRIO_CLASS_BE = 2;
const IOPRIO_CLASS_IDLE = 3;
const CLASS_SHIFT = 13;

/** 0 when (which, who) names this process (its group and session are its own), else -errno. */
function namesSelf(ctx: SyscallContext, which: number, who: number): number {
  switch (which) {
    case IOPRIO_WHO_PROCESS:
    case IOPRIO_WHO_PGRP:
      return who === 0 || who === ctx.proc.pid ? 0 : -ESRCH;
    case IOPRIO_WHO_USER:
      return who === 0 || who === ctx.proc.ids.uid ? 0 : -ESRCH;
    default:
      return -EINVAL;
  }
}

/** ioprio_check_cap: the class and level must be valid; the real-time class needs privilege. */
function checkValue(ctx: SyscallContext, ioprio: number): number {
  const level = ioprio & 7;
  switch ((ioprio >> CLASS_SHIFT) & 7) {
    case IOPRIO_CLASS_RT:
      return ctx.proc.ids.euid === 0 ? 0 : -EPERM;
    case IOPRIO_CLASS_BE:
    case IOPRIO_CLASS_IDLE:
      return 0;
    case IOPRIO_CLASS_NONE:
      return level === 0 ? 0 : -EINVAL;
    default:
      return -EINVAL;
  }
}

export const ioprioRows: SyscallRow[] = [
  row(290, 'ioprio_get', ['int', 'int'], (ctx, which, who) => {
    const self = namesSelf(ctx, which | 0, who | 0);
    return self < 0 ? self : ctx.proc.sched.ioprio;
  }),
  row(289, 'ioprio_set', ['int', 'int', 'hex'], (ctx, which, who, ioprio) => {
    const valid = checkValue(ctx, ioprio | 0);
    if (valid < 0) return valid;
    const self = namesSelf(ctx, which | 0, who | 0);
    if (self < 0) return self;
    ctx.proc.sched.ioprio = ioprio & 0xffff;
    return 0;
  }),
];
