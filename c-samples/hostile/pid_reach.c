/* A guest that tries to reach a host process by pid: signals (kill, tkill,
 * tgkill, sigqueue, pidfd), priorities, scheduling, limits, I/O priority,
 * memory (process_vm_*), kcmp, process groups and sessions. Argument: the
 * host pid (which leads its own process group). Each call prints its
 * result; under dsu every one must say ESRCH (or ECHILD for waitid), and
 * the host process must come out untouched. Then it signals itself through
 * kill(getpid()), kill(0) and kill(-pgrp), which must arrive.
 * Never run natively: as root it would do what it tries. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

static void show(const char *what, long r) {
    if (r < 0) printf("%s = %s\n", what, strerrorname_np(errno));
    else printf("%s = %ld\n", what, r);
}

static volatile int arrived;
static void on_usr1(int sig) { (void)sig; arrived++; }

int main(int argc, char **argv) {
    if (argc < 2) return 2;
    pid_t pid = atoi(argv[1]);
    setvbuf(stdout, NULL, _IONBF, 0);

    show("kill(pid, 0)", kill(pid, 0));
    show("kill(pid, SIGKILL)", kill(pid, SIGKILL));
    show("kill(pid, SIGTERM)", kill(pid, SIGTERM));
    show("kill(-pgid, SIGKILL)", kill(-pid, SIGKILL));
    /* -1 with signal 0 only: were it broadcast, nothing is sent */
    show("kill(-1, 0)", kill(-1, 0));
    show("kill(INT_MIN, 0)", kill(INT_MIN, 0));
    show("tkill(pid, SIGKILL)", syscall(SYS_tkill, pid, SIGKILL));
    show("tgkill(pid, pid, SIGKILL)", syscall(SYS_tgkill, pid, pid, SIGKILL));
    siginfo_t si;
    memset(&si, 0, sizeof si);
    si.si_signo = SIGKILL;
    si.si_code = SI_QUEUE;
    show("rt_sigqueueinfo(pid)", syscall(SYS_rt_sigqueueinfo, pid, SIGKILL, &si));
    show("rt_tgsigqueueinfo(pid)", syscall(SYS_rt_tgsigqueueinfo, pid, pid, SIGKILL, &si));
    show("sigqueue(pid)", sigqueue(pid, SIGTERM, (union sigval){ .sival_int = 1 }));

    show("setpriority(PROCESS, pid, 19)", setpriority(PRIO_PROCESS, pid, 19));
    show("setpriority(PGRP, pid, 19)", setpriority(PRIO_PGRP, pid, 19));
    errno = 0;
    int prio = getpriority(PRIO_PROCESS, pid);
    printf("getpriority(PROCESS, pid) = %s\n", errno ? strerrorname_np(errno) : "found");
    (void)prio;
    struct sched_param sp = { .sched_priority = 0 };
    show("sched_setscheduler(pid, IDLE)", sched_setscheduler(pid, SCHED_IDLE, &sp));
    show("sched_getscheduler(pid)", sched_getscheduler(pid));
    show("sched_setparam(pid)", sched_setparam(pid, &sp));
    show("sched_getparam(pid)", sched_getparam(pid, &sp));
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(0, &set);
    show("sched_setaffinity(pid)", sched_setaffinity(pid, sizeof set, &set));
    show("sched_getaffinity(pid)", sched_getaffinity(pid, sizeof set, &set));
    struct timespec ts;
    show("sched_rr_get_interval(pid)", sched_rr_get_interval(pid, &ts));

    struct rlimit64 lim = { 1, 1 };
    show("prlimit64(pid, NOFILE, {1,1})", syscall(SYS_prlimit64, pid, RLIMIT_NOFILE, &lim, NULL));
    show("prlimit64(pid, NOFILE, get)", syscall(SYS_prlimit64, pid, RLIMIT_NOFILE, NULL, &lim));
    show("ioprio_set(PROCESS, pid)", syscall(SYS_ioprio_set, 1, pid, (3 << 13)));
    show("ioprio_get(PROCESS, pid)", syscall(SYS_ioprio_get, 1, pid));

    show("pidfd_open(pid)", syscall(434, pid, 0));
    char buf[16];
    struct iovec local = { buf, sizeof buf }, remote = { (void *)0x08048000, sizeof buf };
    show("process_vm_readv(pid)", syscall(SYS_process_vm_readv, pid, &local, 1, &remote, 1, 0));
    show("process_vm_writev(pid)", syscall(SYS_process_vm_writev, pid, &local, 1, &remote, 1, 0));
    show("kcmp(pid, self, FILE)", syscall(SYS_kcmp, pid, getpid(), 0, 0, 0));
    show("getpgid(pid)", getpgid(pid));
    show("getsid(pid)", getsid(pid));
    show("setpgid(pid, 0)", setpgid(pid, 0));
    void *head;
    size_t len;
    show("get_robust_list(pid)", syscall(SYS_get_robust_list, pid, &head, &len));
    int fds[2];
    pipe(fds);
    show("F_SETOWN(pid)", fcntl(fds[0], F_SETOWN, pid));
    show("F_SETOWN(-pgid)", fcntl(fds[0], F_SETOWN, -pid));
    struct f_owner_ex ex = { F_OWNER_PID, pid };
    show("F_SETOWN_EX(pid)", fcntl(fds[0], F_SETOWN_EX, &ex));
    show("waitid(P_PID, pid)", waitid(P_PID, pid, &si, WEXITED | WNOHANG));

    /* the guest's own process still takes signals sent by pid */
    signal(SIGUSR1, on_usr1);
    show("kill(getpid(), SIGUSR1)", kill(getpid(), SIGUSR1));
    show("kill(0, SIGUSR1)", kill(0, SIGUSR1));
    show("kill(-getpgrp(), SIGUSR1)", kill(-getpgrp(), SIGUSR1));
    show("tgkill(self)", syscall(SYS_tgkill, getpid(), gettid(), SIGUSR1));
    int pfd = syscall(434, getpid(), 0);
    show("pidfd_send_signal(self)", syscall(424, pfd, SIGUSR1, NULL, 0));
    printf("arrived = %d\n", arrived);
    show("setpriority(PROCESS, 0, 5)", setpriority(PRIO_PROCESS, 0, 5));
    printf("getpriority(PROCESS, getpid()) = %d\n", getpriority(PRIO_PROCESS, getpid()));
    int x = 42, y = 0;
    struct iovec lv = { &y, sizeof y }, rv = { &x, sizeof x };
    show("process_vm_readv(self)", syscall(SYS_process_vm_readv, getpid(), &lv, 1, &rv, 1, 0));
    printf("copied = %d\n", y);
    return 0;
}
