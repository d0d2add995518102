/* Waits in every way a program can sleep, for about 2.5 s in all
 * (test/time-idle checks the host stays idle meanwhile): nanosleep,
 * clock_nanosleep to an absolute time, pause() until an alarm,
 * sigtimedwait until its timeout, and sigsuspend until an interval timer. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static void on_alarm(int sig) { (void)sig; }

static double mono(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static void report(const char *what, double started, double expected)
{
    double took = mono() - started;
    printf("%s: took at least %.1f s %d\n", what, expected, took >= expected - 0.001);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    double t = mono();
    struct timespec req = { 0, 500 * 1000 * 1000 };
    nanosleep(&req, NULL);
    report("nanosleep", t, 0.5);

    t = mono();
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_nsec += 500 * 1000 * 1000;
    if (until.tv_nsec >= 1000000000) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000;
    }
    clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, NULL);
    report("clock_nanosleep", t, 0.5);

    signal(SIGALRM, on_alarm);
    t = mono();
    struct itimerval it;
    memset(&it, 0, sizeof it);
    it.it_value.tv_usec = 500 * 1000;
    setitimer(ITIMER_REAL, &it, NULL);
    pause();
    report("pause", t, 0.5);

    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigprocmask(SIG_BLOCK, &set, NULL);
    t = mono();
    int r = sigtimedwait(&set, NULL, &req);
    printf("sigtimedwait: %d %s\n", r, errno == EAGAIN ? "EAGAIN" : "?");
    report("sigtimedwait", t, 0.5);

    sigset_t none;
    sigemptyset(&none);
    t = mono();
    setitimer(ITIMER_REAL, &it, NULL);
    sigsuspend(&none);
    report("sigsuspend", t, 0.5);
    return 0;
}
