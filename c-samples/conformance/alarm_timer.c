/* alarm() and setitimer(ITIMER_REAL): SIGALRM handlers, what alarm() and
 * getitimer() report about the time left, a periodic timer counted with
 * sigsuspend, and pause() ended by the alarm. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t alarms;

static void on_alarm(int sig) { (void)sig; alarms++; }

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    sigaction(SIGALRM, &sa, NULL);

    printf("alarm(0) with none pending: %u\n", alarm(0));
    alarm(5);
    printf("alarm(3) after alarm(5): %u\n", alarm(3));
    printf("alarm(0) cancels, left: %u\n", alarm(0));

    struct itimerval it, old;
    getitimer(ITIMER_REAL, &it);
    printf("disarmed: value %ld.%06ld interval %ld.%06ld\n", (long)it.it_value.tv_sec, (long)it.it_value.tv_usec,
           (long)it.it_interval.tv_sec, (long)it.it_interval.tv_usec);

    /* pause() returns -1/EINTR once the handler ran */
    double t0 = now();
    alarm(1);
    int r = pause();
    double waited = now() - t0;
    printf("pause: %d %s, alarms %d, waited about a second %d\n", r, errno == EINTR ? "EINTR" : "?", alarms,
           waited > 0.9 && waited < 3.0);

    /* a periodic timer: 30 ms period, counted with sigsuspend */
    sigset_t block, wait_mask;
    sigemptyset(&block);
    sigaddset(&block, SIGALRM);
    sigprocmask(SIG_BLOCK, &block, &wait_mask);
    memset(&it, 0, sizeof it);
    it.it_value.tv_usec = 30000;
    it.it_interval.tv_usec = 30000;
    alarms = 0;
    t0 = now();
    setitimer(ITIMER_REAL, &it, NULL);
    while (alarms < 5) sigsuspend(&wait_mask);
    waited = now() - t0;
    getitimer(ITIMER_REAL, &it);
    printf("periodic: %d alarms, took at least 5 periods %d, interval %ld us, value within a period %d\n", alarms,
           waited >= 0.149, (long)it.it_interval.tv_usec, it.it_value.tv_sec == 0 && it.it_value.tv_usec <= 30000);

    memset(&it, 0, sizeof it);
    setitimer(ITIMER_REAL, &it, &old);
    printf("stopped: old interval %ld us, old value nonzero %d\n", (long)old.it_interval.tv_usec,
           old.it_value.tv_sec != 0 || old.it_value.tv_usec != 0);
    getitimer(ITIMER_REAL, &it);
    printf("now disarmed: %d\n", it.it_value.tv_sec == 0 && it.it_value.tv_usec == 0 && it.it_interval.tv_usec == 0);

    it.it_value.tv_usec = 1000000;
    r = setitimer(ITIMER_REAL, &it, NULL);
    printf("bad usec: %d %s\n", r, errno == EINVAL ? "EINVAL" : "?");
    r = getitimer(7, &it);
    printf("bad which: %d %s\n", r, errno == EINVAL ? "EINVAL" : "?");
    sigprocmask(SIG_UNBLOCK, &block, NULL);
    printf("total alarms %d\n", alarms);
    return 0;
}
