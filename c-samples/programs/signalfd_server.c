/* A server's shutdown path (test/signalfd-host): SIGTERM, SIGINT and SIGHUP
 * are blocked and taken through a signalfd in the epoll loop, next to a
 * pipe that stands for the clients. SIGHUP "reloads" and the loop goes on;
 * SIGTERM or SIGINT ends it cleanly with status 0. "ready" on stdout says
 * the signals are blocked and the loop is about to wait. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <unistd.h>

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGTERM);
    sigaddset(&mask, SIGINT);
    sigaddset(&mask, SIGHUP);
    if (sigprocmask(SIG_BLOCK, &mask, NULL) != 0) return 1;
    int sfd = signalfd(-1, &mask, SFD_CLOEXEC);
    int pp[2];
    if (sfd < 0 || pipe(pp) != 0) return 1;
    int ep = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event e = { .events = EPOLLIN, .data.fd = sfd };
    epoll_ctl(ep, EPOLL_CTL_ADD, sfd, &e);
    e.data.fd = pp[0];
    epoll_ctl(ep, EPOLL_CTL_ADD, pp[0], &e);
    printf("ready\n");
    int reloads = 0;
    for (;;) {
        struct epoll_event ev[4];
        int n = epoll_wait(ep, ev, 4, -1);
        if (n < 0) {
            perror("epoll_wait");
            return 1;
        }
        for (int i = 0; i < n; i++) {
            if (ev[i].data.fd != sfd) continue;
            struct signalfd_siginfo si;
            if (read(sfd, &si, sizeof si) != sizeof si) {
                perror("read");
                return 1;
            }
            if (si.ssi_signo == SIGHUP) {
                printf("SIGHUP: reload %d\n", ++reloads);
                continue;
            }
            printf("%s: shutting down after %d reload(s), code SI_USER %d\n",
                   si.ssi_signo == SIGTERM ? "SIGTERM" : si.ssi_signo == SIGINT ? "SIGINT" : "?", reloads,
                   si.ssi_code == SI_USER);
            close(ep);
            close(sfd);
            return 0;
        }
    }
}
