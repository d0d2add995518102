// Scheduling attributes of guest processes: policy and real-time priority
// (sched_*), the nice value (getpriority/setpriority), CPU affinity. They
// are recorded and reported back with the kernel's checks
// (kernel/sched/core.c, kernel/sys.c); the host schedules dsu as it likes.
// A pid names a guest task only (kernel/pids.ts): never a host process.
import os from 'node:os';
import { EACCES, EINVAL, EPERM, ESRCH } from '../abi/errno.js';
import { processByAnyTid, processGroup, processGroupOf, visibleProcesses } from '../kernel/pids.js';
import type { Process } from '../process.js';
import { row, SyscallContext, SyscallRow } from './types.js';
import { capable, CAP_SYS_NICE } from '../kernel/capabilities.js';

const SCHED_OTHER = 0;
const SCHED_FIFO = 1;
const SCHED_RR = 2;
const SCHED_BATCH = 3;
const SCHED_IDLE = 5;
const SCHED_RESET_ON_FORK = 0x40000000;
const POLICIES = [SCHED_OTHER, SCHED_FIFO, SCHED_RR, SCHED_BATCH, SCHED_IDLE];
const MAX_RT_PRIO = 99;
/** SCHED_RR's time slice, 100 ms (RR_TIMESLICE). */
const RR_TIMESLICE_NS = 100_000_000;

const PRIO_PROCESS = 0;
const PRIO_PGRP = 1;
const PRIO_USER = 2;

const realTime = (policy: number): boolean => policy === SCHED_FIFO || policy === SCHED_RR;

/** The process whose thread `pid` names (0: the caller), or -errno. */
function target(ctx: SyscallContext, pid: number): Process | number {
  if (pid < 0) return -EINVAL;
  return processByAnyTid(ctx.proc, pid) ?? -ESRCH;
}

function setScheduler(ctx: SyscallContext, pid: number, policyArg: number, param: number): number {
  if (pid < 0 || param === 0) return -EINVAL;
  const proc = target(ctx, pid);
  if (typeof proc === 'number') return proc;
  const sched = proc.sched;
  const keep = policyArg === -1;
  const policy = keep ? sched.policy : policyArg & ~SCHED_RESET_ON_FORK;
  if (!POLICIES.includes(policy)) return -EINVAL;
  const priority = ctx.mem.i32(param);
  if (realTime(policy) ? priority < 1 || priority > MAX_RT_PRIO : priority !== 0) return -EINVAL;
  // an unprivileged process has RLIMIT_RTPRIO 0: no real-time policy
  if (realTime(policy) && !capable(ctx.proc, CAP_SYS_NICE)) return -EPERM;
  sched.policy = policy;
  sched.priority = priority;
  if (!keep) sched.resetOnFork = (policyArg & SCHED_RESET_ON_FORK) !== 0;
  return 0;
}

function rrInterval(ctx: SyscallContext, pid: number, ts: number, wide: boolean): number {
  const proc = target(ctx, pid);
  if (typeof proc === 'number') return proc;
  const ns = proc.sched.policy === SCHED_RR ? RR_TIMESLICE_NS : 0;
  if (wide) {
    ctx.mem.setU64(ts, BigInt(Math.floor(ns / 1e9)));
    ctx.mem.setU32(ts + 8, ns % 1e9);
    ctx.mem.setU32(ts + 12, 0);
  } else {
    ctx.mem.setU32(ts, Math.floor(ns / 1e9));
    ctx.mem.setU32(ts + 4, ns % 1e9);
  }
  return 0;
}

/** The processes (which, who) names for the priority calls, or -errno (kernel/sys.c). */
function prioTargets(ctx: SyscallContext, which: number, who: number): Process[] | number {
  let found: Process[];
  switch (which) {
    case PRIO_PROCESS: {
      const p = who === 0 ? ctx.proc : processByAnyTid(ctx.proc, who);
      found = p ? [p] : [];
      break;
    }
    case PRIO_PGRP:
      found = processGroup(ctx.proc, who === 0 ? processGroupOf(ctx.proc) : who);
      break;
    case PRIO_USER: {
      const uid = who === 0 ? ctx.proc.ids.uid : who >>> 0;
      found = visibleProcesses(ctx.proc).filter((p) => p.ids.uid === uid);
      break;
    }
    default:
      return -EINVAL;
  }
  return found.length > 0 ? found : -ESRCH;
}

