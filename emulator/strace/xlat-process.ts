// Names of process, memory, time and limit constants as strace prints them
// (i386 Linux values): clone flags, futex operations, clock ids, rlimit
// resources, wait options, prctl options, madvise advice and the flags of
// getrandom, mremap, msync, mlockall, eventfd and timerfd.
import { flags, named, namedOr, type Xlat } from './xlat.js';

const CLONE_FLAGS: Xlat = [
  ['CLONE_VM', 0x100], ['CLONE_FS', 0x200], ['CLONE_FILES', 0x400], ['CLONE_SIGHAND', 0x800], ['CLONE_PIDFD', 0x1000],
  ['CLONE_PTRACE', 0x2000], ['CLONE_VFORK', 0x4000], ['CLONE_PARENT', 0x8000], ['CLONE_THREAD', 0x10000],
  ['CLONE_NEWNS', 0x20000], ['CLONE_SYSVSEM', 0x40000], ['CLONE_SETTLS', 0x80000], ['CLONE_PARENT_SETTID', 0x100000],
  ['CLONE_CHILD_CLEARTID', 0x200000], ['CLONE_UNTRACED', 0x800000], ['CLONE_CHILD_SETTID', 0x1000000],
  ['CLONE_NEWCGROUP', 0x2000000], ['CLONE_NEWUTS', 0x4000000], ['CLONE_NEWIPC', 0x8000000], ['CLONE_NEWUSER', 0x10000000],
  ['CLONE_NEWPID', 0x20000000], ['CLONE_NEWNET', 0x40000000], ['CLONE_IO', 0x80000000],
];

export const cloneFlags = (v: number): string => flags(v, CLONE_FLAGS);

const FUTEX_OPS = [
  'FUTEX_WAIT', 'FUTEX_WAKE', 'FUTEX_FD', 'FUTEX_REQUEUE', 'FUTEX_CMP_REQUEUE', 'FUTEX_WAKE_OP', 'FUTEX_LOCK_PI',
  'FUTEX_UNLOCK_PI', 'FUTEX_TRYLOCK_PI', 'FUTEX_WAIT_BITSET', 'FUTEX_WAKE_BITSET', 'FUTEX_WAIT_REQUEUE_PI',
  'FUTEX_CMP_REQUEUE_PI', 'FUTEX_LOCK_PI2',
];
const FUTEX_PRIVATE = 128;
const FUTEX_CLOCK_REALTIME = 256;

/** futex's op: FUTEX_WAIT_BITSET_PRIVATE|FUTEX_CLOCK_REALTIME and the like. */
export function futexOp(op: number): string {
  const cmd = op & 0x7f;
  let s = FUTEX_OPS[cmd] ?? String(cmd);
  if (op & FUTEX_PRIVATE) s += '_PRIVATE';
  if (op & FUTEX_CLOCK_REALTIME) s += '|FUTEX_CLOCK_REALTIME';
  const rest = op & ~(0x7f | FUTEX_PRIVATE | FUTEX_CLOCK_REALTIME);
  if (rest) s += '|0x' + (rest >>> 0).toString(16);
  return s;
}

const CLOCKS: Xlat = [
  ['CLOCK_REALTIME', 0], ['CLOCK_MONOTONIC', 1], ['CLOCK_PROCESS_CPUTIME_ID', 2], ['CLOCK_THREAD_CPUTIME_ID', 3],
  ['CLOCK_MONOTONIC_RAW', 4], ['CLOCK_REALTIME_COARSE', 5], ['CLOCK_MONOTONIC_COARSE', 6], ['CLOCK_BOOTTIME', 7],
  ['CLOCK_REALTIME_ALARM', 8], ['CLOCK_BOOTTIME_ALARM', 9], ['CLOCK_SGI_CYCLE', 10], ['CLOCK_TAI', 11],
];

/** A clock id: a named clock, or a process's or thread's CPU clock as strace decodes them. */
export function clockId(v: number): string {
  const id = v | 0;
  if (id >= 0) return named(id, CLOCKS);
  // CPU clocks of another process or thread: ~pid << 3 | type
  const pid = ~(id >> 3);
  const type = ['PROF', 'VIRT', 'SCHED', '???'][id & 3];
  return `MAKE_${id & 4 ? 'THREAD' : 'PROCESS'}_CPUCLOCK(${pid}, CPUCLOCK_${type})`;
}

const RLIMITS: Xlat = [
  ['RLIMIT_CPU', 0], ['RLIMIT_FSIZE', 1], ['RLIMIT_DATA', 2], ['RLIMIT_STACK', 3], ['RLIMIT_CORE', 4], ['RLIMIT_RSS', 5],
  ['RLIMIT_NPROC', 6], ['RLIMIT_NOFILE', 7], ['RLIMIT_MEMLOCK', 8], ['RLIMIT_AS', 9], ['RLIMIT_LOCKS', 10],
  ['RLIMIT_SIGPENDING', 11], ['RLIMIT_MSGQUEUE', 12], ['RLIMIT_NICE', 13], ['RLIMIT_RTPRIO', 14], ['RLIMIT_RTTIME', 15],
];

