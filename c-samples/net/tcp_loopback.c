/* A TCP client and server in one process over loopback: non-blocking
 * connect (EINPROGRESS, then SO_ERROR), accept, data both ways, partial
 * writes into a full send buffer (EAGAIN), orderly close and reset. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void show(const char *what, long r)
{
    if (r < 0)
        printf("%s: -1 %s\n", what, strerror(errno));
    else
        printf("%s: %ld\n", what, r);
}

int main(void)
{
    int one = 1;
    int srv = socket(AF_INET, SOCK_STREAM, 0);
    show("setsockopt reuseaddr", setsockopt(srv, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one));
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = 0 };
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    show("bind", bind(srv, (struct sockaddr *)&a, sizeof a));
    socklen_t alen = sizeof a;
    show("getsockname", getsockname(srv, (struct sockaddr *)&a, &alen));
    printf("bound port is nonzero: %d\n", ntohs(a.sin_port) != 0);
    show("listen", listen(srv, 16));

    int cli = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    int r = connect(cli, (struct sockaddr *)&a, sizeof a);
    printf("connect: %s\n", r == 0 ? "done" : errno == EINPROGRESS ? "in progress" : strerror(errno));
    struct pollfd p = { .fd = cli, .events = POLLOUT };
    show("poll writable", poll(&p, 1, 5000));
    int err = -1;
    socklen_t elen = sizeof err;
    show("getsockopt SO_ERROR", getsockopt(cli, SOL_SOCKET, SO_ERROR, &err, &elen));
    printf("so_error = %d\n", err);
    show("setsockopt nodelay", setsockopt(cli, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one));

    struct sockaddr_in peer;
    socklen_t plen = sizeof peer;
    int conn = accept(srv, (struct sockaddr *)&peer, &plen);
    printf("accepted: %d, peer family %d, peer is loopback: %d\n", conn >= 0, peer.sin_family,
           peer.sin_addr.s_addr == htonl(INADDR_LOOPBACK));
    int fl = fcntl(conn, F_GETFL);
    printf("accepted socket nonblocking: %d\n", (fl & O_NONBLOCK) != 0);

    char buf[4096];
    show("send", send(cli, "hello server", 12, 0));
    show("recv", recv(conn, buf, sizeof buf, 0));
    printf("server got: %.12s\n", buf);

    /* fill the client's send buffer: the peer does not read */
    int small = 4096;
    setsockopt(cli, SOL_SOCKET, SO_SNDBUF, &small, sizeof small);
    static char big[1 << 16];
    memset(big, 'x', sizeof big);
    long total = 0, r2;
    int partial = 0;
    while ((r2 = send(cli, big, sizeof big, 0)) > 0) {
        if (r2 < (long)sizeof big)
            partial = 1;
        total += r2;
    }
    printf("filled: sent > 0: %d, stopped with EAGAIN: %d, saw partial write: %d\n", total > 0, errno == EAGAIN, partial);
    long drained = 0;
    while (drained < total) {
        long n = recv(conn, buf, sizeof buf, 0);
        if (n <= 0)
            break;
        drained += n;
    }
    printf("server drained everything: %d\n", drained == total);

    show("close client", close(cli));
    show("recv after peer close", recv(conn, buf, sizeof buf, 0));
    close(conn);

    /* connection refused on a closed port */
    show("close listener", close(srv));
    int c2 = socket(AF_INET, SOCK_STREAM, 0);
    show("connect to closed port", connect(c2, (struct sockaddr *)&a, sizeof a));
    return 0;
}
