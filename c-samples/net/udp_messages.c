/* UDP datagrams: MSG_PEEK, MSG_TRUNC (recv and recvmsg msg_flags), zero-length
 * datagrams, FIONREAD, a connected socket refused by a closed port
 * (ECONNREFUSED on the next call), sendmsg/sendmmsg/recvmmsg, IPv6, a short
 * address buffer, SO_RCVTIMEO on recv and recvmsg. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>
static void show(const char *what, long r) { if (r < 0) printf("%s: -1 %s\n", what, strerror(errno)); else printf("%s: %ld\n", what, r); }
int main(void)
{
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in a = { .sin_family = AF_INET }; a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(s, (void *)&a, sizeof a);
    socklen_t al = sizeof a; getsockname(s, (void *)&a, &al);
    int c = socket(AF_INET, SOCK_DGRAM, 0);
    show("sendto 100", sendto(c, "0123456789abcdefghij0123456789abcdefghij0123456789abcdefghij0123456789abcdefghij0123456789abcdefghij", 100, 0, (void *)&a, sizeof a));
    show("sendto 0", sendto(c, "", 0, 0, (void *)&a, sizeof a));
    show("sendto 5", sendto(c, "hello", 5, 0, (void *)&a, sizeof a));
    int avail = -1; ioctl(s, FIONREAD, &avail); printf("FIONREAD %d\n", avail);
    char buf[256];
    show("peek 10", recv(s, buf, 10, MSG_PEEK));
    show("peek|trunc 10", recv(s, buf, 10, MSG_PEEK | MSG_TRUNC));
    struct sockaddr_in from; socklen_t fl = sizeof from;
    struct iovec iv[2] = { { buf, 7 }, { buf + 100, 5 } };
    struct msghdr m = { .msg_name = &from, .msg_namelen = sizeof from, .msg_iov = iv, .msg_iovlen = 2 };
    long r = recvmsg(s, &m, 0);
    printf("recvmsg %ld flags %#x namelen %d trunc %d: %.7s|%.5s\n", r, m.msg_flags, m.msg_namelen, (m.msg_flags & MSG_TRUNC) != 0, buf, buf + 100);
    m.msg_flags = 0x1234; m.msg_namelen = sizeof from;
    r = recvmsg(s, &m, MSG_TRUNC);
    printf("recvmsg zero-length %ld flags %#x\n", r, m.msg_flags);
    m.msg_flags = 0; m.msg_namelen = sizeof from;
    r = recvmsg(s, &m, MSG_TRUNC);
    printf("recvmsg 5 with MSG_TRUNC %ld flags %#x\n", r, m.msg_flags);
    sendto(c, "0123456789abcdef", 16, 0, (void *)&a, sizeof a);
    r = recvfrom(s, buf, 4, MSG_TRUNC, (void *)&from, &fl);
    printf("recvfrom MSG_TRUNC %ld\n", r);
    show("recv dontwait", recv(s, buf, 4, MSG_DONTWAIT));
    /* connected UDP to a closed port: ECONNREFUSED on the next call */
    int d = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in b = a; b.sin_port = htons(1); 
    show("connect", connect(d, (void *)&b, sizeof b));
    show("send", send(d, "x", 1, 0));
    struct pollfd p = { d, POLLIN, 0 };
    show("poll", poll(&p, 1, 1000)); printf("revents %#x\n", p.revents);
    show("recv after refused", recv(d, buf, 4, 0));
    show("send again", send(d, "x", 1, 0));
    int e = -1; socklen_t el = sizeof e; getsockopt(d, SOL_SOCKET, SO_ERROR, &e, &el); printf("SO_ERROR %d\n", e);
    /* sendmsg with name, and sendmmsg/recvmmsg */
    struct iovec ov[2] = { { "ab", 2 }, { "cd", 2 } };
    struct msghdr om = { .msg_name = &a, .msg_namelen = sizeof a, .msg_iov = ov, .msg_iovlen = 2 };
    show("sendmsg", sendmsg(c, &om, 0));
    struct mmsghdr mm[3]; memset(mm, 0, sizeof mm);
    for (int i = 0; i < 3; i++) { mm[i].msg_hdr.msg_name = &a; mm[i].msg_hdr.msg_namelen = sizeof a; mm[i].msg_hdr.msg_iov = ov; mm[i].msg_hdr.msg_iovlen = 1 + (i % 2); }
    show("sendmmsg", sendmmsg(c, mm, 3, 0));
    char bufs[4][16]; struct iovec rv[4]; struct mmsghdr rm[4]; memset(rm, 0, sizeof rm);
    for (int i = 0; i < 4; i++) { rv[i].iov_base = bufs[i]; rv[i].iov_len = 16; rm[i].msg_hdr.msg_iov = &rv[i]; rm[i].msg_hdr.msg_iovlen = 1; }
    usleep(10000);
    r = recvmmsg(s, rm, 4, MSG_DONTWAIT, NULL);
    printf("recvmmsg %ld:", r);
    for (int i = 0; i < r; i++) printf(" %u:%.*s", rm[i].msg_len, (int)rm[i].msg_len, bufs[i]);
    printf("\n");
    /* IPv6 UDP */
    int s6 = socket(AF_INET6, SOCK_DGRAM, 0);
    struct sockaddr_in6 a6 = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT };
    show("bind6", bind(s6, (void *)&a6, sizeof a6));
    al = sizeof a6; getsockname(s6, (void *)&a6, &al);
    int c6 = socket(AF_INET6, SOCK_DGRAM, 0);
    show("sendto6", sendto(c6, "six", 3, 0, (void *)&a6, sizeof a6));
    struct sockaddr_in6 f6; socklen_t f6l = sizeof f6;
    r = recvfrom(s6, buf, sizeof buf, 0, (void *)&f6, &f6l);
    char t[64]; inet_ntop(AF_INET6, &f6.sin6_addr, t, sizeof t);
    printf("recv6 %ld from %s len %d\n", r, t, (int)f6l);
    /* recvfrom with small addrlen */
    sendto(c, "q", 1, 0, (void *)&a, sizeof a);
    fl = 4; r = recvfrom(s, buf, sizeof buf, 0, (void *)&from, &fl);
    printf("recvfrom small addrlen %ld fl %d\n", r, (int)fl);
    /* SO_RCVTIMEO on udp */
    struct timeval tv = { 0, 100000 }; setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    show("recv timeout", recv(s, buf, 4, 0));
    m.msg_namelen = sizeof from; m.msg_iovlen = 2;
    show("recvmsg timeout", recvmsg(s, &m, 0));
    return 0;
}
