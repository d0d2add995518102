/* A signalfd in an event loop: epoll over a signalfd, a timerfd and a pipe,
 * with SIGALRM (setitimer) arriving while the loop waits in epoll_wait;
 * level- and edge-triggered reports; poll() and select() on a signalfd,
 * ready at once and woken by a signal; a blocking read woken by one. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/signalfd.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <unistd.h>

enum { SIGFD = 1, TIMER = 2, PIPE = 3 };
static const char *names[] = { "?", "signalfd", "timerfd", "pipe" };

/* SIGALRM in `ms` milliseconds, once. */
static void alarm_in(int ms)
{
    struct itimerval it = { .it_value = { 0, ms * 1000 } };
    setitimer(ITIMER_REAL, &it, NULL);
}

static int wait_and_show(int ep, const char *what, int timeout)
{
    struct epoll_event ev[8];
    int n = epoll_wait(ep, ev, 8, timeout);
    printf("%s: %d event(s)", what, n);
    for (int i = 0; i < n; i++)
        printf(" [%s%s%s]", names[ev[i].data.u32], ev[i].events & EPOLLIN ? " IN" : "",
               ev[i].events & EPOLLOUT ? " OUT" : "");
    printf("\n");
    return n;
}

static void read_signal(int fd, const char *what)
{
    struct signalfd_siginfo si;
    ssize_t n = read(fd, &si, sizeof si);
    if (n < 0) {
        printf("%s: -1 %s\n", what, strerrorname_np(errno));
        return;
    }
    printf("%s: %zd bytes signo %s code %s ssi_pid == getpid(): %d\n", what, n, sigabbrev_np(si.ssi_signo),
           si.ssi_code == SI_KERNEL ? "SI_KERNEL" : si.ssi_code == SI_USER ? "SI_USER"
           : si.ssi_code == SI_TKILL ? "SI_TKILL" : "?", si.ssi_pid == (unsigned)getpid());
}

static void add(int ep, int fd, uint32_t events, int tag)
{
    struct epoll_event e = { .events = events, .data.u32 = tag };
    if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &e) != 0) printf("epoll_ctl %s: %s\n", names[tag], strerror(errno));
}

static void epoll_part(int sfd)
{
    int pp[2];
    pipe(pp);
    int tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
    int ep = epoll_create1(EPOLL_CLOEXEC);
    add(ep, sfd, EPOLLIN, SIGFD);
    add(ep, tfd, EPOLLIN, TIMER);
    add(ep, pp[0], EPOLLIN, PIPE);
    wait_and_show(ep, "nothing ready", 20);

    write(pp[1], "x", 1);
    wait_and_show(ep, "pipe written", -1);
    char c;
    read(pp[0], &c, 1);

    alarm_in(30);
    wait_and_show(ep, "SIGALRM while in epoll_wait", 5000);
    wait_and_show(ep, "level-triggered: reported again", 0);
    read_signal(sfd, "read");
    wait_and_show(ep, "after the read", 0);

    struct itimerspec its = { .it_value = { 0, 30 * 1000000 } };
    timerfd_settime(tfd, 0, &its, NULL);
    wait_and_show(ep, "timerfd expires", 5000);
    uint64_t exp;
    read(tfd, &exp, sizeof exp);

    raise(SIGUSR1);
    write(pp[1], "y", 1);
    wait_and_show(ep, "signal and pipe together", 0);
    read_signal(sfd, "read");
    read(pp[0], &c, 1);

    /* edge-triggered: once per signal that becomes pending */
    int et = epoll_create1(0);
    add(et, sfd, EPOLLIN | EPOLLET, SIGFD);
    wait_and_show(et, "edge: nothing pending", 0);
    alarm_in(30);
    wait_and_show(et, "edge: SIGALRM while waiting", 5000);
    wait_and_show(et, "edge: not again while it stays pending", 0);
    raise(SIGUSR1);
    wait_and_show(et, "edge: a second signal reports again", 0);
    read_signal(sfd, "read");
    read_signal(sfd, "read");
    read_signal(sfd, "read");
    wait_and_show(et, "edge: drained", 0);
    close(et);
    close(ep);
    close(tfd);
}

static void poll_part(int sfd)
{
    struct pollfd p = { .fd = sfd, .events = POLLIN };
    printf("poll, nothing pending: %d\n", poll(&p, 1, 0));
    raise(SIGUSR1);
    int n = poll(&p, 1, 0);
    printf("poll, USR1 pending: %d revents IN %d\n", n, (p.revents & POLLIN) != 0);
    read_signal(sfd, "read");
    alarm_in(30);
    n = poll(&p, 1, 5000);
    printf("poll woken by SIGALRM: %d revents IN %d\n", n, (p.revents & POLLIN) != 0);
    read_signal(sfd, "read");

    fd_set r;
    struct timeval tv = { 0, 0 };
    FD_ZERO(&r);
    FD_SET(sfd, &r);
    printf("select, nothing pending: %d\n", select(sfd + 1, &r, NULL, NULL, &tv));
    alarm_in(30);
    FD_ZERO(&r);
    FD_SET(sfd, &r);
    tv.tv_sec = 5;
    n = select(sfd + 1, &r, NULL, NULL, &tv);
    printf("select woken by SIGALRM: %d readable %d\n", n, FD_ISSET(sfd, &r) != 0);
    read_signal(sfd, "read");
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGALRM);
    sigaddset(&mask, SIGUSR1);
    sigprocmask(SIG_BLOCK, &mask, NULL);
    int sfd = signalfd(-1, &mask, SFD_NONBLOCK);
    epoll_part(sfd);
    poll_part(sfd);

    /* a blocking signalfd: read waits until the signal comes */
    fcntl(sfd, F_SETFL, fcntl(sfd, F_GETFL) & ~O_NONBLOCK);
    alarm_in(30);
    read_signal(sfd, "blocking read woken by SIGALRM");
    sigset_t p;
    sigpending(&p);
    printf("nothing left pending: %d\n", !sigismember(&p, SIGALRM) && !sigismember(&p, SIGUSR1));
    return 0;
}
