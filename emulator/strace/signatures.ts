// How strace shows each call's arguments, where the syscall table's kinds
// (enough to run the call) are coarser than what strace decodes: flags by
// name, structures read from memory, what the call wrote shown once it
// returned, 64-bit values from their two halves. Like strace's own table
// of syscall signatures, this is the tracer's, kept apart from the rows so
// that the syscall layer does not change for the sake of the trace.
// Calls whose arguments depend on each other (futex, fcntl, ioctl...) have
// a decoder of their own in calls.ts instead.
import type { ArgKind, SyscallRow } from '../syscalls/types.js';

const SIGNATURES: Record<string, readonly ArgKind[]> = {
  // files
  readv: ['fd', 'iovecout', 'int'],
  writev: ['fd', 'iovec', 'int'],
  pread64: ['fd', 'outbuf', 'size', 'loff', 'hi'],
  pwrite64: ['fd', 'buf', 'size', 'loff', 'hi'],
  preadv: ['fd', 'iovecout', 'int', 'loff', 'hi'],
  pwritev: ['fd', 'iovec', 'int', 'loff', 'hi'],
  preadv2: ['fd', 'iovecout', 'int', 'loff', 'hi', 'rwfflags'],
  pwritev2: ['fd', 'iovec', 'int', 'loff', 'hi', 'rwfflags'],
  setxattr: ['str', 'str', 'buf', 'size', 'xattrflags'],
  lsetxattr: ['str', 'str', 'buf', 'size', 'xattrflags'],
  fsetxattr: ['fd', 'str', 'buf', 'size', 'xattrflags'],
  sched_rr_get_interval: ['int', 'timespecout'],
  sched_rr_get_interval_time64: ['int', 'timespec64out'],
  lseek: ['fd', 'int', 'whence'],
  stat64: ['str', 'statout'],
  lstat64: ['str', 'statout'],
  fstat64: ['fd', 'statout'],
  fstatat64: ['dirfd', 'str', 'statout', 'atflags'],
  statx: ['dirfd', 'str', 'statxflags', 'statxmask', 'statxout'],
  access: ['str', 'access'],
  faccessat: ['dirfd', 'str', 'access'],
  faccessat2: ['dirfd', 'str', 'access', 'atflags'],
  getdents64: ['fd', 'direntsout', 'size'],
  getdents: ['fd', 'direntsout', 'size'],
  unlinkat: ['dirfd', 'str', 'atflags'],
  renameat2: ['dirfd', 'str', 'dirfd', 'str', 'renameflags'],
  linkat: ['dirfd', 'str', 'dirfd', 'str', 'atflags'],
  fchownat: ['dirfd', 'str', 'int', 'int', 'atflags'],
  utimensat: ['dirfd', 'str', 'ptr', 'atflags'],
  truncate64: ['str', 'loff', 'hi'],
  ftruncate64: ['fd', 'loff', 'hi'],
  fallocate: ['fd', 'int', 'loff', 'hi', 'loff', 'hi'],
  readahead: ['fd', 'loff', 'hi', 'size'],
  flock: ['fd', 'flockop'],
  pipe: ['fdpairout'],
  pipe2: ['fdpairout', 'oflags'],
  memfd_create: ['str', 'memfdflags'],
  inotify_init1: ['inotifyflags'],
  inotify_add_watch: ['fd', 'str', 'inotifymask'],
  close_range: ['uint', 'uint', 'closerangeflags'],
  getcwd: ['cwdout', 'size'],
  // memory
  madvise: ['ptr', 'size', 'madvice'],
  msync: ['ptr', 'size', 'msyncflags'],
  mlockall: ['mlockallflags'],
  // processes, time, limits
  wait4: ['int', 'waitstatusout', 'waitoptions', 'ptr'],
  waitpid: ['int', 'waitstatusout', 'waitoptions'],
  uname: ['utsnameout'],
  rseq: ['ptr', 'hex', 'int', 'hex'],
  waitid: ['idtype', 'int', 'ptr', 'waitoptions', 'ptr'],
  getgroups32: ['int', 'gidsout'],
  setgroups32: ['int', 'gids'],
  sched_getparam: ['int', 'intout'],
  sched_setparam: ['int', 'intin'],
  sched_get_priority_max: ['schedpolicy'],
  sched_get_priority_min: ['schedpolicy'],
  getresuid: ['intout', 'intout', 'intout'],
  getresgid: ['intout', 'intout', 'intout'],
  getresuid32: ['intout', 'intout', 'intout'],
  getresgid32: ['intout', 'intout', 'intout'],
  getrlimit: ['rlimres', 'rlimitout'],
  ugetrlimit: ['rlimres', 'rlimitout'],
  setrlimit: ['rlimres', 'rlimit'],
  prlimit64: ['int', 'rlimres', 'rlimit64', 'rlimit64out'],
  getrusage: ['rusagewho', 'ptr'],
  clock_gettime: ['clockid', 'timespecout'],
  clock_gettime64: ['clockid', 'timespec64out'],
  clock_getres: ['clockid', 'timespecout'],
  clock_getres_time64: ['clockid', 'timespec64out'],
  clock_settime: ['clockid', 'timespec'],
  clock_settime64: ['clockid', 'timespec64'],
  nanosleep: ['timespec', 'ptr'],
  clock_nanosleep: ['clockid', 'timerflags', 'timespec', 'ptr'],
  clock_nanosleep_time64: ['clockid', 'timerflags', 'timespec64', 'ptr'],
  getitimer: ['itimerwhich', 'itimervalout'],
  setitimer: ['itimerwhich', 'itimerval', 'itimervalout'],
  gettimeofday: ['timevalout', 'ptr'],
  sched_setscheduler: ['int', 'schedpolicy', 'intin'],
  timerfd_create: ['clockid', 'tfdflags'],
  timerfd_settime: ['fd', 'tfdsetflags', 'itimerspec', 'itimerspecout'],
  timerfd_settime64: ['fd', 'tfdsetflags', 'itimerspec64', 'itimerspec64out'],
  timerfd_gettime: ['fd', 'itimerspecout'],
  timerfd_gettime64: ['fd', 'itimerspec64out'],
  timer_settime: ['int', 'timerflags', 'itimerspec', 'itimerspecout'],
  timer_settime64: ['int', 'timerflags', 'itimerspec64', 'itimerspec64out'],
  eventfd2: ['uint', 'efdflags'],
  getrandom: ['randout', 'size', 'grndflags'],
  // signals
  rt_sigaction: ['signal', 'sigaction', 'sigactionout', 'size'],
  sigaction: ['signal', 'oldsigaction', 'oldsigactionout'],
  rt_sigprocmask: ['sighow', 'sigset', 'sigsetout', 'size'],
  rt_sigpending: ['sigsetout', 'size'],
  rt_sigsuspend: ['sigset', 'size'],
  rt_sigtimedwait: ['sigset', 'ptr', 'timespec', 'size'],
  rt_sigtimedwait_time64: ['sigset', 'ptr', 'timespec64', 'size'],
  sigaltstack: ['stack', 'stackout'],
  signalfd4: ['fd', 'sigset', 'size', 'efdflags'],
  // sockets (the same names socketcall's sub-calls take, in subcalls.ts)
  bind: ['fd', 'sockaddr', 'int'],
  connect: ['fd', 'sockaddr', 'int'],
  accept4: ['fd', 'sockaddrout', 'socklenout', 'sockflags'],
  getsockname: ['fd', 'sockaddrout', 'socklenout'],
  getpeername: ['fd', 'sockaddrout', 'socklenout'],
  sendto: ['fd', 'buf', 'size', 'msgflags', 'sockaddr', 'int'],
  recvfrom: ['fd', 'outbuf', 'size', 'msgflags', 'sockaddrout', 'socklenout'],
  sendmsg: ['fd', 'msghdr', 'msgflags'],
  recvmsg: ['fd', 'msghdrout', 'msgflags'],
  shutdown: ['fd', 'shuthow'],
  sendmmsg: ['fd', 'ptr', 'uint', 'msgflags'],
  recvmmsg: ['fd', 'ptr', 'uint', 'msgflags', 'ptr'],
  epoll_create1: ['epollflags'],
  epoll_ctl: ['fd', 'epollop', 'fd', 'epollevent'],
  epoll_wait: ['fd', 'epolleventsout', 'int', 'int'],
  epoll_pwait: ['fd', 'epolleventsout', 'int', 'int', 'sigset', 'size'],
  epoll_pwait2: ['fd', 'epolleventsout', 'int', 'timespec64', 'sigset', 'size'],
};

const traced = new WeakMap<SyscallRow, SyscallRow>();

/** The row with the arguments as strace shows them (itself when the table has nothing finer). */
export function tracedRow(row: SyscallRow): SyscallRow {
  const kinds = SIGNATURES[row.name];
  if (!kinds) return row;
  let shown = traced.get(row);
  if (!shown) {
    shown = { ...row, args: kinds };
    traced.set(row, shown);
  }
  return shown;
}
