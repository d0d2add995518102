/* Unix-domain sockets at paths: a relative name shown back as bound by
 * getsockname, getpeername, accept and recvfrom (not as the host path dsu
 * uses), EADDRINUSE, ECONNREFUSED before listen, the backlog filling up
 * (EAGAIN), abstract names, autobind, datagrams between bound paths. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
static void show(const char *what, long r) { if (r < 0) printf("%s: -1 %s\n", what, strerror(errno)); else printf("%s: %ld\n", what, r); }
static void name(const char *what, int fd, int peer)
{
    struct sockaddr_un u; memset(&u, 0x55, sizeof u); socklen_t l = sizeof u;
    int r = (peer ? getpeername : getsockname)(fd, (void *)&u, &l);
    if (r < 0) { printf("%s: -1 %s\n", what, strerror(errno)); return; }
    int plen = (int)l - (int)offsetof(struct sockaddr_un, sun_path);
    if (plen > 0 && u.sun_path[0] == 0) printf("%s: len %d abstract @%.*s\n", what, (int)l, plen - 1, u.sun_path + 1);
    else printf("%s: len %d path '%.*s'\n", what, (int)l, plen > 0 ? plen : 0, u.sun_path);
}
int main(void)
{
    unlink("srv.sock");
    int s = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un a = { .sun_family = AF_UNIX };
    strcpy(a.sun_path, "srv.sock");
    show("bind relative", bind(s, (void *)&a, offsetof(struct sockaddr_un, sun_path) + strlen(a.sun_path) + 1));
    name("getsockname", s, 0);
    struct stat st; show("stat socket file", stat("srv.sock", &st)); printf("is socket %d\n", S_ISSOCK(st.st_mode));
    show("bind again", bind(socket(AF_UNIX, SOCK_STREAM, 0), (void *)&a, sizeof a));
    int c0 = socket(AF_UNIX, SOCK_STREAM, 0);
    show("connect before listen", connect(c0, (void *)&a, sizeof a));
    show("listen", listen(s, 1));
    int c = socket(AF_UNIX, SOCK_STREAM, 0);
    show("connect", connect(c, (void *)&a, sizeof a));
    name("client sockname", c, 0);
    name("client peername", c, 1);
    int k = accept(s, NULL, NULL);
    name("accepted sockname", k, 0);
    name("accepted peername", k, 1);
    struct sockaddr_un pa; socklen_t pl = sizeof pa;
    int k2; 
    /* backlog: non-blocking connects until EAGAIN */
    int n = 0, r;
    for (int i = 0; i < 20; i++) {
        int x = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
        r = connect(x, (void *)&a, sizeof a);
        if (r < 0) { printf("connect %d: %s\n", i, strerror(errno)); break; }
        n++;
    }
    printf("connected before full: %d\n", n);
    k2 = accept(s, (void *)&pa, &pl);
    printf("accept addrlen %d\n", (int)pl);
    close(k2);
    /* abstract */
    int ab = socket(AF_UNIX, SOCK_DGRAM, 0);
    struct sockaddr_un b = { .sun_family = AF_UNIX };
    memcpy(b.sun_path, "\0dsu-rt-abstract", 16);
    socklen_t bl = offsetof(struct sockaddr_un, sun_path) + 16;
    show("bind abstract", bind(ab, (void *)&b, bl));
    name("abstract name", ab, 0);
    int ac = socket(AF_UNIX, SOCK_DGRAM, 0);
    show("sendto abstract", sendto(ac, "hi", 2, 0, (void *)&b, bl));
    char buf[64]; struct sockaddr_un f; socklen_t fl = sizeof f;
    show("recvfrom", recvfrom(ab, buf, sizeof buf, 0, (void *)&f, &fl));
    printf("from len %d\n", (int)fl);
    /* autobind */
    int au = socket(AF_UNIX, SOCK_DGRAM, 0);
    show("autobind", bind(au, (void *)&(struct sockaddr_un){ .sun_family = AF_UNIX }, sizeof(sa_family_t)));
    struct sockaddr_un g; socklen_t gl = sizeof g; getsockname(au, (void *)&g, &gl);
    printf("autobind len %d abstract %d\n", (int)gl, g.sun_path[0] == 0);
    /* datagram at a path, sender bound at a path */
    unlink("d1.sock"); unlink("d2.sock");
    int d1 = socket(AF_UNIX, SOCK_DGRAM, 0), d2 = socket(AF_UNIX, SOCK_DGRAM, 0);
    struct sockaddr_un p1 = { .sun_family = AF_UNIX, .sun_path = "d1.sock" }, p2 = { .sun_family = AF_UNIX, .sun_path = "d2.sock" };
    bind(d1, (void *)&p1, sizeof p1); bind(d2, (void *)&p2, sizeof p2);
    show("dgram sendto path", sendto(d2, "yo", 2, 0, (void *)&p1, sizeof p1));
    fl = sizeof f; memset(&f, 0, sizeof f);
    show("dgram recvfrom", recvfrom(d1, buf, sizeof buf, 0, (void *)&f, &fl));
    printf("from '%s' len %d\n", f.sun_path, (int)fl);
    show("connect missing", connect(socket(AF_UNIX, SOCK_STREAM, 0), (void *)&(struct sockaddr_un){ .sun_family = AF_UNIX, .sun_path = "nope.sock" }, sizeof a));
    show("unlink", unlink("srv.sock"));
    unlink("d1.sock"); unlink("d2.sock");
    (void)k;
    return 0;
}
