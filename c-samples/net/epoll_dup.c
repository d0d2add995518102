/* epoll keys a registration by (fd, open file): one file added through two
 * fds (dup) gives two registrations, each reported with its own data, each
 * modified or deleted through its own fd. Closing one fd keeps its
 * registration while another fd holds the file open (it still reports, and
 * can no longer be deleted: EBADF); closing the last one removes them all,
 * and a peer then sees the end of the stream. Sockets and pipes alike. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>
static int ep;
static void show(const char *what, int r) { if (r < 0) printf("%s: -1 %s\n", what, strerror(errno)); else printf("%s: %d\n", what, r); }
static int add(int op, int fd, int data)
{
    struct epoll_event ev = { .events = EPOLLIN, .data.u32 = data };
    return epoll_ctl(ep, op, fd, &ev);
}
static int cmp(const void *a, const void *b) { return *(const int *)a - *(const int *)b; }
static void ready(const char *what)
{
    struct epoll_event evs[8];
    int n = epoll_wait(ep, evs, 8, 50), data[8];
    for (int i = 0; i < n; i++) data[i] = evs[i].data.u32;
    qsort(data, n > 0 ? n : 0, sizeof data[0], cmp);
    printf("%s: %d ready [", what, n);
    for (int i = 0; i < n; i++) printf(" %d", data[i]);
    printf(" ]\n");
}
static void both(const char *kind, int a, int feed)
{
    printf("-- %s\n", kind);
    int b = dup(a);
    show("add fd", add(EPOLL_CTL_ADD, a, 1));
    show("add its dup", add(EPOLL_CTL_ADD, b, 2));
    show("add fd again", add(EPOLL_CTL_ADD, a, 1));
    write(feed, "x", 1);
    ready("after a write");
    show("mod the dup", add(EPOLL_CTL_MOD, b, 3));
    ready("after mod");
    show("del the dup", epoll_ctl(ep, EPOLL_CTL_DEL, b, NULL));
    show("del the dup again", epoll_ctl(ep, EPOLL_CTL_DEL, b, NULL));
    ready("after del");
    show("add the dup back", add(EPOLL_CTL_ADD, b, 2));
    close(a);
    ready("fd closed, dup open");
    show("del the closed fd", epoll_ctl(ep, EPOLL_CTL_DEL, a, NULL));
    int c = dup(b);
    printf("fd number reused: %s\n", c == a ? "yes" : "no");
    show("add the reused number (same file)", add(EPOLL_CTL_ADD, c, 4));
    ready("three registrations");
    close(c);
    close(b);
    ready("all closed");
}
int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    ep = epoll_create1(0);
    int sv[2];
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    both("socket", sv[0], sv[1]);
    char c;
    show("peer reads after the last close", read(sv[1], &c, 1));
    int p[2];
    pipe(p);
    both("pipe", p[0], p[1]);
    return 0;
}
