/* Socket options and calls servers use: SO_TYPE, SO_ACCEPTCONN, SO_LINGER,
 * TCP_NODELAY, SO_RCVTIMEO on accept/recv/read, FIONREAD, FIONBIO, fcntl
 * flags, MSG_PEEK/WAITALL/DONTWAIT, half close, a blocking connect refused
 * twice on one socket, a non-blocking one (SO_ERROR), inet_pton/ntop and
 * getaddrinfo/getnameinfo answered from the hosts and services files. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static void show(const char *what, long r)
{
    if (r < 0) printf("%s: -1 %s\n", what, strerror(errno));
    else printf("%s: %ld\n", what, r);
}
static int geti(int fd, int lvl, int name, const char *what)
{
    int v = -7; socklen_t l = sizeof v;
    int r = getsockopt(fd, lvl, name, &v, &l);
    if (r < 0) printf("%s: -1 %s\n", what, strerror(errno));
    else printf("%s: %d (len %d)\n", what, v, (int)l);
    return v;
}
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec / 1e9; }

int main(void)
{
    int one = 1, zero = 0;
    int srv = socket(AF_INET, SOCK_STREAM, 0);
    geti(srv, SOL_SOCKET, SO_TYPE, "SO_TYPE stream");
    geti(srv, SOL_SOCKET, SO_ACCEPTCONN, "SO_ACCEPTCONN before listen");
    geti(srv, SOL_SOCKET, SO_DOMAIN, "SO_DOMAIN");
    geti(srv, SOL_SOCKET, SO_PROTOCOL, "SO_PROTOCOL");
    setsockopt(srv, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    geti(srv, SOL_SOCKET, SO_REUSEADDR, "SO_REUSEADDR");
    struct sockaddr_in a = { .sin_family = AF_INET };
    a.sin_addr.s_addr = htonl(INADDR_ANY);
    show("bind any", bind(srv, (struct sockaddr *)&a, sizeof a));
    socklen_t al = sizeof a;
    getsockname(srv, (struct sockaddr *)&a, &al);
    char txt[64];
    printf("getsockname addr %s len %d\n", inet_ntop(AF_INET, &a.sin_addr, txt, sizeof txt), (int)al);
    show("listen", listen(srv, 4));
    geti(srv, SOL_SOCKET, SO_ACCEPTCONN, "SO_ACCEPTCONN after listen");
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);

    /* SO_RCVTIMEO on accept */
    struct timeval tv = { 0, 200000 };
    show("SO_RCVTIMEO", setsockopt(srv, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv));
    struct timeval tv2; socklen_t tl = sizeof tv2;
    getsockopt(srv, SOL_SOCKET, SO_RCVTIMEO, &tv2, &tl);
    printf("get SO_RCVTIMEO %ld.%06ld len %d\n", (long)tv2.tv_sec, (long)tv2.tv_usec, (int)tl);
    double t0 = now();
    int r = accept(srv, NULL, NULL);
    double dt = now() - t0;
    printf("accept timeout: %d %s, waited ok %d\n", r, strerror(errno), dt > 0.15 && dt < 3.0);

    int cli = socket(AF_INET, SOCK_STREAM, 0);
    show("connect", connect(cli, (struct sockaddr *)&a, sizeof a));
    int conn = accept(srv, NULL, NULL);
    show("accept", conn >= 0 ? 0 : -1);
    geti(conn, IPPROTO_TCP, TCP_NODELAY, "TCP_NODELAY default");
    setsockopt(conn, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    geti(conn, IPPROTO_TCP, TCP_NODELAY, "TCP_NODELAY set");
    geti(conn, SOL_SOCKET, SO_KEEPALIVE, "SO_KEEPALIVE");
    setsockopt(conn, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one);
    geti(conn, SOL_SOCKET, SO_KEEPALIVE, "SO_KEEPALIVE set");
    int sz = 65536;
    setsockopt(conn, SOL_SOCKET, SO_RCVBUF, &sz, sizeof sz);
    int got = geti(conn, SOL_SOCKET, SO_RCVBUF, "SO_RCVBUF");
    (void)got;
    struct linger lg = { 1, 0 }; socklen_t ll = sizeof lg;
    getsockopt(conn, SOL_SOCKET, SO_LINGER, &lg, &ll);
    printf("SO_LINGER default on=%d t=%d len %d\n", lg.l_onoff, lg.l_linger, (int)ll);
    lg.l_onoff = 1; lg.l_linger = 5;
    show("set SO_LINGER", setsockopt(conn, SOL_SOCKET, SO_LINGER, &lg, sizeof lg));
    getsockopt(conn, SOL_SOCKET, SO_LINGER, &lg, &ll);
    printf("SO_LINGER on=%d t=%d\n", lg.l_onoff, lg.l_linger);
    geti(conn, SOL_SOCKET, SO_ERROR, "SO_ERROR");
    geti(conn, SOL_SOCKET, SO_ACCEPTCONN, "SO_ACCEPTCONN conn");

    /* recv timeout on a connected socket */
    setsockopt(conn, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    char buf[256];
    t0 = now();
    long n = recv(conn, buf, sizeof buf, 0);
    dt = now() - t0;
    printf("recv timeout: %ld %s ok %d\n", n, strerror(errno), dt > 0.15 && dt < 3.0);
    t0 = now();
    n = read(conn, buf, sizeof buf);
    dt = now() - t0;
    printf("read timeout: %ld %s ok %d\n", n, strerror(errno), dt > 0.15 && dt < 3.0);

    /* FIONREAD, MSG_PEEK, MSG_WAITALL, MSG_DONTWAIT */
    send(cli, "hello world", 11, 0);
    usleep(20000);
    int avail = -1;
    show("FIONREAD", ioctl(conn, FIONREAD, &avail));
    printf("avail %d\n", avail);
    n = recv(conn, buf, 5, MSG_PEEK);
    printf("peek %ld %.5s\n", n, buf);
    n = recv(conn, buf, 11, MSG_WAITALL);
    printf("waitall %ld %.11s\n", n, buf);
    n = recv(conn, buf, 11, MSG_DONTWAIT);
    printf("dontwait %ld %s\n", n, n < 0 ? strerror(errno) : "");
    ioctl(conn, FIONREAD, &avail);
    printf("avail now %d\n", avail);

    /* FIONBIO and fcntl */
    int fl = fcntl(conn, F_GETFL);
    printf("F_GETFL %#x\n", fl);
    show("FIONBIO on", ioctl(conn, FIONBIO, &one));
    printf("F_GETFL after FIONBIO %#x\n", fcntl(conn, F_GETFL));
    n = recv(conn, buf, 11, 0);
    printf("recv nonblock %ld %s\n", n, n < 0 ? strerror(errno) : "");
    ioctl(conn, FIONBIO, &zero);
    printf("F_GETFL after FIONBIO off %#x\n", fcntl(conn, F_GETFL));
    fcntl(conn, F_SETFL, fl | O_NONBLOCK | O_APPEND);
    printf("F_GETFL after setfl %#x\n", fcntl(conn, F_GETFL));
    fcntl(conn, F_SETFL, fl);
    printf("F_GETFD %d\n", fcntl(conn, F_GETFD));

    /* MSG_WAITALL across two sends */
    send(cli, "abc", 3, 0);
    struct pollfd pf = { conn, POLLIN, 0 };
    poll(&pf, 1, 1000);
    send(cli, "defgh", 5, 0);
    n = recv(conn, buf, 8, MSG_WAITALL);
    printf("waitall2 %ld %.8s\n", n, buf);

    /* half close */
    show("shutdown SHUT_WR", shutdown(cli, SHUT_WR));
    n = recv(conn, buf, sizeof buf, 0);
    printf("recv after peer SHUT_WR: %ld\n", n);
    pf.events = POLLIN | POLLRDHUP; poll(&pf, 1, 0);
    printf("poll after SHUT_WR revents %#x\n", pf.revents);
    show("server sends after half close", send(conn, "bye", 3, 0));
    n = recv(cli, buf, sizeof buf, 0);
    printf("client got %ld %.3s\n", n, buf);
    show("send on shut socket", send(cli, "x", 1, MSG_NOSIGNAL));
    show("shutdown again", shutdown(cli, SHUT_RDWR));
    show("shutdown bad how", shutdown(cli, 7));
    close(cli);
    close(conn);

    /* connect to a closed port, blocking and non-blocking */
    int tmp = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in b = a; b.sin_port = 0;
    bind(tmp, (struct sockaddr *)&b, sizeof b);
    al = sizeof b; getsockname(tmp, (struct sockaddr *)&b, &al);
    close(tmp);
    int c2 = socket(AF_INET, SOCK_STREAM, 0);
    show("blocking connect closed port", connect(c2, (struct sockaddr *)&b, sizeof b));
    geti(c2, SOL_SOCKET, SO_ERROR, "SO_ERROR after refused");
    show("connect again", connect(c2, (struct sockaddr *)&b, sizeof b));
    close(c2);
    c2 = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    r = connect(c2, (struct sockaddr *)&b, sizeof b);
    printf("nb connect: %d %s\n", r, r < 0 ? strerror(errno) : "");
    pf.fd = c2; pf.events = POLLOUT; pf.revents = 0;
    show("poll", poll(&pf, 1, 2000));
    printf("revents %#x\n", pf.revents);
    geti(c2, SOL_SOCKET, SO_ERROR, "SO_ERROR nb refused");
    geti(c2, SOL_SOCKET, SO_ERROR, "SO_ERROR cleared");
    close(c2);

    /* inet_pton/ntop */
    struct in6_addr a6;
    printf("pton6 %d\n", inet_pton(AF_INET6, "::ffff:127.0.0.1", &a6));
    printf("ntop6 %s\n", inet_ntop(AF_INET6, &a6, txt, sizeof txt));
    printf("pton bad %d\n", inet_pton(AF_INET, "300.1.1.1", &a.sin_addr));

    /* getaddrinfo */
    /* names the hosts file answers, and numbers: no DNS (dsu is loopback-only) */
    const char *hosts[] = { "localhost", "127.0.0.1", "::1", NULL };
    for (int i = 0; hosts[i]; i++) {
        struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res;
        int e = getaddrinfo(hosts[i], "http", &hints, &res); /* glibc's nss code calls futex */
        if (e) { printf("gai %s: %s\n", hosts[i], gai_strerror(e)); continue; }
        for (struct addrinfo *p = res; p; p = p->ai_next) {
            char h[NI_MAXHOST], s[NI_MAXSERV];
            getnameinfo(p->ai_addr, p->ai_addrlen, h, sizeof h, s, sizeof s, NI_NUMERICHOST | NI_NUMERICSERV);
            char h2[NI_MAXHOST], s2[NI_MAXSERV];
            int e2 = getnameinfo(p->ai_addr, p->ai_addrlen, h2, sizeof h2, s2, sizeof s2, p->ai_family == AF_INET6 ? NI_NUMERICHOST : 0);
            printf("gai %s: fam %d %s %s -> %s %s (%d)\n", hosts[i], p->ai_family, h, s, e2 ? "?" : h2, e2 ? "?" : s2, e2);
        }
        freeaddrinfo(res);
    }
    struct servent *se = getservbyname("ssh", "tcp");
    printf("ssh port %d\n", se ? ntohs(se->s_port) : -1);
    struct hostent *he = gethostbyname("localhost");
    printf("gethostbyname %s\n", he ? inet_ntoa(*(struct in_addr *)he->h_addr) : "null");
    return 0;
}
