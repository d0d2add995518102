/* UDP over loopback (sendto/recvfrom with addresses) and a Unix-domain
 * stream socket bound to a path in the current directory. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int main(void)
{
    char buf[128];
    int u1 = socket(AF_INET, SOCK_DGRAM, 0), u2 = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in a = { .sin_family = AF_INET };
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(u1, (struct sockaddr *)&a, sizeof a);
    socklen_t len = sizeof a;
    getsockname(u1, (struct sockaddr *)&a, &len);
    printf("udp sendto: %zd\n", sendto(u2, "datagram", 8, 0, (struct sockaddr *)&a, sizeof a));
    struct sockaddr_in from;
    socklen_t flen = sizeof from;
    ssize_t n = recvfrom(u1, buf, sizeof buf, 0, (struct sockaddr *)&from, &flen);
    printf("udp recvfrom: %zd \"%.*s\" from loopback: %d, addrlen %u\n", n, (int)n, buf,
           from.sin_addr.s_addr == htonl(INADDR_LOOPBACK), flen);

    const char *path = "dsu-test.sock";
    unlink(path);
    int ls = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un un = { .sun_family = AF_UNIX };
    strcpy(un.sun_path, path);
    printf("unix bind: %d\n", bind(ls, (struct sockaddr *)&un, sizeof un));
    printf("unix listen: %d\n", listen(ls, 4));
    printf("socket file exists: %d\n", access(path, F_OK) == 0);
    int c = socket(AF_UNIX, SOCK_STREAM, 0);
    printf("unix connect: %d\n", connect(c, (struct sockaddr *)&un, sizeof un));
    int s = accept(ls, NULL, NULL);
    printf("unix accept ok: %d\n", s >= 0);
    write(c, "over unix", 9);
    n = read(s, buf, sizeof buf);
    printf("unix read: %zd \"%.*s\"\n", n, (int)n, buf);
    struct sockaddr_un bound;
    socklen_t blen = sizeof bound;
    getsockname(ls, (struct sockaddr *)&bound, &blen);
    printf("unix getsockname family %d\n", bound.sun_family);
    struct sockaddr_un missing = { .sun_family = AF_UNIX, .sun_path = "nope.sock" };
    int cr = connect(socket(AF_UNIX, SOCK_STREAM, 0), (struct sockaddr *)&missing, sizeof missing);
    printf("connect to missing path: %d %s\n", cr, strerror(errno));
    unlink(path);
    return 0;
}
