/* Handlers installed with signal() and sigaction(), raised with raise(),
 * kill(getpid()) and the signal's own default or ignore actions. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t hits[NSIG];
static volatile sig_atomic_t depth, max_depth;

static void count(int sig) { hits[sig]++; }

static void nested(int sig)
{
    hits[sig]++;
    depth++;
    if (depth > max_depth) max_depth = depth;
    if (hits[sig] < 3) raise(sig);
    depth--;
}

/* regparm-free handler that checks its argument and the stack alignment */
static void check_arg(int sig)
{
    volatile double d = 1.0;
    hits[sig] += (sig == SIGUSR2) ? 1 : 100;
    hits[0] = ((unsigned long)&d & 7) == 0;
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);

    signal(SIGUSR1, count);
    raise(SIGUSR1);
    kill(getpid(), SIGUSR1);
    printf("signal(): SIGUSR1 handled %d times\n", hits[SIGUSR1]);

    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = check_arg;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGUSR2, &sa, NULL);
    raise(SIGUSR2);
    printf("sigaction(): SIGUSR2 handled %d times, aligned double %d\n", hits[SIGUSR2], hits[0]);

    sigaction(SIGUSR2, NULL, &old);
    printf("read back: handler matches %d, flags has SA_RESTORER-free bits 0x%x\n",
           old.sa_handler == check_arg, old.sa_flags & ~0x04000000);

    /* SIG_IGN: raise returns and nothing happens */
    signal(SIGTERM, SIG_IGN);
    printf("raise(SIGTERM) ignored returns %d\n", raise(SIGTERM));

    /* default action of SIGCHLD, SIGURG, SIGWINCH is to ignore */
    signal(SIGTERM, SIG_DFL);
    raise(SIGCHLD);
    raise(SIGURG);
    raise(SIGWINCH);
    printf("default-ignored signals survived\n");

    /* SA_RESETHAND: the second raise finds SIG_DFL; use SIGWINCH (ignored by default) */
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = count;
    sa.sa_flags = SA_RESETHAND;
    sigaction(SIGWINCH, &sa, NULL);
    raise(SIGWINCH);
    raise(SIGWINCH);
    sigaction(SIGWINCH, NULL, &old);
    printf("SA_RESETHAND: %d hit(s), handler is now SIG_DFL: %d\n", hits[SIGWINCH], old.sa_handler == SIG_DFL);

    /* without SA_NODEFER the signal is blocked in its handler: the nested raise waits */
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = nested;
    sigaction(SIGHUP, &sa, NULL);
    raise(SIGHUP);
    printf("deferred: %d hits, max depth %d\n", hits[SIGHUP], max_depth);

    hits[SIGHUP] = 0; max_depth = 0;
    sa.sa_flags = SA_NODEFER;
    sigaction(SIGHUP, &sa, NULL);
    raise(SIGHUP);
    printf("SA_NODEFER: %d hits, max depth %d\n", hits[SIGHUP], max_depth);

    /* sa_mask blocks other signals during the handler */
    printf("SIGKILL action change refused: %d\n", sigaction(SIGKILL, &sa, NULL) == -1);
    printf("bad signal number refused: %d\n", signal(0, count) == SIG_ERR && signal(65, count) == SIG_ERR);
    printf("kill(getpid(), 0) = %d\n", kill(getpid(), 0));
    return 0;
}