function getPriority(ctx: SyscallContext, which: number, who: number): number {
  const procs = prioTargets(ctx, which, who);
  if (typeof procs === 'number') return procs;
  // the kernel returns 20 - nice of the highest-priority match, so that the result is never negative
  return 20 - Math.min(...procs.map((p) => p.sched.nice));
}

function setPriority(ctx: SyscallContext, which: number, who: number, prio: number): number {
  const procs = prioTargets(ctx, which, who);
  if (typeof procs === 'number') return procs;
  const nice = Math.max(-20, Math.min(19, prio));
  let error = 0;
  for (const p of procs) {
    // lowering the nice value needs CAP_SYS_NICE (RLIMIT_NICE is 0 by default)
    if (nice < p.sched.nice && !capable(ctx.proc, CAP_SYS_NICE)) error = -EACCES;
    else p.sched.nice = nice;
  }
  return error;
}

export const schedRows: SyscallRow[] = [
  row(157, 'sched_getscheduler', ['int'], (ctx, pid) => {
    const proc = target(ctx, pid | 0);
    if (typeof proc === 'number') return proc;
    return proc.sched.policy | (proc.sched.resetOnFork ? SCHED_RESET_ON_FORK : 0);
  }),
  row(156, 'sched_setscheduler', ['int', 'int', 'ptr'], (ctx, pid, policy, param) => setScheduler(ctx, pid | 0, policy | 0, param)),
  row(155, 'sched_getparam', ['int', 'ptr'], (ctx, pid, param) => {
    if (param === 0) return -EINVAL;
    const proc = target(ctx, pid | 0);
    if (typeof proc === 'number') return proc;
    ctx.mem.setU32(param, proc.sched.priority);
    return 0;
  }),
  row(154, 'sched_setparam', ['int', 'ptr'], (ctx, pid, param) => setScheduler(ctx, pid | 0, -1, param)),
  row(159, 'sched_get_priority_max', ['int'], (_ctx, policy) => (!POLICIES.includes(policy) ? -EINVAL : realTime(policy) ? MAX_RT_PRIO : 0)),
  row(160, 'sched_get_priority_min', ['int'], (_ctx, policy) => (!POLICIES.includes(policy) ? -EINVAL : realTime(policy) ? 1 : 0)),
  row(161, 'sched_rr_get_interval', ['int', 'ptr'], (ctx, pid, ts) => rrInterval(ctx, pid | 0, ts, false)),
  row(423, 'sched_rr_get_interval_time64', ['int', 'ptr'], (ctx, pid, ts) => rrInterval(ctx, pid | 0, ts, true)),
  // with other threads to run, the slice ends here and the next one in turn runs
  row(158, 'sched_yield', [], (ctx) => {
    if (ctx.proc.threads.length > 1) ctx.stopCpu();
    return 0;
  }),
  row(96, 'getpriority', ['int', 'int'], (ctx, which, who) => getPriority(ctx, which, who | 0)),
  row(97, 'setpriority', ['int', 'int', 'int'], (ctx, which, who, prio) => setPriority(ctx, which, who | 0, prio | 0)),
  row(242, 'sched_getaffinity', ['int', 'size', 'ptr'], (ctx, pid, size, mask) => {
    if (size < 4 || size & 3) return -EINVAL;
    const proc = target(ctx, pid | 0);
    if (typeof proc === 'number') return proc;
    const buf = ctx.mem.writable(mask, size);
    buf.fill(0);
    const cpus = Math.min(os.cpus().length || 1, size * 8);
    for (let i = 0; i < cpus; i++) buf[i >> 3] |= 1 << (i & 7);
    return Math.min(size, 128);
  }),
  row(241, 'sched_setaffinity', ['int', 'size', 'ptr'], (ctx, pid, size, mask) => {
    // the mask is read first (EFAULT), then the target found; the host places dsu's threads
    const bits = ctx.mem.readable(mask, Math.min(size, 128));
    const proc = target(ctx, pid | 0);
    if (typeof proc === 'number') return proc;
    const cpus = os.cpus().length || 1;
    for (let i = 0; i < Math.min(cpus, bits.length * 8); i++) if (bits[i >> 3] & (1 << (i & 7))) return 0;
    return -EINVAL;
  }),
  row(318, 'getcpu', ['ptr', 'ptr', 'ptr'], (ctx, cpu, node) => {
    if (cpu) ctx.mem.setU32(cpu, 0);
    if (node) ctx.mem.setU32(node, 0);
    return 0;
  }),
];
