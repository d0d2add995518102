/* A server on the IPv6 wildcard without IPV6_V6ONLY takes IPv4 clients too,
 * shown as IPv4-mapped addresses, through one listening socket watched by
 * epoll and poll; with IPV6_V6ONLY an IPv4 connect is refused. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

static int listener(int v6only, unsigned short *port)
{
    int s = socket(AF_INET6, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof v6only);
    struct sockaddr_in6 a = { .sin6_family = AF_INET6, .sin6_addr = in6addr_any };
    if (bind(s, (struct sockaddr *)&a, sizeof a) < 0 || listen(s, 16) < 0) {
        perror("bind/listen");
        exit(1);
    }
    socklen_t len = sizeof a;
    getsockname(s, (struct sockaddr *)&a, &len);
    *port = ntohs(a.sin6_port);
    return s;
}

static int connect4(unsigned short port)
{
    int c = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
    inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    if (connect(c, (struct sockaddr *)&a, sizeof a) < 0) {
        printf("connect 127.0.0.1: %s\n", strerror(errno));
        close(c);
        return -1;
    }
    return c;
}

static int connect6(unsigned short port)
{
    int c = socket(AF_INET6, SOCK_STREAM, 0);
    struct sockaddr_in6 a = { .sin6_family = AF_INET6, .sin6_port = htons(port), .sin6_addr = in6addr_loopback };
    if (connect(c, (struct sockaddr *)&a, sizeof a) < 0) {
        printf("connect ::1: %s\n", strerror(errno));
        exit(1);
    }
    return c;
}

static void show(const char *what, const struct sockaddr_in6 *a)
{
    char text[INET6_ADDRSTRLEN];
    inet_ntop(AF_INET6, &a->sin6_addr, text, sizeof text);
    printf("%s: family %s, %s\n", what, a->sin6_family == AF_INET6 ? "AF_INET6" : "other", text);
}

/* Accepts one connection, shows its names and echoes one message through it. */
static void serve_one(int s, int client, const char *label)
{
    struct sockaddr_in6 peer;
    socklen_t len = sizeof peer;
    int c = accept(s, (struct sockaddr *)&peer, &len);
    if (c < 0) {
        perror("accept");
        exit(1);
    }
    printf("%s accepted, address length %u\n", label, (unsigned)len);
    show("  peer", &peer);
    struct sockaddr_in6 local;
    len = sizeof local;
    getsockname(c, (struct sockaddr *)&local, &len);
    show("  local", &local);
    char buf[16] = { 0 };
    write(client, label, strlen(label));
    ssize_t n = read(c, buf, sizeof buf - 1);
    printf("  read %zd: %s\n", n, buf);
    close(c);
}

int main(void)
{
    unsigned short port;
    int s = listener(0, &port);
    int v6only = -1;
    socklen_t olen = sizeof v6only;
    getsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, &olen);
    printf("IPV6_V6ONLY after bind: %d\n", v6only);
    int ep = epoll_create1(0);
    struct epoll_event ev = { .events = EPOLLIN, .data.u32 = 7 };
    epoll_ctl(ep, EPOLL_CTL_ADD, s, &ev);

    int c4 = connect4(port);
    struct epoll_event out;
    int n = epoll_wait(ep, &out, 1, 5000);
    printf("epoll: %d ready, data %u\n", n, out.data.u32);
    serve_one(s, c4, "ipv4");

    int c6 = connect6(port);
    struct pollfd p = { .fd = s, .events = POLLIN };
    n = poll(&p, 1, 5000);
    printf("poll: %d ready, POLLIN %d\n", n, (p.revents & POLLIN) != 0);
    serve_one(s, c6, "ipv6");

    p.revents = 0;
    printf("poll with nothing pending: %d\n", poll(&p, 1, 50));
    close(c4);
    close(c6);
    close(s);

    int only = listener(1, &port);
    int refused = connect4(port);
    printf("v6only: ipv4 connect %s\n", refused < 0 ? "refused" : "accepted");
    close(only);
    return 0;
}