export const rlimitResource = (v: number): string => named(v, RLIMITS);

/** A limit: RLIM_INFINITY, a multiple of 1024 as "N*1024", or the number. */
export function rlimitValue(v: bigint, infinity: bigint): string {
  if (v === infinity) return 'RLIM_INFINITY';
  if (v > 0n && v % 1024n === 0n) return `${v / 1024n}*1024`;
  return String(v);
}

const WAIT_OPTIONS: Xlat = [
  ['WNOHANG', 1], ['WUNTRACED', 2], ['WEXITED', 4], ['WCONTINUED', 8], ['WNOWAIT', 0x1000000],
  ['__WNOTHREAD', 0x20000000], ['__WALL', 0x40000000], ['__WCLONE', 0x80000000],
];

export const waitOptions = (v: number): string => flags(v, WAIT_OPTIONS, '0', 'W???');

export const idType = (v: number): string => named(v, [['P_ALL', 0], ['P_PID', 1], ['P_PGID', 2], ['P_PIDFD', 3]]);

export const PRCTL_OPTIONS: Xlat = [
  ['PR_SET_PDEATHSIG', 1], ['PR_GET_PDEATHSIG', 2], ['PR_GET_DUMPABLE', 3], ['PR_SET_DUMPABLE', 4],
  ['PR_GET_UNALIGN', 5], ['PR_SET_UNALIGN', 6], ['PR_GET_KEEPCAPS', 7], ['PR_SET_KEEPCAPS', 8],
  ['PR_GET_FPEMU', 9], ['PR_SET_FPEMU', 10], ['PR_GET_FPEXC', 11], ['PR_SET_FPEXC', 12], ['PR_GET_TIMING', 13],
  ['PR_SET_TIMING', 14], ['PR_SET_NAME', 15], ['PR_GET_NAME', 16], ['PR_GET_ENDIAN', 19], ['PR_SET_ENDIAN', 20],
  ['PR_GET_SECCOMP', 21], ['PR_SET_SECCOMP', 22], ['PR_CAPBSET_READ', 23], ['PR_CAPBSET_DROP', 24],
  ['PR_GET_TSC', 25], ['PR_SET_TSC', 26], ['PR_GET_SECUREBITS', 27], ['PR_SET_SECUREBITS', 28],
  ['PR_SET_TIMERSLACK', 29], ['PR_GET_TIMERSLACK', 30], ['PR_TASK_PERF_EVENTS_DISABLE', 31],
  ['PR_TASK_PERF_EVENTS_ENABLE', 32], ['PR_MCE_KILL', 33], ['PR_MCE_KILL_GET', 34], ['PR_SET_MM', 35],
  ['PR_SET_CHILD_SUBREAPER', 36], ['PR_GET_CHILD_SUBREAPER', 37], ['PR_SET_NO_NEW_PRIVS', 38],
  ['PR_GET_NO_NEW_PRIVS', 39], ['PR_GET_TID_ADDRESS', 40], ['PR_SET_THP_DISABLE', 41], ['PR_GET_THP_DISABLE', 42],
  ['PR_MPX_ENABLE_MANAGEMENT', 43], ['PR_MPX_DISABLE_MANAGEMENT', 44], ['PR_SET_FP_MODE', 45],
  ['PR_GET_FP_MODE', 46], ['PR_CAP_AMBIENT', 47], ['PR_SVE_SET_VL', 50], ['PR_SVE_GET_VL', 51],
  ['PR_GET_SPECULATION_CTRL', 52], ['PR_SET_SPECULATION_CTRL', 53], ['PR_PAC_RESET_KEYS', 54],
  ['PR_SET_TAGGED_ADDR_CTRL', 55], ['PR_GET_TAGGED_ADDR_CTRL', 56], ['PR_SET_IO_FLUSHER', 57],
  ['PR_GET_IO_FLUSHER', 58], ['PR_SET_SYSCALL_USER_DISPATCH', 59], ['PR_SCHED_CORE', 62], ['PR_SET_VMA', 0x53564d41],
];

const GRND_FLAGS: Xlat = [['GRND_NONBLOCK', 1], ['GRND_RANDOM', 2], ['GRND_INSECURE', 4]];

export const getrandomFlags = (v: number): string => flags(v, GRND_FLAGS);

const MADVICE: Xlat = [
  ['MADV_NORMAL', 0], ['MADV_RANDOM', 1], ['MADV_SEQUENTIAL', 2], ['MADV_WILLNEED', 3], ['MADV_DONTNEED', 4],
  ['MADV_FREE', 8], ['MADV_REMOVE', 9], ['MADV_DONTFORK', 10], ['MADV_DOFORK', 11], ['MADV_MERGEABLE', 12],
  ['MADV_UNMERGEABLE', 13], ['MADV_HUGEPAGE', 14], ['MADV_NOHUGEPAGE', 15], ['MADV_DONTDUMP', 16], ['MADV_DODUMP', 17],
  ['MADV_WIPEONFORK', 18], ['MADV_KEEPONFORK', 19], ['MADV_COLD', 20], ['MADV_PAGEOUT', 21],
  ['MADV_POPULATE_READ', 22], ['MADV_POPULATE_WRITE', 23], ['MADV_DONTNEED_LOCKED', 24], ['MADV_HWPOISON', 100],
  ['MADV_SOFT_OFFLINE', 101],
];

