/* Control messages through recvmsg/sendmsg: IP_PKTINFO, IP_RECVTTL and
 * SO_TIMESTAMP on UDP (i386 cmsg layout, the timestamp narrowed), a control
 * buffer too small (MSG_CTRUNC), sending with IP_PKTINFO, SCM_CREDENTIALS on
 * a Unix datagram pair, MSG_TRUNC on a stream, a truncated SOCK_SEQPACKET
 * record (MSG_TRUNC in msg_flags). */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <unistd.h>
static void dump(struct msghdr *m)
{
    printf("  flags %#x controllen %u\n", m->msg_flags, (unsigned)m->msg_controllen);
    for (struct cmsghdr *c = CMSG_FIRSTHDR(m); c; c = CMSG_NXTHDR(m, c)) {
        printf("  cmsg level %d type %d len %u", c->cmsg_level, c->cmsg_type, (unsigned)c->cmsg_len);
        if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
            struct in_pktinfo *pi = (void *)CMSG_DATA(c);
            char t[32]; printf(" pktinfo ifindex>0 %d dst %s", pi->ipi_ifindex > 0, inet_ntop(AF_INET, &pi->ipi_addr, t, sizeof t));
        } else if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TTL) {
            printf(" ttl %d", *(int *)CMSG_DATA(c));
        } else if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SO_TIMESTAMP) {
            struct timeval tv; memcpy(&tv, CMSG_DATA(c), sizeof tv);
            struct timeval now; gettimeofday(&now, NULL);
            printf(" timestamp plausible %d", now.tv_sec - tv.tv_sec < 5 && tv.tv_usec < 1000000);
        } else if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS) {
            struct ucred u; memcpy(&u, CMSG_DATA(c), sizeof u);
            printf(" creds pid ok %d uid %d", u.pid == getpid(), u.uid);
        }
        printf("\n");
    }
}
int main(void)
{
    int one = 1;
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in a = { .sin_family = AF_INET }; a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(s, (void *)&a, sizeof a);
    socklen_t al = sizeof a; getsockname(s, (void *)&a, &al);
    printf("pktinfo %d\n", setsockopt(s, IPPROTO_IP, IP_PKTINFO, &one, sizeof one));
    printf("recvttl %d\n", setsockopt(s, IPPROTO_IP, IP_RECVTTL, &one, sizeof one));
    printf("timestamp %d\n", setsockopt(s, SOL_SOCKET, SO_TIMESTAMP, &one, sizeof one));
    int c = socket(AF_INET, SOCK_DGRAM, 0);
    for (int i = 0; i < 3; i++) sendto(c, "hello", 5, 0, (void *)&a, sizeof a);
    char buf[64], cbuf[256];
    struct iovec iv = { buf, sizeof buf };
    struct sockaddr_in from;
    struct msghdr m = { .msg_name = &from, .msg_namelen = sizeof from, .msg_iov = &iv, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof cbuf };
    printf("recvmsg %zd\n", recvmsg(s, &m, 0)); dump(&m);
    m.msg_controllen = 20;
    printf("recvmsg small control %zd\n", recvmsg(s, &m, 0)); dump(&m);
    m.msg_control = NULL; m.msg_controllen = 0;
    printf("recvmsg no control %zd\n", recvmsg(s, &m, 0)); dump(&m);
    /* send with IP_PKTINFO choosing the source */
    char sb[CMSG_SPACE(sizeof(struct in_pktinfo))]; memset(sb, 0, sizeof sb);
    struct iovec ov = { "reply", 5 };
    struct sockaddr_in to; socklen_t tl = sizeof to; 
    bind(c, (void *)&(struct sockaddr_in){ .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) }, sizeof a);
    getsockname(c, (void *)&to, &tl);
    struct msghdr om = { .msg_name = &to, .msg_namelen = sizeof to, .msg_iov = &ov, .msg_iovlen = 1, .msg_control = sb, .msg_controllen = sizeof sb };
    struct cmsghdr *cm = CMSG_FIRSTHDR(&om);
    cm->cmsg_level = IPPROTO_IP; cm->cmsg_type = IP_PKTINFO; cm->cmsg_len = CMSG_LEN(sizeof(struct in_pktinfo));
    struct in_pktinfo *pi = (void *)CMSG_DATA(cm); pi->ipi_spec_dst.s_addr = htonl(INADDR_LOOPBACK);
    printf("sendmsg pktinfo %zd\n", sendmsg(s, &om, 0));
    printf("recv %zd\n", recv(c, buf, sizeof buf, 0));
    /* unix creds */
    int sv[2]; socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
    printf("passcred %d\n", setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &one, sizeof one));
    send(sv[0], "cred", 4, 0);
    m.msg_control = cbuf; m.msg_controllen = sizeof cbuf; m.msg_name = NULL; m.msg_namelen = 0;
    printf("recvmsg unix %zd\n", recvmsg(sv[1], &m, 0)); dump(&m);
    /* stream: MSG_TRUNC on stream discards */
    int st[2]; socketpair(AF_UNIX, SOCK_STREAM, 0, st);
    send(st[0], "abcdef", 6, 0);
    printf("stream recv MSG_TRUNC %zd\n", recv(st[1], NULL, 3, MSG_TRUNC));
    printf("stream recv rest %zd %.3s\n", recv(st[1], buf, sizeof buf, 0), buf);
    /* seqpacket: MSG_EOR and truncation */
    int sp[2]; printf("seqpacket %d\n", socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sp));
    send(sp[0], "0123456789", 10, MSG_EOR);
    iv.iov_len = 4; m.msg_control = NULL; m.msg_controllen = 0;
    printf("seqpacket recvmsg %zd\n", recvmsg(sp[1], &m, 0)); dump(&m);
    return 0;
}
