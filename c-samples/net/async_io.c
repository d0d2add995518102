/* Signal-driven I/O as servers use it: F_SETOWN/F_GETOWN, F_SETOWN_EX,
 * F_SETSIG, O_ASYNC through F_SETFL and FIOASYNC, the socket owner ioctls;
 * SIGIO (plain, SI_KERNEL) and the F_SETSIG signal (POLL_IN/POLL_OUT with
 * si_band and si_fd) when a pipe or a socket becomes ready, one per
 * arrival; SIGURG to a socket's owner for out-of-band data; files that
 * cannot signal (a regular file keeps O_ASYNC off, FIOASYNC says ENOTTY). */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

static const char *err(long r) { return r < 0 ? strerrorname_np(errno) : "ok"; }

/* wait up to 300 ms for one of `sig`; prints what arrived */
static void expect(const char *what, int sig) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, sig);
    siginfo_t si;
    struct timespec ts = { 0, 300 * 1000 * 1000 };
    int got = sigtimedwait(&set, &si, &ts);
    if (got < 0) {
        printf("%s: nothing (%s)\n", what, strerrorname_np(errno));
        return;
    }
    if (si.si_code == SI_KERNEL)
        printf("%s: signal %d SI_KERNEL\n", what, got);
    else
        printf("%s: signal %d code %d band %#lx fd %d\n", what, got, si.si_code, si.si_band, si.si_fd);
}

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    sigset_t all;
    sigemptyset(&all);
    sigaddset(&all, SIGIO);
    sigaddset(&all, SIGURG);
    for (int s = SIGRTMIN + 1; s <= SIGRTMIN + 4; s++) sigaddset(&all, s);
    sigprocmask(SIG_BLOCK, &all, NULL);

    /* owners and signals */
    int p[2];
    pipe(p);
    printf("F_GETOWN before: %d\n", fcntl(p[0], F_GETOWN));
    const char *e = err(fcntl(p[0], F_SETOWN, getpid()));
    printf("F_SETOWN self: %s, F_GETOWN is self %d\n", e, fcntl(p[0], F_GETOWN) == getpid());
    e = err(fcntl(p[1], F_SETOWN, -getpgrp()));
    printf("F_SETOWN -pgrp: %s, F_GETOWN is -pgrp %d\n", e, fcntl(p[1], F_GETOWN) == -getpgrp());
    printf("F_SETOWN no such pid: %s\n", err(fcntl(p[1], F_SETOWN, 0x7ffffff0)));
    struct f_owner_ex ex = { F_OWNER_TID, gettid() }, back;
    printf("F_SETOWN_EX tid: %s\n", err(fcntl(p[1], F_SETOWN_EX, &ex)));
    fcntl(p[1], F_GETOWN_EX, &back);
    printf("F_GETOWN_EX: type tid %d, is self %d; F_GETOWN is tid %d\n", back.type == F_OWNER_TID, back.pid == gettid(), fcntl(p[1], F_GETOWN) == gettid());
    ex.type = 7;
    printf("F_SETOWN_EX bad type: %s\n", err(fcntl(p[1], F_SETOWN_EX, &ex)));
    e = err(fcntl(p[0], F_SETSIG, 99));
    printf("F_SETSIG 99: %s; F_GETSIG %d\n", e, fcntl(p[0], F_GETSIG));

    /* a pipe's reader: plain SIGIO, then the F_SETSIG signal */
    e = err(fcntl(p[0], F_SETFL, O_ASYNC | O_NONBLOCK));
    printf("F_SETFL O_ASYNC: %s, F_GETFL shows it %d\n", e, (fcntl(p[0], F_GETFL) & O_ASYNC) != 0);
    write(p[1], "a", 1);
    expect("pipe write", SIGIO);
    char buf[65536];
    read(p[0], buf, sizeof buf);
    fcntl(p[0], F_SETSIG, SIGRTMIN + 1);
    write(p[1], "b", 1);
    expect("pipe write, F_SETSIG", SIGRTMIN + 1);
    read(p[0], buf, sizeof buf);

    /* a pipe's writer: POLL_OUT once a full pipe is drained (the reader stops signalling first) */
    fcntl(p[0], F_SETFL, O_NONBLOCK);
    fcntl(p[1], F_SETOWN, getpid());
    fcntl(p[1], F_SETSIG, SIGRTMIN + 2);
    fcntl(p[1], F_SETFL, O_ASYNC | O_NONBLOCK);
    long filled = 0, n;
    while ((n = write(p[1], buf, sizeof buf)) > 0) filled += n;
    expect("pipe full", SIGRTMIN + 2);
    while (read(p[0], buf, sizeof buf) > 0) {}
    expect("pipe drained", SIGRTMIN + 2);
    write(p[1], "c", 1);
    expect("pipe write with the reader's O_ASYNC off", SIGRTMIN + 1);

    /* a Unix stream socket: one signal per arrival, through FIOASYNC */
    int sv[2];
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    int pid = getpid(), on = 1;
    printf("FIOSETOWN: %s\n", err(ioctl(sv[0], FIOSETOWN, &pid)));
    int got = 0;
    ioctl(sv[0], SIOCGPGRP, &got);
    printf("SIOCGPGRP is self %d\n", got == pid);
    fcntl(sv[0], F_SETSIG, SIGRTMIN + 3);
    e = err(ioctl(sv[0], FIOASYNC, &on));
    printf("FIOASYNC: %s, F_GETFL shows O_ASYNC %d\n", e, (fcntl(sv[0], F_GETFL) & O_ASYNC) != 0);
    send(sv[1], "x", 1, 0);
    send(sv[1], "y", 1, 0);
    expect("unix send 1", SIGRTMIN + 3);
    expect("unix send 2", SIGRTMIN + 3);
    expect("no third", SIGRTMIN + 3);

    /* TCP: SIGURG to the owner for out-of-band data, O_ASYNC or not */
    int l = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t al = sizeof a;
    bind(l, (struct sockaddr *)&a, sizeof a);
    listen(l, 1);
    getsockname(l, (struct sockaddr *)&a, &al);
    int c = socket(AF_INET, SOCK_STREAM, 0);
    connect(c, (struct sockaddr *)&a, sizeof a);
    int s = accept(l, NULL, NULL);
    fcntl(s, F_SETOWN, getpid());
    send(c, "!", 1, MSG_OOB);
    expect("out-of-band data", SIGURG);

    /* files that cannot signal */
    int f = open("/proc/self/exe", O_RDONLY);
    e = err(fcntl(f, F_SETFL, O_ASYNC));
    printf("regular file F_SETFL O_ASYNC: %s, F_GETFL shows it %d\n", e, (fcntl(f, F_GETFL) & O_ASYNC) != 0);
    printf("regular file FIOASYNC: %s\n", err(ioctl(f, FIOASYNC, &on)));
    printf("pipe F_SETLEASE: %s\n", err(fcntl(p[0], F_SETLEASE, F_RDLCK)));
    printf("F_GETLEASE of a file without one: %d\n", fcntl(f, F_GETLEASE));
    return 0;
}