export const madvice = (v: number): string => named(v, MADVICE);

export const mremapFlags = (v: number): string => flags(v, [['MREMAP_MAYMOVE', 1], ['MREMAP_FIXED', 2], ['MREMAP_DONTUNMAP', 4]]);

export const msyncFlags = (v: number): string => flags(v, [['MS_ASYNC', 1], ['MS_SYNC', 4], ['MS_INVALIDATE', 2]]);

export const mlockallFlags = (v: number): string => flags(v, [['MCL_CURRENT', 1], ['MCL_FUTURE', 2], ['MCL_ONFAULT', 4]]);

export const mlock2Flags = (v: number): string => flags(v, [['MLOCK_ONFAULT', 1]], '0', 'MLOCK_???');

export const eventfdFlags = (v: number): string => flags(v, [['EFD_SEMAPHORE', 1], ['EFD_CLOEXEC', 0o2000000], ['EFD_NONBLOCK', 0o4000]]);

export const timerfdFlags = (v: number): string => flags(v, [['TFD_CLOEXEC', 0o2000000], ['TFD_NONBLOCK', 0o4000]]);

export const timerfdSetFlags = (v: number): string => flags(v, [['TFD_TIMER_ABSTIME', 1], ['TFD_TIMER_CANCEL_ON_SET', 2]]);

export const timerFlags = (v: number): string => flags(v, [['TIMER_ABSTIME', 1]]);

export const inotifyInitFlags = (v: number): string => flags(v, [['IN_NONBLOCK', 0o4000], ['IN_CLOEXEC', 0o2000000]], '0', 'IN_???');

const INOTIFY_MASK: Xlat = [
  ['IN_ACCESS', 0x1], ['IN_MODIFY', 0x2], ['IN_ATTRIB', 0x4], ['IN_CLOSE_WRITE', 0x8], ['IN_CLOSE_NOWRITE', 0x10],
  ['IN_OPEN', 0x20], ['IN_MOVED_FROM', 0x40], ['IN_MOVED_TO', 0x80], ['IN_CREATE', 0x100], ['IN_DELETE', 0x200],
  ['IN_DELETE_SELF', 0x400], ['IN_MOVE_SELF', 0x800], ['IN_UNMOUNT', 0x2000], ['IN_Q_OVERFLOW', 0x4000],
  ['IN_IGNORED', 0x8000], ['IN_ONLYDIR', 0x1000000], ['IN_DONT_FOLLOW', 0x2000000], ['IN_EXCL_UNLINK', 0x4000000],
  ['IN_MASK_CREATE', 0x10000000], ['IN_MASK_ADD', 0x20000000], ['IN_ISDIR', 0x40000000], ['IN_ONESHOT', 0x80000000],
];

export const inotifyMask = (v: number): string => flags(v, INOTIFY_MASK, '0', 'IN_???');

export const closeRangeFlags = (v: number): string => flags(v, [['CLOSE_RANGE_UNSHARE', 2], ['CLOSE_RANGE_CLOEXEC', 4]], '0', 'CLOSE_RANGE_???');

export const memfdFlags = (v: number): string => flags(v, [['MFD_CLOEXEC', 1], ['MFD_ALLOW_SEALING', 2], ['MFD_HUGETLB', 4], ['MFD_NOEXEC_SEAL', 8], ['MFD_EXEC', 0x10]], '0', 'MFD_???');

const ITIMERS: Xlat = [['ITIMER_REAL', 0], ['ITIMER_VIRTUAL', 1], ['ITIMER_PROF', 2]];

export const itimerWhich = (v: number): string => named(v, ITIMERS);

const RUSAGE_WHO: Xlat = [['RUSAGE_SELF', 0], ['RUSAGE_CHILDREN', -1], ['RUSAGE_THREAD', 1]];

export const rusageWho = (v: number): string => named(v | 0, RUSAGE_WHO);

const SCHED_POLICIES: Xlat = [['SCHED_OTHER', 0], ['SCHED_FIFO', 1], ['SCHED_RR', 2], ['SCHED_BATCH', 3], ['SCHED_IDLE', 5], ['SCHED_DEADLINE', 6]];

export const schedPolicy = (v: number): string => namedOr(v, SCHED_POLICIES, 'SCHED_???');

/** The policy's name, or undefined when it has none (sched_getscheduler's note). */
export const schedPolicyName = (v: number): string | undefined => SCHED_POLICIES.find(([, n]) => n === v)?.[0];

export const xattrFlags = (v: number): string => flags(v, [['XATTR_CREATE', 1], ['XATTR_REPLACE', 2]], '0', 'XATTR_???');

export const rwfFlags = (v: number): string => flags(v, [['RWF_HIPRI', 1], ['RWF_DSYNC', 2], ['RWF_SYNC', 4], ['RWF_NOWAIT', 8], ['RWF_APPEND', 0x10]], '0', 'RWF_???');
