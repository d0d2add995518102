// strace's classes of system calls (trace=%file, %net...), as strace 6
// groups the i386 calls, socketcall's and ipc's sub-calls included. The
// class "%%stat" is every stat-like call; "%%statfs" every statfs-like one.
const words = (s: string): readonly string[] => s.split(/\s+/).filter((w) => w.length > 0);

export const CLASSES: Readonly<Record<string, readonly string[]>> = {
  'desc': words(`
    read write open close creat lseek oldfstat dup pipe ioctl fcntl dup2 select readdir mmap ftruncate fchmod
    fchown fstatfs socketcall fstat fsync fchdir _llseek getdents _newselect flock readv writev fdatasync poll
    pread64 pwrite64 sendfile mmap2 ftruncate64 fstat64 fchown32 getdents64 fcntl64 readahead fsetxattr
    fgetxattr flistxattr fremovexattr sendfile64 fadvise64 epoll_create epoll_ctl epoll_wait fstatfs64
    fadvise64_64 mq_open mq_timedsend mq_timedreceive mq_notify mq_getsetattr inotify_init inotify_add_watch
    inotify_rm_watch openat mkdirat mknodat fchownat futimesat fstatat64 unlinkat renameat linkat symlinkat
    readlinkat fchmodat faccessat pselect6 ppoll splice sync_file_range tee vmsplice epoll_pwait utimensat
    signalfd timerfd_create eventfd fallocate timerfd_settime timerfd_gettime signalfd4 eventfd2 epoll_create1
    dup3 pipe2 inotify_init1 preadv pwritev perf_event_open fanotify_init fanotify_mark name_to_handle_at
    open_by_handle_at syncfs setns finit_module renameat2 memfd_create bpf execveat userfaultfd
    copy_file_range preadv2 pwritev2 statx timerfd_gettime64 timerfd_settime64 utimensat_time64
    pselect6_time64 ppoll_time64 mq_timedsend_time64 mq_timedreceive_time64 pidfd_send_signal io_uring_setup
    io_uring_enter io_uring_register open_tree move_mount fsopen fsconfig fsmount fspick pidfd_open openat2
    pidfd_getfd faccessat2 process_madvise epoll_pwait2 mount_setattr quotactl_fd landlock_create_ruleset
    landlock_add_rule landlock_restrict_self memfd_secret process_mrelease
  `),
  'file': words(`
    open creat link unlink execve chdir mknod chmod lchown oldstat mount umount utime access rename mkdir
    rmdir acct umount2 chroot symlink oldlstat readlink uselib swapon truncate statfs stat lstat swapoff
    quotactl chown getcwd truncate64 stat64 lstat64 lchown32 chown32 pivot_root setxattr lsetxattr getxattr
    lgetxattr listxattr llistxattr removexattr lremovexattr statfs64 utimes inotify_add_watch openat mkdirat
    mknodat fchownat futimesat fstatat64 unlinkat renameat linkat symlinkat readlinkat fchmodat faccessat
    utimensat fanotify_mark name_to_handle_at renameat2 execveat statx utimensat_time64 open_tree move_mount
    fsconfig fspick openat2 faccessat2 mount_setattr
  `),
  'ipc': words(`
    ipc semget semctl shmget shmctl shmat shmdt msgget msgsnd msgrcv msgctl semtimedop_time64
  `),
  'net': words(`
    sendfile getpmsg putpmsg sendfile64 recvmmsg sendmmsg socket socketpair bind connect listen accept4
    getsockopt setsockopt getsockname getpeername sendto sendmsg recvfrom recvmsg shutdown recvmmsg_time64
    accept send recv
  `),
  'process': words(`
    exit fork waitpid execve kill wait4 clone rt_sigqueueinfo vfork tkill exit_group tgkill waitid
    rt_tgsigqueueinfo execveat pidfd_send_signal clone3
  `),
  'signal': words(`
    pause kill signal sigaction sgetmask ssetmask sigsuspend sigpending sigreturn sigprocmask rt_sigreturn
    rt_sigaction rt_sigprocmask rt_sigpending rt_sigtimedwait rt_sigqueueinfo rt_sigsuspend sigaltstack tkill
    tgkill signalfd signalfd4 rt_tgsigqueueinfo rt_sigtimedwait_time64 pidfd_send_signal io_uring_enter
  `),
  'memory': words(`
    break brk mmap munmap mprotect msync mlock munlock mlockall munlockall mremap mmap2 mincore madvise
    io_setup io_destroy remap_file_pages mbind get_mempolicy set_mempolicy migrate_pages move_pages mlock2
    pkey_mprotect shmat shmdt io_uring_register set_mempolicy_home_node
  `),
  'stat': words(`
    oldstat stat stat64
  `),
  'lstat': words(`
    oldlstat lstat lstat64
  `),
  'fstat': words(`
    oldfstat fstat fstat64 fstatat64 statx
  `),
  '%stat': words(`
    oldstat oldfstat oldlstat stat lstat fstat stat64 lstat64 fstat64 fstatat64 statx
  `),
  'statfs': words(`
    statfs statfs64
  `),
  'fstatfs': words(`
    fstatfs fstatfs64
  `),
  '%statfs': words(`
    ustat statfs fstatfs statfs64 fstatfs64
  `),
  'creds': words(`
    setuid getuid setgid getgid geteuid getegid setreuid setregid getgroups setgroups setfsuid setfsgid
    setresuid getresuid setresgid getresgid prctl capget capset getuid32 getgid32 geteuid32 getegid32
    setreuid32 setregid32 getgroups32 setgroups32 setresuid32 getresuid32 setresgid32 getresgid32 setuid32
    setgid32 setfsuid32 setfsgid32
  `),
  'clock': words(`
    time gettimeofday settimeofday adjtimex clock_settime clock_gettime clock_getres clock_adjtime
    clock_gettime64 clock_settime64 clock_adjtime64 clock_getres_time64
  `),
};
