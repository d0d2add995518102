/* eventfd counters (normal and semaphore mode, EAGAIN when zero) and a
 * timerfd that expires: readiness through poll, expiration counts. */
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

int main(void)
{
    uint64_t v;
    int e = eventfd(3, EFD_NONBLOCK);
    v = 4;
    printf("write 4: %zd\n", write(e, &v, 8));
    ssize_t r = read(e, &v, 8);
    printf("read: %zd value %llu\n", r, (unsigned long long)v);
    r = read(e, &v, 8);
    printf("read empty: %zd %s\n", r, strerror(errno));
    int s = eventfd(2, EFD_SEMAPHORE | EFD_NONBLOCK);
    for (int i = 0; i < 3; i++) {
        r = read(s, &v, 8);
        printf("semaphore read %d: %zd value %llu\n", i, r, r > 0 ? (unsigned long long)v : 0ULL);
    }
    int t = timerfd_create(CLOCK_MONOTONIC, 0);
    struct itimerspec its = { .it_value = { 0, 20 * 1000000 }, .it_interval = { 0, 10 * 1000000 } };
    printf("settime: %d\n", timerfd_settime(t, 0, &its, NULL));
    struct pollfd p = { .fd = t, .events = POLLIN };
    int pr = poll(&p, 1, 2000);
    printf("poll: %d revents IN: %d\n", pr, (p.revents & POLLIN) != 0);
    r = read(t, &v, 8);
    printf("read expirations: %zd, at least one: %d\n", r, v >= 1);
    struct itimerspec cur;
    int gr = timerfd_gettime(t, &cur);
    printf("gettime: %d interval %ld ms\n", gr, cur.it_interval.tv_nsec / 1000000);
    struct itimerspec off = { 0 };
    printf("disarm: %d\n", timerfd_settime(t, 0, &off, NULL));
    return 0;
}
