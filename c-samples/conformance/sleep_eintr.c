/* Sleeps and blocking reads interrupted by a signal handler: nanosleep and
 * clock_nanosleep end with EINTR and the time left (SA_RESTART or not), a
 * read from a pipe ends with EINTR without SA_RESTART and is restarted with
 * it, and a signal whose action is to ignore does not interrupt anything. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static int fds[2];
static volatile sig_atomic_t hits;
static char to_write = 'a';

static void on_alarm(int sig)
{
    (void)sig;
    hits++;
    write(fds[1], &to_write, 1);
}

static void handle(int flags)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    sa.sa_flags = flags;
    sigaction(SIGALRM, &sa, NULL);
}

static void alarm_in_ms(long ms)
{
    struct itimerval it;
    memset(&it, 0, sizeof it);
    it.it_value.tv_sec = ms / 1000;
    it.it_value.tv_usec = (ms % 1000) * 1000;
    setitimer(ITIMER_REAL, &it, NULL);
}

static double secs(const struct timespec *t) { return t->tv_sec + t->tv_nsec / 1e9; }

static double mono(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return secs(&t);
}

static void drain(void)
{
    char buf[16];
    int flags = fcntl(fds[0], F_GETFL);
    fcntl(fds[0], F_SETFL, flags | O_NONBLOCK);
    while (read(fds[0], buf, sizeof buf) > 0) {
    }
    fcntl(fds[0], F_SETFL, flags);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    pipe(fds);

    for (int restart = 0; restart <= 1; restart++) {
        handle(restart ? SA_RESTART : 0);
        struct timespec req = { 2, 0 }, rem = { 0, 0 };
        alarm_in_ms(100);
        int r = nanosleep(&req, &rem);
        int e = errno;
        printf("nanosleep%s: %d %s, time left between 1.5 and 2 s: %d\n", restart ? " (SA_RESTART)" : "", r,
               e == EINTR ? "EINTR" : "?", secs(&rem) > 1.5 && secs(&rem) < 2.0);
    }
    drain();

    /* clock_nanosleep returns the error number itself */
    handle(0);
    struct timespec until, rem = { 7, 7 };
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_sec += 2;
    alarm_in_ms(100);
    int r = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, &rem);
    printf("clock_nanosleep absolute: %s, rem untouched %d\n", r == EINTR ? "EINTR" : "?", rem.tv_sec == 7 && rem.tv_nsec == 7);
    struct timespec req = { 2, 0 };
    alarm_in_ms(100);
    r = clock_nanosleep(CLOCK_REALTIME, 0, &req, &rem);
    printf("clock_nanosleep relative: %s, time left between 1.5 and 2 s: %d\n", r == EINTR ? "EINTR" : "?",
           secs(&rem) > 1.5 && secs(&rem) < 2.0);
    alarm_in_ms(100);
    unsigned left = sleep(2);
    printf("sleep(2) interrupted, returned 1 or 2: %d\n", left == 1 || left == 2);
    drain();

    /* a read that blocks: EINTR without SA_RESTART (the byte the handler wrote is still there) */
    char c = 0;
    handle(0);
    to_write = 'x';
    alarm_in_ms(100);
    r = read(fds[0], &c, 1);
    int e = errno;
    printf("read without SA_RESTART: %d %s\n", r, r < 0 && e == EINTR ? "EINTR" : "?");
    r = read(fds[0], &c, 1);
    printf("then read: %d '%c'\n", r, c);

    /* with SA_RESTART the read is restarted and gets the handler's byte */
    handle(SA_RESTART);
    to_write = 'y';
    alarm_in_ms(100);
    c = 0;
    r = read(fds[0], &c, 1);
    printf("read with SA_RESTART: %d '%c', handler ran %d times in all\n", r, c, hits);

    /* ignored signals do not interrupt: a timer sending SIGWINCH (ignored by default) */
    timer_t timer;
    struct sigevent sev;
    memset(&sev, 0, sizeof sev);
    sev.sigev_notify = SIGEV_SIGNAL;
    sev.sigev_signo = SIGWINCH;
    timer_create(CLOCK_MONOTONIC, &sev, &timer);
    struct itimerspec its;
    memset(&its, 0, sizeof its);
    its.it_value.tv_nsec = 20 * 1000 * 1000;
    its.it_interval.tv_nsec = 20 * 1000 * 1000;
    timer_settime(timer, 0, &its, NULL);
    double t0 = mono();
    req.tv_sec = 0;
    req.tv_nsec = 200 * 1000 * 1000;
    r = nanosleep(&req, NULL);
    printf("nanosleep with ignored SIGWINCH every 20 ms: %d, slept the whole time %d\n", r, mono() - t0 >= 0.199);
    timer_delete(timer);
    return 0;
}
