/* Addresses getsockname/getpeername show: a listener bound to 0.0.0.0
 * (dsu serves it on loopback but shows what was asked), a client or UDP
 * socket bound to 0.0.0.0 then connected (the kernel's chosen local
 * address), a UDP association dissolved with connect(AF_UNSPEC),
 * SO_REUSEPORT and EADDRINUSE, IPv4-mapped IPv6. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
static void sn(const char *what, int fd, int peer)
{
    struct sockaddr_in6 a; socklen_t l = sizeof a; char t[64];
    int r = (peer ? getpeername : getsockname)(fd, (void *)&a, &l);
    if (r < 0) { printf("%s: %s\n", what, strerror(errno)); return; }
    if (a.sin6_family == AF_INET) { struct sockaddr_in *b = (void *)&a; printf("%s: %s port>0 %d\n", what, inet_ntop(AF_INET, &b->sin_addr, t, sizeof t), b->sin_port != 0); }
    else printf("%s: [%s] port>0 %d\n", what, inet_ntop(AF_INET6, &a.sin6_addr, t, sizeof t), a.sin6_port != 0);
}
int main(void)
{
    int one = 1;
    int s = socket(AF_INET, SOCK_STREAM, 0);
    setsockopt(s, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
    struct sockaddr_in a = { .sin_family = AF_INET };
    bind(s, (void *)&a, sizeof a); listen(s, 4);
    sn("listener any", s, 0);
    socklen_t al = sizeof a; getsockname(s, (void *)&a, &al);
    int s2 = socket(AF_INET, SOCK_STREAM, 0);
    setsockopt(s2, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
    printf("second listener same port with REUSEPORT: %d\n", bind(s2, (void *)&a, sizeof a));
    int s3 = socket(AF_INET, SOCK_STREAM, 0);
    int r3 = bind(s3, (void *)&a, sizeof a);
    printf("third without: %d %s\n", r3, r3 < 0 ? strerror(errno) : "");
    int c = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in any = { .sin_family = AF_INET };
    bind(c, (void *)&any, sizeof any);
    sn("client bound any, before connect", c, 0);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connect(c, (void *)&a, sizeof a);
    sn("client bound any, connected", c, 0);
    sn("client peer", c, 1);
    int u = socket(AF_INET, SOCK_DGRAM, 0);
    bind(u, (void *)&any, sizeof any);
    sn("udp bound any", u, 0);
    connect(u, (void *)&a, sizeof a);
    sn("udp bound any, connected", u, 0);
    struct sockaddr_in uns = { .sin_family = AF_UNSPEC };
    connect(u, (void *)&uns, sizeof uns);
    sn("udp disconnected", u, 0);
    int v6 = socket(AF_INET6, SOCK_STREAM, 0);
    struct sockaddr_in6 m = { .sin6_family = AF_INET6, .sin6_port = a.sin_port };
    inet_pton(AF_INET6, "::ffff:127.0.0.1", &m.sin6_addr);
    printf("v6 connect to v4-mapped: %d\n", connect(v6, (void *)&m, sizeof m));
    sn("v6 mapped local", v6, 0);
    sn("v6 mapped peer", v6, 1);
    int k = accept(s, NULL, NULL); if (k < 0) k = accept(s2, NULL, NULL);
    sn("accepted local", k, 0);
    return 0;
}
