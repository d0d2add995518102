/* Unix socketpair within one process: both directions, shutdown, EOF,
 * EPIPE with SIGPIPE ignored, MSG_NOSIGNAL, MSG_DONTWAIT and EAGAIN. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void show(const char *what, ssize_t r)
{
    if (r < 0)
        printf("%s: -1 %s\n", what, strerror(errno));
    else
        printf("%s: %zd\n", what, r);
}

int main(void)
{
    int sv[2];
    char buf[64];
    signal(SIGPIPE, SIG_IGN);
    show("socketpair", socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
    show("write a->b", write(sv[0], "ping", 4));
    show("read b", read(sv[1], buf, sizeof buf));
    printf("got %.4s\n", buf);
    show("send b->a", send(sv[1], "pong!", 5, 0));
    show("recv a", recv(sv[0], buf, sizeof buf, 0));
    printf("got %.5s\n", buf);
    show("recv empty dontwait", recv(sv[0], buf, sizeof buf, MSG_DONTWAIT));
    show("shutdown b write", shutdown(sv[1], SHUT_WR));
    show("read a after peer shutdown", read(sv[0], buf, sizeof buf));
    show("close b", close(sv[1]));
    show("send to closed peer", send(sv[0], "x", 1, MSG_NOSIGNAL));
    show("write to closed peer", write(sv[0], "x", 1));
    int d[2];
    show("socketpair dgram", socketpair(AF_UNIX, SOCK_DGRAM, 0, d));
    show("send dgram 1", send(d[0], "one", 3, 0));
    show("send dgram 2", send(d[0], "three", 5, 0));
    show("recv dgram short buffer", recv(d[1], buf, 2, 0));
    show("recv dgram 2", recv(d[1], buf, sizeof buf, 0));
    printf("got %.5s\n", buf);
    return 0;
}
