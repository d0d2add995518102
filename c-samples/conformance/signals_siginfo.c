/* SA_SIGINFO handlers: siginfo fields for kill, raise and sigqueue, the
 * ucontext they receive, queued real-time signals, and sigtimedwait. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

static siginfo_t last;
static volatile int calls;
static int values[16];
static int nvalues;
static int uc_ok;

static void handler(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;
    calls++;
    last = *si;
    if (sig >= SIGRTMIN && nvalues < 16) values[nvalues++] = si->si_value.sival_int;
    /* the interrupted context: a sane stack pointer above our frame, and the mask before the handler */
    uc_ok = (unsigned long)uc->uc_mcontext.gregs[REG_ESP] > (unsigned long)&uc &&
            uc->uc_mcontext.gregs[REG_EIP] != 0 && !sigismember(&uc->uc_sigmask, sig);
}

static void report(const char *what)
{
    printf("%s: calls %d signo %d code %d pid_is_self %d uid_ok %d uc_ok %d\n", what, calls, last.si_signo,
           last.si_code, last.si_pid == getpid(), last.si_uid == getuid(), uc_ok);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = handler;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGUSR1, &sa, NULL);
    sigaction(SIGRTMIN, &sa, NULL);
    sigaction(SIGRTMIN + 1, &sa, NULL);

    kill(getpid(), SIGUSR1);
    report("kill");
    printf("SI_USER=%d\n", last.si_code == SI_USER);
    raise(SIGUSR1);
    report("raise");
    printf("SI_TKILL=%d\n", last.si_code == SI_TKILL);
    union sigval v = { .sival_int = 1234 };
    sigqueue(getpid(), SIGUSR1, v);
    report("sigqueue");
    printf("SI_QUEUE=%d value %d\n", last.si_code == SI_QUEUE, last.si_value.sival_int);

    /* real-time signals queue, and are delivered lowest number first, oldest first */
    sigset_t rt;
    sigemptyset(&rt);
    sigaddset(&rt, SIGRTMIN);
    sigaddset(&rt, SIGRTMIN + 1);
    sigprocmask(SIG_BLOCK, &rt, NULL);
    for (int i = 0; i < 3; i++) {
        v.sival_int = 100 + i;
        sigqueue(getpid(), SIGRTMIN + 1, v);
        v.sival_int = 10 + i;
        sigqueue(getpid(), SIGRTMIN, v);
    }
    calls = 0;
    sigprocmask(SIG_UNBLOCK, &rt, NULL);
    printf("rt delivered %d:", calls);
    for (int i = 0; i < nvalues; i++) printf(" %d", values[i]);
    printf("\n");

    /* sigtimedwait takes a blocked signal without running its handler */
    sigset_t w;
    sigemptyset(&w);
    sigaddset(&w, SIGUSR2);
    sigprocmask(SIG_BLOCK, &w, NULL);
    struct timespec zero = { 0, 0 }, short_wait = { 0, 20 * 1000 * 1000 };
    siginfo_t si;
    int r = sigtimedwait(&w, &si, &zero);
    printf("nothing pending: %d %s\n", r, r < 0 && errno == EAGAIN ? "EAGAIN" : "?");
    r = sigtimedwait(&w, &si, &short_wait);
    printf("short wait: %d %s\n", r, r < 0 && errno == EAGAIN ? "EAGAIN" : "?");
    v.sival_int = 77;
    sigqueue(getpid(), SIGUSR2, v);
    calls = 0;
    r = sigtimedwait(&w, &si, &zero);
    printf("pending: returned %d (USR2 %d) value %d code_queue %d handler calls %d\n", r, r == SIGUSR2,
           si.si_value.sival_int, si.si_code == SI_QUEUE, calls);
    raise(SIGUSR2);
    r = sigwaitinfo(&w, &si);
    printf("sigwaitinfo: %d code %d\n", r == SIGUSR2, si.si_code);
    int got = 0;
    raise(SIGUSR2);
    sigwait(&w, &got);
    printf("sigwait: %d\n", got == SIGUSR2);
    return 0;
}
