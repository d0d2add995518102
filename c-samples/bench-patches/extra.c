/*
 * Seven more functions for the 50-function benchmark patch (built with
 * kvstore v1's commands.c, resp.c and store.c, which replace 43 functions
 * counting two cold parts): copies of kvstore v1's event_init,
 * event_watch, event_modify, event_unwatch (event.c), kv_now_ms (main.c),
 * net_clients_count and net_connections_total (net.c), unchanged.
 *
 * Their files cannot be taken whole: event.c holds event_loop and main.c
 * holds main, which are always running, and net.c is the 10-function
 * patch. So these functions read the program's statics through
 * DSU_OLD_STATIC, which binds to the live copy, instead of defining (and
 * carrying) statics of their own. They are safe to replace alone because
 * every caller that is not replaced with them is in another source file
 * (no inter-procedural register assumptions across files), except
 * event_loop's one call of event_watch at start-up.
 */
#include <stdio.h>
#include <sys/epoll.h>
#include <time.h>

#include "dsu.h"
#include "kvstore.h"

extern int epfd DSU_OLD_STATIC("event.c", epfd);
extern unsigned long nclients DSU_OLD_STATIC("net.c", nclients);
extern unsigned long long connections_total DSU_OLD_STATIC("net.c", connections_total);

int event_init(void)
{
    epfd = epoll_create1(EPOLL_CLOEXEC);
    if (epfd < 0) {
        perror("kvstore: epoll_create1");
        return -1;
    }
    return 0;
}

int event_watch(int fd, void *ptr, uint32_t events)
{
    struct epoll_event ev = { .events = events, .data.ptr = ptr };

    return epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev);
}

int event_modify(int fd, void *ptr, uint32_t events)
{
    struct epoll_event ev = { .events = events, .data.ptr = ptr };

    return epoll_ctl(epfd, EPOLL_CTL_MOD, fd, &ev);
}

void event_unwatch(int fd)
{
    /* Closing the descriptor would do, but only if it is not shared. */
    if (epfd >= 0)
        epoll_ctl(epfd, EPOLL_CTL_DEL, fd, NULL);
}

long long kv_now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

unsigned long net_clients_count(void)
{
    return nclients;
}

unsigned long long net_connections_total(void)
{
    return connections_total;
}
