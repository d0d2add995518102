/* signalfd: blocked signals read as struct signalfd_siginfo records (signo,
 * code, sender), lowest first, several per read; EAGAIN when nothing of the
 * mask is pending and EINVAL for a short buffer; the mask updated through
 * the same fd; SFD_CLOEXEC/SFD_NONBLOCK; queued real-time signals with
 * their values; argument errors; fstat, /proc/self/fd, dup and close. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static const char *code_name(int code)
{
    switch (code) {
    case SI_USER: return "SI_USER";
    case SI_TKILL: return "SI_TKILL";
    case SI_QUEUE: return "SI_QUEUE";
    case SI_KERNEL: return "SI_KERNEL";
    default: return "?";
    }
}

static void show(const struct signalfd_siginfo *si)
{
    char rt[16];
    const char *name = sigabbrev_np(si->ssi_signo);
    if (!name) {
        snprintf(rt, sizeof rt, "RTMIN+%d", (int)si->ssi_signo - SIGRTMIN);
        name = rt;
    }
    printf("  signo %u (%s) code %s errno %d ssi_pid == getpid(): %d ssi_uid == getuid(): %d int %d\n",
           si->ssi_signo, name, code_name(si->ssi_code), si->ssi_errno,
           si->ssi_pid == (unsigned)getpid(), si->ssi_uid == (unsigned)getuid(), si->ssi_int);
}

/* Read with room for `room` records; print what came. */
static void read_records(int fd, int room, const char *what)
{
    struct signalfd_siginfo si[8];
    ssize_t n = read(fd, si, room * sizeof si[0]);
    if (n < 0) {
        printf("%s: -1 %s\n", what, strerrorname_np(errno));
        return;
    }
    printf("%s: %zd bytes, %zd record(s)\n", what, n, n / (ssize_t)sizeof si[0]);
    for (int i = 0; i < n / (ssize_t)sizeof si[0]; i++) show(&si[i]);
}

static void show_pending(const char *when)
{
    sigset_t p;
    sigpending(&p);
    printf("%s: pending USR1=%d USR2=%d TERM=%d WINCH=%d\n", when, sigismember(&p, SIGUSR1),
           sigismember(&p, SIGUSR2), sigismember(&p, SIGTERM), sigismember(&p, SIGWINCH));
}

static void result(const char *what, long r)
{
    printf("%s: %ld%s%s\n", what, r, r < 0 ? " " : "", r < 0 ? strerrorname_np(errno) : "");
}

