/* POSIX timers and CPU-time interval timers: timer_create with a signal
 * and a value, one-shot and periodic, absolute expiry, SIGEV_NONE timers
 * read with timer_gettime, overruns, deletion, a timer on the process CPU
 * clock, and ITIMER_VIRTUAL / ITIMER_PROF firing during busy work. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t fired[65];
static volatile int last_value, last_code, last_signo;
static volatile double sink;

static void handler(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    fired[sig]++;
    last_value = si->si_value.sival_int;
    last_code = si->si_code;
    last_signo = si->si_signo;
}

static void wait_for(int sig, int count)
{
    sigset_t none;
    sigemptyset(&none);
    while (fired[sig] < count) sigsuspend(&none);
}

static void busy_until(int sig, int count)
{
    while (fired[sig] < count)
        for (int i = 0; i < 100000; i++) sink = sink * 0.999 + i;
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = handler;
    sa.sa_flags = SA_SIGINFO;
    int sigs[] = { SIGRTMIN, SIGUSR1, SIGUSR2, SIGVTALRM, SIGPROF, SIGALRM };
    sigset_t block;
    sigemptyset(&block);
    for (unsigned i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
        sigaction(sigs[i], &sa, NULL);
        sigaddset(&block, sigs[i]);
    }
    sigprocmask(SIG_BLOCK, &block, NULL);

    /* one-shot with a value */
    timer_t t1;
    struct sigevent sev;
    memset(&sev, 0, sizeof sev);
    sev.sigev_notify = SIGEV_SIGNAL;
    sev.sigev_signo = SIGRTMIN;
    sev.sigev_value.sival_int = 4242;
    printf("timer_create: %d\n", timer_create(CLOCK_MONOTONIC, &sev, &t1));
    struct itimerspec its, cur;
    memset(&its, 0, sizeof its);
    its.it_value.tv_nsec = 20 * 1000 * 1000;
    timer_settime(t1, 0, &its, NULL);
    timer_gettime(t1, &cur);
    printf("armed: value within 20 ms %d, no interval %d\n", cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec > 0 &&
           cur.it_value.tv_nsec <= 20 * 1000 * 1000, cur.it_interval.tv_sec == 0 && cur.it_interval.tv_nsec == 0);
    wait_for(SIGRTMIN, 1);
    timer_gettime(t1, &cur);
    printf("fired: signo ok %d, value %d, SI_TIMER %d, now disarmed %d\n", last_signo == SIGRTMIN, last_value,
           last_code == SI_TIMER, cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec == 0);

    /* periodic on CLOCK_REALTIME with an absolute first expiry */
    timer_t t2;
    sev.sigev_signo = SIGUSR1;
    sev.sigev_value.sival_int = 7;
    timer_create(CLOCK_REALTIME, &sev, &t2);
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    its.it_value = now;
    its.it_value.tv_nsec += 10 * 1000 * 1000;
    if (its.it_value.tv_nsec >= 1000000000) {
        its.it_value.tv_sec++;
        its.it_value.tv_nsec -= 1000000000;
    }
    its.it_interval.tv_nsec = 10 * 1000 * 1000;
    timer_settime(t2, TIMER_ABSTIME, &its, NULL);
    wait_for(SIGUSR1, 4);
    struct itimerspec old;
    memset(&its, 0, sizeof its);
    timer_settime(t2, 0, &its, &old);
    printf("periodic: fired at least 4 times %d, value %d, old interval %ld ns\n", fired[SIGUSR1] >= 4, last_value,
           old.it_interval.tv_nsec);
    printf("overrun is a count %d\n", timer_getoverrun(t2) >= 0);
    int d1 = timer_delete(t2);
    int d2 = timer_delete(t2);
    printf("delete: %d, again: %d %s\n", d1, d2, errno == EINVAL ? "EINVAL" : "?");

    /* SIGEV_NONE: nothing is sent, the time left can be read */
    timer_t t3;
    memset(&sev, 0, sizeof sev);
    sev.sigev_notify = SIGEV_NONE;
    timer_create(CLOCK_MONOTONIC, &sev, &t3);
    memset(&its, 0, sizeof its);
    its.it_value.tv_sec = 100;
    timer_settime(t3, 0, &its, NULL);
    timer_gettime(t3, &cur);
    printf("SIGEV_NONE: between 99 and 100 s left %d\n", cur.it_value.tv_sec == 99 || (cur.it_value.tv_sec == 100 && cur.it_value.tv_nsec == 0));
    timer_delete(t3);

    /* a timer on this process's CPU time fires only while it computes */
    timer_t t4;
    memset(&sev, 0, sizeof sev);
    sev.sigev_notify = SIGEV_SIGNAL;
    sev.sigev_signo = SIGUSR2;
    printf("CPU-time timer: %d\n", timer_create(CLOCK_PROCESS_CPUTIME_ID, &sev, &t4));
    memset(&its, 0, sizeof its);
    its.it_value.tv_nsec = 30 * 1000 * 1000;
    timer_settime(t4, 0, &its, NULL);
    sigprocmask(SIG_UNBLOCK, &block, NULL);
    busy_until(SIGUSR2, 1);
    printf("CPU-time timer fired: %d\n", fired[SIGUSR2]);
    timer_delete(t4);

    /* ITIMER_VIRTUAL and ITIMER_PROF count CPU time */
    struct itimerval iv;
    memset(&iv, 0, sizeof iv);
    iv.it_value.tv_usec = 20000;
    setitimer(ITIMER_VIRTUAL, &iv, NULL);
    busy_until(SIGVTALRM, 1);
    printf("ITIMER_VIRTUAL fired %d, si_code SI_KERNEL %d\n", fired[SIGVTALRM], last_code == SI_KERNEL);
    iv.it_interval.tv_usec = 20000;
    setitimer(ITIMER_PROF, &iv, NULL);
    busy_until(SIGPROF, 3);
    memset(&iv, 0, sizeof iv);
    struct itimerval oldv;
    setitimer(ITIMER_PROF, &iv, &oldv);
    printf("ITIMER_PROF fired at least 3 times %d, old interval %ld us\n", fired[SIGPROF] >= 3, (long)oldv.it_interval.tv_usec);

    int r = timer_create(CLOCK_MONOTONIC_RAW, NULL, &t4);
    printf("timer on MONOTONIC_RAW: %d %s\n", r, errno == ENOTSUP ? "ENOTSUP" : errno == EINVAL ? "EINVAL" : "?");
    sev.sigev_notify = SIGEV_SIGNAL;
    sev.sigev_signo = 99;
    r = timer_create(CLOCK_MONOTONIC, &sev, &t4);
    printf("bad signal: %d %s\n", r, errno == EINVAL ? "EINVAL" : "?");
    return 0;
}
