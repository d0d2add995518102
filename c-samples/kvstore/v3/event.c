/*
 * The event loop: one epoll instance, level-triggered.
 *
 * Level-triggered rather than edge-triggered because it lets every handler
 * do a bounded amount of work per wakeup (one read of at most 16 KiB, one
 * write attempt) without having to drain the socket until EAGAIN: a client
 * that pipelines megabytes cannot starve the others, and a handler that
 * stops early (say, because the client's output is over the high-water
 * mark) loses nothing, since epoll reports the descriptor again on the
 * next round. The cost is one epoll_ctl whenever a client starts or stops
 * waiting for EPOLLOUT, which happens only when the kernel's send buffer
 * is full.
 *
 * The loop wakes at least every KV_TICK_MS for the periodic key-expiry
 * sweep and client time-outs, and to notice a stop request that raced
 * with epoll_wait.
 */
#include <errno.h>
#include <stdio.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "kvstore.h"

#define KV_TICK_MS 100
#define KV_MAX_EVENTS 256

static int epfd = -1;

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

/*
 * Runs until kv_stop is set. The listening socket is registered with a
 * NULL pointer; every other registration points to its struct client.
 */
void event_loop(int listen_fd)
{
    struct epoll_event events[KV_MAX_EVENTS];
    long long next_tick = kv_now_ms() + KV_TICK_MS;

    if (event_watch(listen_fd, NULL, EPOLLIN) < 0) {
        perror("kvstore: epoll_ctl listen");
        return;
    }
    while (!kv_stop) {
        long long now = kv_now_ms();
        int timeout = next_tick > now ? (int)(next_tick - now) : 0;
        int n = epoll_wait(epfd, events, KV_MAX_EVENTS, timeout);

        if (n < 0) {
            if (errno == EINTR)
                continue;
            perror("kvstore: epoll_wait");
            break;
        }
        for (int i = 0; i < n; i++) {
            if (events[i].data.ptr == NULL)
                net_accept(listen_fd);
            else
                net_client_event(events[i].data.ptr, events[i].events);
        }
        if (kv_now_ms() >= next_tick) {
            store_expire_cycle();
            net_cron();
            next_tick = kv_now_ms() + KV_TICK_MS;
        }
    }
    close(epfd);
    epfd = -1;
}