static volatile int handled;
static void on_usr1(int sig) { (void)sig; handled++; }

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    printf("sizeof(struct signalfd_siginfo) = %zu\n", sizeof(struct signalfd_siginfo));
    sigset_t block, mask;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    sigaddset(&block, SIGUSR2);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGWINCH);
    sigaddset(&block, SIGRTMIN + 1);
    sigprocmask(SIG_BLOCK, &block, NULL);

    sigemptyset(&mask);
    sigaddset(&mask, SIGUSR1);
    sigaddset(&mask, SIGUSR2);
    int fd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
    printf("signalfd created: %d\n", fd >= 0);
    printf("FD_CLOEXEC: %d\n", (fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0);
    int fl = fcntl(fd, F_GETFL);
    printf("O_NONBLOCK: %d O_RDWR: %d\n", (fl & O_NONBLOCK) != 0, (fl & O_ACCMODE) == O_RDWR);

    read_records(fd, 4, "read, nothing pending");
    struct signalfd_siginfo one;
    result("read into 127 bytes", read(fd, &one, sizeof one - 1));

    kill(getpid(), SIGUSR2);
    raise(SIGUSR1);
    kill(getpid(), SIGUSR2); /* already pending: a standard signal does not queue */
    show_pending("after kill USR2, raise USR1, kill USR2");
    read_records(fd, 4, "read with room for 4");
    show_pending("after the read");

    kill(getpid(), SIGUSR1);
    kill(getpid(), SIGUSR2);
    read_records(fd, 1, "read with room for 1");
    read_records(fd, 1, "read with room for 1 again");
    read_records(fd, 1, "and once more");

    kill(getpid(), SIGTERM);
    read_records(fd, 4, "TERM pending but not in the mask");
    show_pending("TERM stays pending");

    sigemptyset(&mask);
    sigaddset(&mask, SIGTERM);
    sigaddset(&mask, SIGKILL);
    sigaddset(&mask, SIGSTOP);
    printf("mask updated through the same fd: %d\n", signalfd(fd, &mask, 0) == fd);
    fl = fcntl(fd, F_GETFL);
    printf("still O_NONBLOCK: %d\n", (fl & O_NONBLOCK) != 0);
    read_records(fd, 4, "read after the update");
    show_pending("after");

    /* blocked and ignored (by default or by SIG_IGN): still pending, still read */
    sigaddset(&mask, SIGWINCH);
    sigaddset(&mask, SIGUSR2);
    signalfd(fd, &mask, 0);
    signal(SIGUSR2, SIG_IGN);
    kill(getpid(), SIGWINCH);
    kill(getpid(), SIGUSR2);
    read_records(fd, 4, "blocked SIGWINCH (default ignore) and SIGUSR2 (SIG_IGN)");
    signal(SIGUSR2, SIG_DFL);

    /* real-time signals queue, each with its value */
    sigemptyset(&mask);
    sigaddset(&mask, SIGRTMIN + 1);
    signalfd(fd, &mask, 0);
    for (int v = 7; v <= 9; v++) sigqueue(getpid(), SIGRTMIN + 1, (union sigval){ .sival_int = v });
    read_records(fd, 2, "queued real-time signal, room for 2");
    read_records(fd, 2, "the rest");

    /* a signal that is not blocked is delivered, not read */
    sigemptyset(&mask);
    sigaddset(&mask, SIGUSR1);
    signalfd(fd, &mask, 0);
    signal(SIGUSR1, on_usr1);
    sigset_t usr1;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    sigprocmask(SIG_UNBLOCK, &usr1, NULL);
    kill(getpid(), SIGUSR1);
    printf("unblocked USR1 handled: %d\n", handled);
    read_records(fd, 4, "read after it");
    sigprocmask(SIG_BLOCK, &usr1, NULL);

    /* argument errors */
    int pp[2];
    pipe(pp);
    result("signalfd on a pipe", signalfd(pp[0], &mask, 0));
    result("signalfd on a closed fd", signalfd(99, &mask, 0));
    result("unknown flag", signalfd(-1, &mask, O_APPEND));
    result("sizemask 4", syscall(SYS_signalfd4, -1, &mask, 4, 0));
    result("sizemask 16", syscall(SYS_signalfd4, -1, &mask, 16, 0));
    result("old signalfd, sizemask 8", syscall(SYS_signalfd, -1, &mask, 8) >= 0);
    result("write", write(fd, &one, sizeof one));
    result("lseek", lseek(fd, 0, SEEK_SET));

    struct stat st;
    fstat(fd, &st);
    printf("fstat: mode %o size %lld\n", st.st_mode, (long long)st.st_size);
    char path[64], link[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    ssize_t ln = readlink(path, link, sizeof link - 1);
    link[ln < 0 ? 0 : ln] = 0;
    printf("/proc/self/fd: %s\n", link);

    int twin = dup(fd);
    printf("dup keeps the description: FD_CLOEXEC %d O_NONBLOCK %d\n", (fcntl(twin, F_GETFD) & FD_CLOEXEC) != 0,
           (fcntl(twin, F_GETFL) & O_NONBLOCK) != 0);
    raise(SIGUSR1);
    result("close the original", close(fd));
    read_records(twin, 1, "read through the dup");
    result("close the dup", close(twin));
    result("fcntl after close", fcntl(twin, F_GETFD));
    return 0;
}
