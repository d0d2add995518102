/* Options, the listening socket, the listener thread, and the main thread
 * waiting for SIGINT/SIGTERM. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "mtkv.h"

static unsigned long accepted;

static void *listener(void *arg)
{
    int ls = (int)(long)arg;
    for (;;) {
        int fd = accept4(ls, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0)
            continue;
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        __atomic_fetch_add(&accepted, 1, __ATOMIC_SEQ_CST);
        worker_add(fd);
    }
    return NULL;
}

int main(int argc, char **argv)
{
    int port = 6390, threads = 4, opt;
    while ((opt = getopt(argc, argv, "p:t:")) != -1) {
        if (opt == 'p')
            port = atoi(optarg);
        else if (opt == 't')
            threads = atoi(optarg);
        else {
            fprintf(stderr, "usage: %s [-p PORT] [-t WORKERS]\n", argv[0]);
            return 2;
        }
    }
    /* every thread inherits a mask without these: only sigwait below takes them */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);

    int ls = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((unsigned short)port) };
    a.sin_addr.s_addr = htonl(INADDR_ANY);
    if (bind(ls, (struct sockaddr *)&a, sizeof a) < 0 || listen(ls, 511) < 0) {
        perror("mtkv: cannot listen");
        return 1;
    }
    /* -p 0: the port the kernel chose */
    socklen_t alen = sizeof a;
    getsockname(ls, (struct sockaddr *)&a, &alen);
    port = ntohs(a.sin_port);
    workers_start(threads);
    pthread_t t;
    pthread_create(&t, NULL, listener, (void *)(long)ls);
    printf("mtkv listening on port %d with %d workers\n", port, threads);
    fflush(stdout);
    int sig;
    sigwait(&stop, &sig);
    printf("mtkv: shutting down after %lu commands on %lu connections, %ld keys\n", commands_done, accepted, store_size());
    fflush(stdout);
    return 0;
}
