// Resource limits and usage: getrlimit/ugetrlimit/setrlimit/prlimit64,
// getrusage, times, sysinfo. A process starts with the host's limits
// (except the stack, which is the guest's own 8 MiB); what it sets is kept
// in Process.rlimits and read back.
import fs from 'node:fs';
import os from 'node:os';
import { EINVAL, EPERM, ESRCH } from '../abi/errno.js';
import { RUSAGE_CHILDREN, RUSAGE_SELF, RUSAGE_THREAD, writeRusage, writeSysinfo, writeTms, NSEC_PER_SEC, USER_HZ, CLOCK_BOOTTIME, CLOCK_MONOTONIC } from '../abi/time.js';
import { HOST_RLIM_INFINITY, hostClock, hostRlimit } from '../host/clock.js';
import { fdBudget } from '../host/fd-budget.js';
import { row, SyscallContext, SyscallRow } from './types.js';
import type { Process } from '../process.js';
import { processByAnyTid } from '../kernel/pids.js';
import { capable, CAP_SYS_RESOURCE } from '../kernel/capabilities.js';

const RLIMIT_STACK = 3;
export const RLIMIT_NOFILE = 7;
const RLIM_NLIMITS = 16;
export const RLIM_INFINITY = HOST_RLIM_INFINITY;
const COMPAT_RLIM_INFINITY = 0xffffffffn;
/** getrlimit (76) predates unsigned limits: it reports at most this. */
const COMPAT_RLIM_OLD_INFINITY = 0x7fffffffn;
/**
 * The guest's fs.nr_open, the highest RLIMIT_NOFILE it may set: what dsu can
 * give while keeping descriptors of its own (host/fd-budget.ts).
 */
const nrOpen = (): bigint => BigInt(fdBudget().guestCeiling);
const GUEST_STACK = 8n * 1024n * 1024n;

type Limit = [soft: bigint, hard: bigint];

const min = (a: bigint, b: bigint): bigint => (a < b ? a : b);

/** The current limit, fixing the default from the host on first use. */
export function currentLimit(ctx: SyscallContext, resource: number): Limit {
  return processLimit(ctx.proc, resource);
}

export function processLimit(proc: Process, resource: number): Limit {
  let lim = proc.rlimits.get(resource);
  if (!lim) {
    const host = hostRlimit(resource);
    lim = typeof host === 'number' ? [RLIM_INFINITY, RLIM_INFINITY] : host;
    if (resource === RLIMIT_STACK) lim = [GUEST_STACK < lim[1] ? GUEST_STACK : lim[1], lim[1]];
    if (resource === RLIMIT_NOFILE) lim = [min(lim[0], nrOpen()), min(lim[1], nrOpen())];
    proc.rlimits.set(resource, lim);
  }
  return lim;
}

function setLimit(ctx: SyscallContext, proc: Process, resource: number, next: Limit): number {
  const [soft, hard] = next;
  if (soft > hard) return -EINVAL;
  if (resource === RLIMIT_NOFILE && hard > nrOpen()) return -EPERM;
  const old = processLimit(proc, resource);
  // raising the hard limit takes CAP_SYS_RESOURCE
  if (hard > old[1] && !capable(ctx.proc, CAP_SYS_RESOURCE)) return -EPERM;
  proc.rlimits.set(resource, [soft, hard]);
  // the file table enforces the soft limit on descriptor numbers
  if (resource === RLIMIT_NOFILE) proc.fds.limit = Number(soft);
  return 0;
}

const validResource = (r: number): boolean => r >= 0 && r < RLIM_NLIMITS;

function prlimit64(ctx: SyscallContext, pid: number, resource: number, newp: number, oldp: number): number {
  if (!validResource(resource)) return -EINVAL;
  const next: Limit | null = newp ? [ctx.mem.u64(newp), ctx.mem.u64(newp + 8)] : null;
  // a pid names a guest task only (kernel/pids.ts)
  const proc = processByAnyTid(ctx.proc, pid);
  if (!proc) return -ESRCH;
  const old = processLimit(proc, resource);
  if (next) {
    const r = setLimit(ctx, proc, resource, next);
    if (r < 0) return r;
  }
  if (oldp) {
    ctx.mem.setU64(oldp, old[0]);
    ctx.mem.setU64(oldp + 8, old[1]);
  }
  return 0;
}

/** 32-bit struct rlimit: values above `max` read as `max`. */
function getrlimit32(ctx: SyscallContext, resource: number, p: number, max: bigint): number {
  if (!validResource(resource)) return -EINVAL;
  const [soft, hard] = currentLimit(ctx, resource);
  ctx.mem.setU32(p, Number(soft > max ? max : soft));
  ctx.mem.setU32(p + 4, Number(hard > max ? max : hard));
  return 0;
}

