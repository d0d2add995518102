/* A guest that tries every way to send beyond loopback: raw and packet
 * sockets, addresses outside loopback (also dressed as AF_UNSPEC, IPv4-
 * mapped, broadcast, multicast), and the options and control messages that
 * choose an interface, a source address or a route (IP_PKTINFO,
 * IPV6_PKTINFO, source-routing IP options, IPV6_NEXTHOP, routing headers,
 * SO_BINDTODEVICE, SO_BINDTOIFINDEX, SO_MARK, IP_TRANSPARENT,
 * IP_UNICAST_IF), through sendto, sendmsg and sendmmsg; netlink requests
 * that would change the host. Each prints its result. The loopback cases
 * that must keep working are checked by a receiver on 127.0.0.1.
 * With the argument "sockets" it only tries to make the sockets.
 * Never run natively: as root much of this would work. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/if_ether.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#ifndef SO_BINDTOIFINDEX
#define SO_BINDTOIFINDEX 62
#endif
#ifndef IP_UNICAST_IF
#define IP_UNICAST_IF 50
#endif
#ifndef IPV6_UNICAST_IF
#define IPV6_UNICAST_IF 76
#endif
#ifndef IPV6_TRANSPARENT
#define IPV6_TRANSPARENT 75
#endif

static void show(const char *what, long r) {
    if (r < 0) printf("%s = %s\n", what, strerrorname_np(errno));
    else printf("%s = ok\n", what);
}

static struct sockaddr_in v4(const char *ip, int port) {
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
    inet_pton(AF_INET, ip, &a.sin_addr);
    return a;
}

static struct sockaddr_in6 v6(const char *ip, int port) {
    struct sockaddr_in6 a = { .sin6_family = AF_INET6, .sin6_port = htons(port) };
    inet_pton(AF_INET6, ip, &a.sin6_addr);
    return a;
}

/* sendmsg of "x" to `to` with one control message */
static long send_cmsg(int s, void *to, socklen_t tolen, int level, int type, const void *data, size_t len) {
    char buf[CMSG_SPACE(64)] = { 0 };
    struct iovec iov = { "x", 1 };
    struct msghdr m = { .msg_name = to, .msg_namelen = tolen, .msg_iov = &iov, .msg_iovlen = 1,
                        .msg_control = buf, .msg_controllen = CMSG_SPACE(len) };
    struct cmsghdr *c = CMSG_FIRSTHDR(&m);
    c->cmsg_level = level;
    c->cmsg_type = type;
    c->cmsg_len = CMSG_LEN(len);
    memcpy(CMSG_DATA(c), data, len);
    return sendmsg(s, &m, 0);
}

