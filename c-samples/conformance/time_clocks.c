/* Clocks: every clock id through clock_gettime (64-bit time, as glibc calls
 * it) and the old 32-bit syscalls, monotonicity, resolutions, CPU-time
 * clocks that advance with work, gettimeofday and time() agreeing with
 * CLOCK_REALTIME, times() and getrusage(), and the errors. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/times.h>
#include <time.h>
#include <unistd.h>

struct ts32 { int32_t sec, nsec; };

static int64_t ns(struct timespec t) { return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec; }

static volatile double sink;

static void burn(void)
{
    for (int i = 0; i < 3000000; i++) sink = sink * 0.5 + i;
}

int main(void)
{
    static const struct { clockid_t id; const char *name; } clocks[] = {
        { CLOCK_REALTIME, "REALTIME" }, { CLOCK_MONOTONIC, "MONOTONIC" },
        { CLOCK_PROCESS_CPUTIME_ID, "PROCESS_CPUTIME_ID" }, { CLOCK_THREAD_CPUTIME_ID, "THREAD_CPUTIME_ID" },
        { CLOCK_MONOTONIC_RAW, "MONOTONIC_RAW" }, { CLOCK_REALTIME_COARSE, "REALTIME_COARSE" },
        { CLOCK_MONOTONIC_COARSE, "MONOTONIC_COARSE" }, { CLOCK_BOOTTIME, "BOOTTIME" }, { CLOCK_TAI, "TAI" },
    };
    for (unsigned i = 0; i < sizeof clocks / sizeof clocks[0]; i++) {
        struct timespec a, b, res;
        int ok = clock_gettime(clocks[i].id, &a) == 0;
        int mono = 1;
        for (int k = 0; k < 1000; k++) {
            clock_gettime(clocks[i].id, &b);
            if (ns(b) < ns(a)) mono = 0;
            a = b;
        }
        clock_getres(clocks[i].id, &res);
        printf("%-18s ok %d never goes back %d resolution %lld ns\n", clocks[i].name, ok, mono, (long long)ns(res));
    }

    /* the old 32-bit calls read the same clocks */
    struct ts32 t32, r32;
    struct timespec t64;
    clock_gettime(CLOCK_MONOTONIC, &t64);
    long r = syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &t32);
    int64_t d = ((int64_t)t32.sec * 1000000000 + t32.nsec) - ns(t64);
    printf("clock_gettime (32-bit): %ld, after the 64-bit one by less than 50 ms %d\n", r, d >= 0 && d < 50000000);
    r = syscall(SYS_clock_getres, CLOCK_MONOTONIC, &r32);
    printf("clock_getres (32-bit): %ld, %d.%09d\n", r, r32.sec, r32.nsec);
    printf("clock_getres with NULL: %ld\n", syscall(SYS_clock_getres, CLOCK_MONOTONIC, NULL));

    /* REALTIME, gettimeofday and time() agree */
    struct timeval tv;
    struct timespec rt;
    clock_gettime(CLOCK_REALTIME, &rt);
    gettimeofday(&tv, NULL);
    time_t now = time(NULL);
    time_t raw = (time_t)syscall(SYS_time, NULL);
    printf("gettimeofday within 50 ms of REALTIME %d\n", llabs((int64_t)tv.tv_sec * 1000000000 + tv.tv_usec * 1000LL - ns(rt)) < 50000000);
    printf("time() within a second %d, time syscall within a second %d\n", llabs(now - rt.tv_sec) <= 1, llabs(raw - rt.tv_sec) <= 1);
    struct timezone tz = { 99, 99 };
    syscall(SYS_gettimeofday, &tv, &tz);
    printf("timezone %d %d\n", tz.tz_minuteswest, tz.tz_dsttime);

    /* CPU-time clocks advance with work, and so do times() and getrusage() */
    struct timespec c0, c1, th0, th1;
    struct tms tm0, tm1;
    struct rusage ru0, ru1;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &th0);
    clock_t w0 = times(&tm0);
    getrusage(RUSAGE_SELF, &ru0);
    burn();
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &th1);
    getrusage(RUSAGE_SELF, &ru1);
    struct timespec sl = { 0, 30 * 1000 * 1000 };
    nanosleep(&sl, NULL);
    clock_t w1 = times(&tm1);
    printf("process CPU clock advanced %d, thread CPU clock advanced %d\n", ns(c1) > ns(c0), ns(th1) > ns(th0));
    printf("getrusage user time advanced %d\n",
           ru1.ru_utime.tv_sec * 1000000 + ru1.ru_utime.tv_usec > ru0.ru_utime.tv_sec * 1000000 + ru0.ru_utime.tv_usec);
    printf("times() elapsed ticks at least 3 %d, user ticks never go back %d\n", w1 - w0 >= 3, tm1.tms_utime >= tm0.tms_utime);
    printf("sysconf(_SC_CLK_TCK) %ld\n", sysconf(_SC_CLK_TCK));
    getrusage(RUSAGE_CHILDREN, &ru1);
    printf("children usage zero %d\n", ru1.ru_utime.tv_sec == 0 && ru1.ru_utime.tv_usec == 0);

    clockid_t cpu;
    int got = clock_getcpuclockid(0, &cpu);
    printf("clock_getcpuclockid(0) %d, reads %d\n", got, clock_gettime(cpu, &c0));

    /* errors */
    struct timespec t;
    int e = clock_gettime(12345, &t);
    printf("bad clock: %d %s\n", e, errno == EINVAL ? "EINVAL" : "?");
    e = clock_getres(12345, &t);
    printf("bad clock res: %d %s\n", e, errno == EINVAL ? "EINVAL" : "?");
    e = getrusage(7, &ru0);
    printf("bad who: %d %s\n", e, errno == EINVAL ? "EINVAL" : "?");
    e = clock_settime(CLOCK_MONOTONIC, &t);
    printf("set MONOTONIC: %d %s\n", e, errno == EINVAL ? "EINVAL" : "?");
    struct timespec bad = { 0, 1000000000 };
    e = nanosleep(&bad, NULL);
    printf("nanosleep with 1e9 ns: %d %s\n", e, errno == EINVAL ? "EINVAL" : "?");
    bad.tv_sec = -1;
    bad.tv_nsec = 0;
    e = nanosleep(&bad, NULL);
    printf("negative nanosleep: %d %s\n", e, errno == EINVAL ? "EINVAL" : "?");
    return 0;
}
