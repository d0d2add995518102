/* Network interfaces as a program discovers them: getifaddrs (a routing
 * netlink dump), if_nametoindex/if_indextoname/if_nameindex, the SIOCGIF*
 * ioctls ifconfig uses (struct ifreq is smaller on i386 than on the host),
 * SIOCGIFCONF with and without a buffer, and a hand-made RTM_GETLINK dump
 * read with recvmsg. Traffic counters are left out: they change between
 * the two runs. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

static const char *addr_text(const struct sockaddr *sa, char *buf, size_t len)
{
    if (sa == NULL) return "-";
    if (sa->sa_family == AF_INET) return inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, buf, len);
    if (sa->sa_family == AF_INET6) return inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, buf, len);
    snprintf(buf, len, "family %d", sa->sa_family);
    return buf;
}

static void list_getifaddrs(void)
{
    struct ifaddrs *list;
    if (getifaddrs(&list) != 0) {
        printf("getifaddrs: %s\n", strerror(errno));
        return;
    }
    int n = 0;
    for (struct ifaddrs *i = list; i; i = i->ifa_next, n++) {
        char a[64], m[64];
        printf("ifaddr %s flags=%#x addr=%s mask=%s\n", i->ifa_name, i->ifa_flags,
               addr_text(i->ifa_addr, a, sizeof a), addr_text(i->ifa_netmask, m, sizeof m));
    }
    printf("getifaddrs: %d entries\n", n);
    freeifaddrs(list);
}

static void names_and_indexes(void)
{
    unsigned lo = if_nametoindex("lo");
    char name[IF_NAMESIZE];
    printf("if_nametoindex(lo)=%u if_indextoname=%s\n", lo, if_indextoname(lo, name) ? name : strerror(errno));
    errno = 0;
    printf("if_nametoindex(nosuch0)=%u errno=%s\n", if_nametoindex("nosuch0"), strerror(errno));
    struct if_nameindex *all = if_nameindex();
    if (all == NULL) {
        printf("if_nameindex: %s\n", strerror(errno));
        return;
    }
    for (struct if_nameindex *p = all; p->if_index != 0; p++) printf("if_nameindex %u %s\n", p->if_index, p->if_name);
    if_freenameindex(all);
}

static void ifreq_queries(int s)
{
    struct { const char *name; unsigned long req; } q[] = {
        { "SIOCGIFFLAGS", SIOCGIFFLAGS }, { "SIOCGIFADDR", SIOCGIFADDR }, { "SIOCGIFNETMASK", SIOCGIFNETMASK },
        { "SIOCGIFMTU", SIOCGIFMTU }, { "SIOCGIFHWADDR", SIOCGIFHWADDR }, { "SIOCGIFINDEX", SIOCGIFINDEX },
        { "SIOCGIFTXQLEN", SIOCGIFTXQLEN }, { "SIOCGIFMETRIC", SIOCGIFMETRIC },
    };
    printf("sizeof(struct ifreq)=%zu\n", sizeof(struct ifreq));
    for (size_t i = 0; i < sizeof q / sizeof q[0]; i++) {
        struct ifreq r;
        memset(&r, 0xa5, sizeof r);
        strcpy(r.ifr_name, "lo");
        int rc = ioctl(s, q[i].req, &r);
        if (rc < 0) {
            printf("%s: %s\n", q[i].name, strerror(errno));
            continue;
        }
        char a[64];
        printf("%s:", q[i].name);
        for (size_t k = IFNAMSIZ; k < sizeof r; k++) printf(" %02x", ((unsigned char *)&r)[k]);
        if (q[i].req == SIOCGIFADDR || q[i].req == SIOCGIFNETMASK) printf(" (%s)", addr_text(&r.ifr_addr, a, sizeof a));
        printf("\n");
    }
    struct ifreq r = { 0 };
    r.ifr_ifindex = (int)if_nametoindex("lo");
    printf("SIOCGIFNAME %d: %s\n", ioctl(s, SIOCGIFNAME, &r), r.ifr_name);
    strcpy(r.ifr_name, "nosuch0");
    printf("SIOCGIFFLAGS nosuch0: %d %s\n", ioctl(s, SIOCGIFFLAGS, &r), strerror(errno));
}

static void ifconf_list(int s)
{
    struct ifconf c = { .ifc_len = 0, .ifc_buf = NULL };
    int rc = ioctl(s, SIOCGIFCONF, &c);
    printf("SIOCGIFCONF(NULL): %d len=%d (%d entries)\n", rc, c.ifc_len, c.ifc_len / (int)sizeof(struct ifreq));
    struct ifreq reqs[32];
    c.ifc_len = sizeof reqs;
    c.ifc_req = reqs;
    rc = ioctl(s, SIOCGIFCONF, &c);
    printf("SIOCGIFCONF: %d len=%d\n", rc, c.ifc_len);
    for (int i = 0; i < c.ifc_len / (int)sizeof(struct ifreq); i++) {
        char a[64];
        printf("  %s %s\n", reqs[i].ifr_name, addr_text(&reqs[i].ifr_addr, a, sizeof a));
    }
    c.ifc_len = sizeof(struct ifreq); /* room for one entry only */
    rc = ioctl(s, SIOCGIFCONF, &c);
    printf("SIOCGIFCONF(one): %d len=%d %s\n", rc, c.ifc_len, reqs[0].ifr_name);
}