static long netlink_request(int type, int flags) {
    int s = socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
    if (s < 0) return -1;
    struct { struct nlmsghdr h; struct ifaddrmsg a; char pad[64]; } req;
    memset(&req, 0, sizeof req);
    req.h.nlmsg_len = NLMSG_LENGTH(sizeof req.a);
    req.h.nlmsg_type = type;
    req.h.nlmsg_flags = NLM_F_REQUEST | flags;
    req.a.ifa_family = AF_INET;
    struct sockaddr_nl k = { .nl_family = AF_NETLINK };
    long r = sendto(s, &req, req.h.nlmsg_len, 0, (struct sockaddr *)&k, sizeof k);
    int e = errno;
    close(s);
    errno = e;
    return r;
}

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IONBF, 0);

    show("socket(INET, RAW, IPPROTO_RAW)", socket(AF_INET, SOCK_RAW, IPPROTO_RAW));
    show("socket(INET, RAW, ICMP)", socket(AF_INET, SOCK_RAW, IPPROTO_ICMP));
    show("socket(INET6, RAW, ICMPV6)", socket(AF_INET6, SOCK_RAW, IPPROTO_ICMPV6));
    show("socket(INET, RAW, UDP)", socket(AF_INET, SOCK_RAW, IPPROTO_UDP));
    show("socket(PACKET, RAW, ETH_P_ALL)", socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL)));
    show("socket(PACKET, DGRAM, ETH_P_IP)", socket(AF_PACKET, SOCK_DGRAM, htons(ETH_P_IP)));
    show("socket(INET, SOCK_PACKET)", socket(AF_INET, SOCK_PACKET, htons(ETH_P_ALL)));
    show("socket(UNIX, RAW)", socket(AF_UNIX, SOCK_RAW, 0));
    /* "sockets": only which sockets can be made (dsu --net-outbound allows raw ones) */
    if (argc > 1 && !strcmp(argv[1], "sockets")) return 0;

    show("netlink RTM_GETLINK dump", netlink_request(RTM_GETLINK, NLM_F_DUMP));
    show("netlink RTM_NEWADDR", netlink_request(RTM_NEWADDR, NLM_F_CREATE));
    show("netlink RTM_DELADDR", netlink_request(RTM_DELADDR, 0));
    show("netlink RTM_NEWROUTE", netlink_request(RTM_NEWROUTE, NLM_F_CREATE));
    show("netlink RTM_SETLINK", netlink_request(RTM_SETLINK, 0));

    /* a receiver on loopback: what the guest may do must still arrive */
    int rx = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in here = v4("127.0.0.1", 0);
    bind(rx, (struct sockaddr *)&here, sizeof here);
    socklen_t hl = sizeof here;
    getsockname(rx, (struct sockaddr *)&here, &hl);
    int port = ntohs(here.sin_port);

    int u = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in far = v4("8.8.8.8", 53), bcast = v4("255.255.255.255", 9), mcast = v4("224.0.0.1", 9);
    show("sendto 8.8.8.8", sendto(u, "x", 1, 0, (struct sockaddr *)&far, sizeof far));
    struct sockaddr_in unspec = far;
    unspec.sin_family = AF_UNSPEC;
    show("sendto 8.8.8.8 as AF_UNSPEC", sendto(u, "x", 1, 0, (struct sockaddr *)&unspec, sizeof unspec));
    int on = 1;
    setsockopt(u, SOL_SOCKET, SO_BROADCAST, &on, sizeof on);
    show("sendto 255.255.255.255", sendto(u, "x", 1, 0, (struct sockaddr *)&bcast, sizeof bcast));
    show("connect 255.255.255.255", connect(socket(AF_INET, SOCK_DGRAM, 0), (struct sockaddr *)&bcast, sizeof bcast));
    show("connect 224.0.0.1", connect(socket(AF_INET, SOCK_DGRAM, 0), (struct sockaddr *)&mcast, sizeof mcast));
    show("sendto 224.0.0.1", sendto(u, "x", 1, 0, (struct sockaddr *)&mcast, sizeof mcast));
    int t = socket(AF_INET, SOCK_STREAM, 0);
    show("TCP fast open to 8.8.8.8", sendto(t, "x", 1, MSG_FASTOPEN, (struct sockaddr *)&far, sizeof far));

    struct sockaddr_in to = v4("127.0.0.1", port);
    struct in_pktinfo pi = { 0 };
    pi.ipi_ifindex = 2;
    show("IP_PKTINFO interface 2", send_cmsg(u, &to, sizeof to, IPPROTO_IP, IP_PKTINFO, &pi, sizeof pi));
    pi.ipi_ifindex = 0;
    inet_pton(AF_INET, "192.0.2.7", &pi.ipi_spec_dst);
    show("IP_PKTINFO source 192.0.2.7", send_cmsg(u, &to, sizeof to, IPPROTO_IP, IP_PKTINFO, &pi, sizeof pi));
    pi.ipi_ifindex = 1;
    inet_pton(AF_INET, "127.0.0.1", &pi.ipi_spec_dst);
    show("IP_PKTINFO loopback", send_cmsg(u, &to, sizeof to, IPPROTO_IP, IP_PKTINFO, &pi, sizeof pi));
    /* loose source route through 8.8.8.8: NOP, LSRR len 7 ptr 4 */
    unsigned char lsrr[8] = { 1, 0x83, 7, 4, 8, 8, 8, 8 };
    show("IP_OPTIONS source route", setsockopt(u, IPPROTO_IP, IP_OPTIONS, lsrr, sizeof lsrr));
    show("IP_RETOPTS source route", send_cmsg(u, &to, sizeof to, IPPROTO_IP, IP_RETOPTS, lsrr, sizeof lsrr));
    unsigned char nops[4] = { 1, 1, 1, 0 };
    show("IP_OPTIONS no-ops", setsockopt(u, IPPROTO_IP, IP_OPTIONS, nops, sizeof nops));
    show("SO_BINDTODEVICE eth0", setsockopt(u, SOL_SOCKET, SO_BINDTODEVICE, "eth0", 5));
    int idx = 2;
    show("SO_BINDTOIFINDEX 2", setsockopt(u, SOL_SOCKET, SO_BINDTOIFINDEX, &idx, sizeof idx));
    int mark = 7;
    show("SO_MARK", setsockopt(u, SOL_SOCKET, SO_MARK, &mark, sizeof mark));
    show("IP_TRANSPARENT", setsockopt(u, IPPROTO_IP, IP_TRANSPARENT, &on, sizeof on));
    int nidx = htonl(2);
    show("IP_UNICAST_IF 2", setsockopt(u, IPPROTO_IP, IP_UNICAST_IF, &nidx, sizeof nidx));
    show("SO_BINDTODEVICE lo", setsockopt(u, SOL_SOCKET, SO_BINDTODEVICE, "lo", 3));

    /* sendmmsg: the loopback message goes, the next one is refused */
    struct iovec iov = { "y", 1 };
    struct mmsghdr mm[2];
    memset(mm, 0, sizeof mm);
    mm[0].msg_hdr = (struct msghdr){ .msg_name = &to, .msg_namelen = sizeof to, .msg_iov = &iov, .msg_iovlen = 1 };
    mm[1].msg_hdr = (struct msghdr){ .msg_name = &far, .msg_namelen = sizeof far, .msg_iov = &iov, .msg_iovlen = 1 };
    printf("sendmmsg loopback then 8.8.8.8 = %d\n", sendmmsg(u, mm, 2, 0));
    show("sendmmsg 8.8.8.8 first", sendmmsg(u, mm + 1, 1, 0));

    int u6 = socket(AF_INET6, SOCK_DGRAM, 0);
    struct sockaddr_in6 far6 = v6("2001:4860:4860::8888", 53), mapped = v6("::ffff:8.8.8.8", 53), to6 = v6("::1", 9);
    show("sendto 2001:4860:4860::8888", sendto(u6, "x", 1, 0, (struct sockaddr *)&far6, sizeof far6));
    show("sendto ::ffff:8.8.8.8", sendto(u6, "x", 1, 0, (struct sockaddr *)&mapped, sizeof mapped));
    show("IPv6 socket sendto 8.8.8.8", sendto(u6, "x", 1, 0, (struct sockaddr *)&far, sizeof far));
    struct in6_pktinfo pi6 = { 0 };
    inet_pton(AF_INET6, "2001:db8::1", &pi6.ipi6_addr);
    show("IPV6_PKTINFO source 2001:db8::1", send_cmsg(u6, &to6, sizeof to6, IPPROTO_IPV6, IPV6_PKTINFO, &pi6, sizeof pi6));
    memset(&pi6, 0, sizeof pi6);
    pi6.ipi6_ifindex = 2;
    show("IPV6_PKTINFO interface 2", send_cmsg(u6, &to6, sizeof to6, IPPROTO_IPV6, IPV6_PKTINFO, &pi6, sizeof pi6));
    show("setsockopt IPV6_PKTINFO interface 2", setsockopt(u6, IPPROTO_IPV6, IPV6_PKTINFO, &pi6, sizeof pi6));
    struct sockaddr_in6 hop = v6("2001:db8::2", 0);
    show("IPV6_NEXTHOP", send_cmsg(u6, &to6, sizeof to6, IPPROTO_IPV6, IPV6_NEXTHOP, &hop, sizeof hop));
    unsigned char rthdr[24] = { 0, 2, 0, 1 };
    show("setsockopt IPV6_RTHDR", setsockopt(u6, IPPROTO_IPV6, IPV6_RTHDR, rthdr, sizeof rthdr));
    show("IPV6_RTHDR cmsg", send_cmsg(u6, &to6, sizeof to6, IPPROTO_IPV6, IPV6_RTHDR, rthdr, sizeof rthdr));
    show("IPV6_TRANSPARENT", setsockopt(u6, IPPROTO_IPV6, IPV6_TRANSPARENT, &on, sizeof on));
    idx = 2;
    show("IPV6_UNICAST_IF 2", setsockopt(u6, IPPROTO_IPV6, IPV6_UNICAST_IF, &idx, sizeof idx));

    /* multicast memberships: the host announces them (IGMP, MLD) on the interface joined on */
    struct ip_mreq mr = { .imr_multiaddr.s_addr = inet_addr("239.1.2.3"), .imr_interface.s_addr = htonl(INADDR_ANY) };
    show("IP_ADD_MEMBERSHIP any interface", setsockopt(u, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr, sizeof mr));
    struct ip_mreqn mrn = { .imr_multiaddr.s_addr = inet_addr("239.1.2.3"), .imr_ifindex = 2 };
    show("IP_ADD_MEMBERSHIP interface 2", setsockopt(u, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mrn, sizeof mrn));
    struct group_req gr;
    memset(&gr, 0, sizeof gr);
    gr.gr_interface = 2;
    struct sockaddr_in *g4 = (struct sockaddr_in *)&gr.gr_group;
    g4->sin_family = AF_INET;
    g4->sin_addr.s_addr = inet_addr("239.1.2.3");
    show("MCAST_JOIN_GROUP interface 2", setsockopt(u, IPPROTO_IP, MCAST_JOIN_GROUP, &gr, sizeof gr));
    struct ipv6_mreq m6 = { .ipv6mr_interface = 0 };
    inet_pton(AF_INET6, "ff15::1", &m6.ipv6mr_multiaddr);
    show("IPV6_ADD_MEMBERSHIP any interface", setsockopt(u6, IPPROTO_IPV6, IPV6_ADD_MEMBERSHIP, &m6, sizeof m6));
    mr.imr_interface.s_addr = inet_addr("127.0.0.1");
    show("IP_ADD_MEMBERSHIP loopback", setsockopt(u, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr, sizeof mr));

    /* what arrived on loopback: "x" from the loopback IP_PKTINFO send, "y" from sendmmsg */
    char got[8];
    int n, count = 0;
    char seen[8] = { 0 };
    struct timeval tv = { 0, 200000 };
    setsockopt(rx, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    while ((n = recv(rx, got, sizeof got, 0)) > 0 && count < 7) seen[count++] = got[0];
    printf("arrived on loopback: %s\n", seen);
    return 0;
}
