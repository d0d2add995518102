/* Thread kernels for the bench's "threads" group:
 *   threadbench pingpong N  two threads hand a token back and forth N times
 *                           (futex wait and wake: every handoff is a switch)
 *   threadbench yield N     two threads each call sched_yield N times
 *   threadbench wake N      N futex wake-ups of a waiting thread; prints the
 *                           median time from the wake to the woken thread
 *                           running ("wake-to-run ns X")
 * Each prints "checksum XXXXXXXX" of what it counted, the same everywhere. */
#define _GNU_SOURCE
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static long n;

static void futex_wait(int *word, int expected)
{
    syscall(SYS_futex, word, FUTEX_WAIT_PRIVATE, expected, NULL, NULL, 0);
}

static void futex_wake(int *word)
{
    syscall(SYS_futex, word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

static uint32_t fnv(uint32_t h, uint64_t v)
{
    for (int i = 0; i < 8; i++) {
        h ^= (uint8_t)(v >> (8 * i));
        h *= 16777619u;
    }
    return h;
}

static uint64_t now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

/* pingpong: `turn` says whose turn it is (0 main, 1 partner) */
static int turn;
static long handoffs[2];

static void take(int me)
{
    int t;
    while ((t = __atomic_load_n(&turn, __ATOMIC_ACQUIRE)) != me)
        futex_wait(&turn, t);
}

static void give(int to)
{
    __atomic_store_n(&turn, to, __ATOMIC_RELEASE);
    futex_wake(&turn);
}

static void *partner(void *arg)
{
    (void)arg;
    for (long i = 0; i < n; i++) {
        take(1);
        handoffs[1]++;
        give(0);
    }
    return NULL;
}

static long yields[2];

static void *yielder(void *arg)
{
    int me = (int)(long)arg;
    for (long i = 0; i < n; i++) {
        yields[me]++;
        sched_yield();
    }
    return NULL;
}

/* wake: the waiter says it is about to wait (ready), the waker stamps the
 * time and bumps seq; the waiter reads the clock when it runs again */
static int seq, ready;
static uint64_t stamp;
static uint64_t *latency;

static void *waiter(void *arg)
{
    (void)arg;
    for (long i = 0; i < n; i++) {
        int s = __atomic_load_n(&seq, __ATOMIC_ACQUIRE);
        __atomic_store_n(&ready, 1, __ATOMIC_RELEASE);
        futex_wake(&ready);
        while (__atomic_load_n(&seq, __ATOMIC_ACQUIRE) == s)
            futex_wait(&seq, s);
        latency[i] = now_ns() - __atomic_load_n(&stamp, __ATOMIC_ACQUIRE);
    }
    return NULL;
}

static int by_value(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    if (argc != 3 || (n = atol(argv[2])) <= 0) {
        fprintf(stderr, "usage: %s pingpong|yield|wake N\n", argv[0]);
        return 2;
    }
    pthread_t t;
    uint32_t h = fnv(2166136261u, (uint64_t)n);
    if (strcmp(argv[1], "pingpong") == 0) {
        pthread_create(&t, NULL, partner, NULL);
        for (long i = 0; i < n; i++) {
            give(1);
            take(0);
            handoffs[0]++;
        }
        pthread_join(t, NULL);
        h = fnv(fnv(h, (uint64_t)handoffs[0]), (uint64_t)handoffs[1]);
    } else if (strcmp(argv[1], "yield") == 0) {
        pthread_create(&t, NULL, yielder, (void *)1L);
        yielder((void *)0L);
        pthread_join(t, NULL);
        h = fnv(fnv(h, (uint64_t)yields[0]), (uint64_t)yields[1]);
    } else if (strcmp(argv[1], "wake") == 0) {
        latency = calloc((size_t)n, sizeof *latency);
        pthread_create(&t, NULL, waiter, NULL);
        for (long i = 0; i < n; i++) {
            while (!__atomic_exchange_n(&ready, 0, __ATOMIC_ACQ_REL))
                futex_wait(&ready, 0);
            /* let the waiter reach its futex wait */
            sched_yield();
            __atomic_store_n(&stamp, now_ns(), __ATOMIC_RELEASE);
            __atomic_fetch_add(&seq, 1, __ATOMIC_ACQ_REL);
            futex_wake(&seq);
        }
        pthread_join(t, NULL);
        qsort(latency, (size_t)n, sizeof *latency, by_value);
        printf("wake-to-run ns %llu\n", (unsigned long long)latency[n / 2]);
        h = fnv(h, 1);
    } else {
        fprintf(stderr, "%s: unknown kernel %s\n", argv[0], argv[1]);
        return 2;
    }
    printf("checksum %08x\n", h);
    return 0;
}
