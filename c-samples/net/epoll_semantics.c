/* epoll over sockets and pipes: level-triggered repeats, edge-triggered
 * reports once until drained, EPOLLONESHOT until re-armed, data word round
 * trip, hang-up on peer close, timeouts. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

static int wait_and_show(int ep, const char *what, int timeout)
{
    struct epoll_event ev[8];
    int n = epoll_wait(ep, ev, 8, timeout);
    printf("%s: %d event(s)", what, n);
    for (int i = 0; i < n; i++)
        printf(" [data=%llu%s%s%s%s]", (unsigned long long)ev[i].data.u64,
               ev[i].events & EPOLLIN ? " IN" : "", ev[i].events & EPOLLOUT ? " OUT" : "",
               ev[i].events & EPOLLHUP ? " HUP" : "", ev[i].events & EPOLLRDHUP ? " RDHUP" : "");
    printf("\n");
    return n;
}

int main(void)
{
    int sv[2], pp[2];
    char buf[16];
    socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv);
    pipe(pp);
    int ep = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event e = { .events = EPOLLIN, .data.u64 = 0x1122334455667788ULL };
    printf("add level socket: %d\n", epoll_ctl(ep, EPOLL_CTL_ADD, sv[1], &e));
    e.events = EPOLLIN | EPOLLET;
    e.data.u64 = 2;
    printf("add edge pipe: %d\n", epoll_ctl(ep, EPOLL_CTL_ADD, pp[0], &e));
    int again = epoll_ctl(ep, EPOLL_CTL_ADD, pp[0], &e);
    printf("add again: %d %s\n", again, strerror(errno));
    wait_and_show(ep, "nothing ready, timeout", 20);
    write(sv[0], "abc", 3);
    write(pp[1], "xyz", 3);
    wait_and_show(ep, "both ready", 1000);
    wait_and_show(ep, "level repeats, edge does not", 0);
    read(sv[1], buf, 3);
    wait_and_show(ep, "socket drained", 0);
    write(pp[1], "more", 4);
    wait_and_show(ep, "edge fires again on new data", 1000);
    read(pp[0], buf, sizeof buf);
    e.events = EPOLLIN | EPOLLONESHOT;
    e.data.u64 = 3;
    printf("mod socket oneshot: %d\n", epoll_ctl(ep, EPOLL_CTL_MOD, sv[1], &e));
    write(sv[0], "1", 1);
    wait_and_show(ep, "oneshot fires", 1000);
    wait_and_show(ep, "oneshot disabled", 0);
    printf("rearm: %d\n", epoll_ctl(ep, EPOLL_CTL_MOD, sv[1], &e));
    wait_and_show(ep, "rearmed fires", 1000);
    read(sv[1], buf, sizeof buf);
    e.events = EPOLLIN | EPOLLRDHUP;
    e.data.u64 = 4;
    epoll_ctl(ep, EPOLL_CTL_MOD, sv[1], &e);
    close(sv[0]);
    wait_and_show(ep, "peer closed", 1000);
    printf("del: %d\n", epoll_ctl(ep, EPOLL_CTL_DEL, sv[1], NULL));
    int del = epoll_ctl(ep, EPOLL_CTL_DEL, sv[1], NULL);
    printf("del again: %d %s\n", del, strerror(errno));
    close(pp[1]);
    wait_and_show(ep, "pipe writer closed (edge)", 1000);
    return 0;
}