function setrlimit32(ctx: SyscallContext, resource: number, p: number): number {
  if (!validResource(resource)) return -EINVAL;
  const widen = (x: number): bigint => (BigInt(x) === COMPAT_RLIM_INFINITY ? RLIM_INFINITY : BigInt(x));
  return setLimit(ctx, ctx.proc, resource, [widen(ctx.mem.u32(p)), widen(ctx.mem.u32(p + 4))]);
}

function getrusage(ctx: SyscallContext, who: number, p: number): number {
  if (who === RUSAGE_CHILDREN) {
    // no child processes run under this emulator
    writeRusage(ctx.mem, p, { utime: 0n, stime: 0n, maxrss: 0, minflt: 0, majflt: 0, inblock: 0, oublock: 0, nvcsw: 0, nivcsw: 0 });
    return 0;
  }
  if (who !== RUSAGE_SELF && who !== RUSAGE_THREAD) return -EINVAL;
  const u = process.resourceUsage();
  writeRusage(ctx.mem, p, {
    utime: BigInt(u.userCPUTime) * 1000n,
    stime: BigInt(u.systemCPUTime) * 1000n,
    maxrss: u.maxRSS,
    minflt: u.minorPageFault,
    majflt: u.majorPageFault,
    inblock: u.fsRead,
    oublock: u.fsWrite,
    nvcsw: u.voluntaryContextSwitches,
    nivcsw: u.involuntaryContextSwitches,
  });
  return 0;
}

function times(ctx: SyscallContext, p: number): number {
  if (p) {
    const u = process.cpuUsage();
    writeTms(ctx.mem, p, BigInt(u.user) * 1000n, BigInt(u.system) * 1000n);
  }
  // clock ticks since an arbitrary point (the kernel's is boot); only differences matter
  const ticks = hostClock(CLOCK_MONOTONIC)! / (NSEC_PER_SEC / BigInt(USER_HZ));
  return Number(BigInt.asIntN(32, ticks));
}

/** Fields of /proc/meminfo in bytes (0 when absent). */
function meminfo(): Map<string, number> {
  const out = new Map<string, number>();
  try {
    for (const line of fs.readFileSync('/proc/meminfo', 'utf8').split('\n')) {
      const m = /^(\w+):\s+(\d+)(?: kB)?/.exec(line);
      if (m) out.set(m[1], Number(m[2]) * 1024);
    }
  } catch {
    // not Linux: the os module's figures below still apply
  }
  return out;
}

function processCount(): number {
  try {
    return Number(fs.readFileSync('/proc/loadavg', 'utf8').split(' ')[3].split('/')[1]) || 1;
  } catch {
    return 1;
  }
}

function sysinfo(ctx: SyscallContext, p: number): number {
  const mi = meminfo();
  const boot = hostClock(CLOCK_BOOTTIME)!;
  const sizes = [os.totalmem(), os.freemem(), mi.get('Shmem') ?? 0, mi.get('Buffers') ?? 0, mi.get('SwapTotal') ?? 0, mi.get('SwapFree') ?? 0];
  // like the compat sysinfo: bigger units when a size does not fit 32 bits
  const unitShift = sizes.some((s) => s > 0xffffffff) ? 12 : 0;
  const [totalram, freeram, sharedram, bufferram, totalswap, freeswap] = sizes.map((s) => Math.floor(s / 2 ** unitShift));
  writeSysinfo(ctx.mem, p, {
    uptime: Number(boot / NSEC_PER_SEC) + (boot % NSEC_PER_SEC !== 0n ? 1 : 0),
    loads: os.loadavg().map((l) => Math.round(l * 65536)) as [number, number, number],
    totalram, freeram, sharedram, bufferram, totalswap, freeswap,
    procs: processCount(),
    memUnit: 2 ** unitShift,
  });
  return 0;
}

export const limitRows: SyscallRow[] = [
  row(76, 'getrlimit', ['int', 'ptr'], (ctx, a, b) => getrlimit32(ctx, a, b, COMPAT_RLIM_OLD_INFINITY)),
  row(191, 'ugetrlimit', ['int', 'ptr'], (ctx, a, b) => getrlimit32(ctx, a, b, COMPAT_RLIM_INFINITY)),
  row(75, 'setrlimit', ['int', 'ptr'], (ctx, a, b) => setrlimit32(ctx, a, b)),
  row(340, 'prlimit64', ['int', 'int', 'ptr', 'ptr'], (ctx, a, b, c, d) => prlimit64(ctx, a | 0, b, c, d)),
  row(77, 'getrusage', ['int', 'ptr'], (ctx, a, b) => getrusage(ctx, a | 0, b)),
  row(43, 'times', ['ptr'], (ctx, a) => times(ctx, a)),
  row(116, 'sysinfo', ['ptr'], (ctx, a) => sysinfo(ctx, a)),
];
