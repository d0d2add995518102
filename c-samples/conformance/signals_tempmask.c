/* Calls that wait under a temporary signal mask (sigsuspend, ppoll,
 * pselect, epoll_pwait): a signal pending and blocked before the call is
 * let through at once, its handler runs, the call ends with EINTR, and the
 * original mask is back afterwards. */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t hits;
static void on_usr1(int sig) { (void)sig; hits++; }

static int usr1_blocked(void)
{
    sigset_t cur;
    sigprocmask(SIG_SETMASK, NULL, &cur);
    return sigismember(&cur, SIGUSR1);
}

static double mono(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static void report(const char *what, int r, int err, double started)
{
    printf("%s: %d %s, handler ran %d, returned at once %d, USR1 blocked again %d\n", what, r,
           r < 0 && err == EINTR ? "EINTR" : "?", hits, mono() - started < 2.0, usr1_blocked());
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    signal(SIGUSR1, on_usr1);
    sigset_t usr1, empty;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    sigemptyset(&empty);
    sigprocmask(SIG_BLOCK, &usr1, NULL);

    raise(SIGUSR1);
    double t = mono();
    int r = sigsuspend(&empty);
    report("sigsuspend", r, errno, t);

    raise(SIGUSR1);
    struct timespec ts = { 3, 0 };
    t = mono();
    r = ppoll(NULL, 0, &ts, &empty);
    report("ppoll", r, errno, t);

    raise(SIGUSR1);
    t = mono();
    r = pselect(0, NULL, NULL, NULL, &ts, &empty);
    report("pselect", r, errno, t);

    int ep = epoll_create1(0);
    raise(SIGUSR1);
    struct epoll_event ev;
    t = mono();
    r = epoll_pwait(ep, &ev, 1, 3000, &empty);
    report("epoll_pwait", r, errno, t);

    /* a temporary mask that keeps USR1 blocked: the call times out, USR1 stays pending */
    raise(SIGUSR1);
    struct timespec brief = { 0, 50 * 1000 * 1000 };
    r = ppoll(NULL, 0, &brief, &usr1);
    sigset_t pending;
    sigpending(&pending);
    printf("ppoll keeping USR1 blocked: %d, still pending %d, handler ran %d\n", r, sigismember(&pending, SIGUSR1), hits);
    sigprocmask(SIG_UNBLOCK, &usr1, NULL);
    printf("after unblocking: handler ran %d\n", hits);
    return 0;
}