static void netlink_dump(void)
{
    int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    if (fd < 0) {
        printf("netlink socket: %s\n", strerror(errno));
        return;
    }
    struct sockaddr_nl local = { .nl_family = AF_NETLINK };
    socklen_t len = sizeof local;
    printf("bind: %d\n", bind(fd, (struct sockaddr *)&local, sizeof local));
    printf("getsockname: %d family=%d len=%u pid set=%d\n", getsockname(fd, (struct sockaddr *)&local, &len),
           local.nl_family, len, local.nl_pid != 0);
    struct { struct nlmsghdr h; struct ifinfomsg i; } req = {
        .h = { .nlmsg_len = sizeof req, .nlmsg_type = RTM_GETLINK, .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP, .nlmsg_seq = 7 },
        .i = { .ifi_family = AF_UNSPEC },
    };
    struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
    printf("sendto: %zd\n", sendto(fd, &req, sizeof req, 0, (struct sockaddr *)&kernel, sizeof kernel));
    char buf[65536];
    int links = 0;
    for (int done = 0; !done;) {
        struct sockaddr_nl from;
        struct iovec iov = { buf, sizeof buf };
        struct msghdr m = { .msg_name = &from, .msg_namelen = sizeof from, .msg_iov = &iov, .msg_iovlen = 1 };
        ssize_t n = recvmsg(fd, &m, 0);
        if (n <= 0) {
            printf("recvmsg: %zd %s\n", n, strerror(errno));
            break;
        }
        if (from.nl_pid != 0 || m.msg_namelen != sizeof from) printf("reply not from the kernel\n");
        for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n)) {
            if (h->nlmsg_seq != 7) printf("wrong sequence %u\n", h->nlmsg_seq);
            if (h->nlmsg_type == NLMSG_DONE) {
                done = 1;
                break;
            }
            if (h->nlmsg_type != RTM_NEWLINK) {
                printf("message type %d\n", h->nlmsg_type);
                continue;
            }
            struct ifinfomsg *ifi = NLMSG_DATA(h);
            int alen = (int)IFLA_PAYLOAD(h);
            for (struct rtattr *a = IFLA_RTA(ifi); RTA_OK(a, alen); a = RTA_NEXT(a, alen)) {
                if (a->rta_type == IFLA_IFNAME) printf("link %d %s flags=%#x\n", ifi->ifi_index, (char *)RTA_DATA(a), ifi->ifi_flags);
                if (a->rta_type == IFLA_MTU) printf("  mtu %u\n", *(unsigned *)RTA_DATA(a));
            }
            links++;
        }
    }
    printf("links: %d\n", links);
    close(fd);
    errno = 0;
    int bad = socket(AF_NETLINK, SOCK_RAW, NETLINK_USERSOCK + 30);
    printf("unknown netlink protocol: %d %s\n", bad, strerror(errno));
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    list_getifaddrs();
    names_and_indexes();
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    ifreq_queries(s);
    ifconf_list(s);
    close(s);
    netlink_dump();
    return 0;
}
