#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include "dsu.h"
#include "bank.h"

struct config config = { 7000, BANK_MAX_CONNS, 1000000000LL };
unsigned long total_requests;
volatile int bank_stop;
static volatile int dump_requested;

static void on_signal(int sig)
{
    if (sig == SIGUSR1)
        dump_requested = 1;
    else
        bank_stop = 1;
}

static void dump(void)
{
    printf("dump: accounts=%lld conns=%d requests=%lu\n", bank_count(), conn_count(), total_requests);
    fflush(stdout);
}

static int listen_on(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int one = 1;
    struct sockaddr_in a;

    if (fd < 0)
        return -1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr *)&a, sizeof a) < 0 || listen(fd, 128) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

int main(int argc, char **argv)
{
    struct sigaction sa;
    struct epoll_event ev, events[64];
    int lfd, epfd;

    if (argc > 1)
        config.port = atoi(argv[1]);
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGUSR1, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    lfd = listen_on(config.port);
    if (lfd < 0) {
        perror("bank: listen");
        return 1;
    }
    epfd = epoll_create1(EPOLL_CLOEXEC);
    ev.events = EPOLLIN;
    ev.data.ptr = NULL;
    epoll_ctl(epfd, EPOLL_CTL_ADD, lfd, &ev);
    printf("bank %s listening on port %d\n", bank_version, config.port);
    fflush(stdout);

    while (!bank_stop) {
        int n = epoll_wait(epfd, events, 64, 1000);

        if (n < 0 && errno != EINTR)
            break;
        for (int i = 0; i < n; i++) {
            if (events[i].data.ptr == NULL)
                conn_accept(lfd, epfd);
            else
                conn_readable(events[i].data.ptr, epfd);
        }
        if (dump_requested) {
            dump_requested = 0;
            dump();
        }
        dsu_update_point();
    }
    dump();
    printf("bank stopped\n");
    return 0;
}
