/* Blocking with sigprocmask, sigpending, delivery when unblocked, the order
 * in which several unblocked signals run, sa_mask, and sigsuspend. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static char order[64];
static int n;

static void note(int sig)
{
    order[n++] = sig == SIGUSR1 ? '1' : sig == SIGUSR2 ? '2' : sig == SIGHUP ? 'H' : '?';
    order[n] = 0;
}

static void install(int sig, int also_block)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = note;
    sigemptyset(&sa.sa_mask);
    if (also_block) sigaddset(&sa.sa_mask, also_block);
    sigaction(sig, &sa, NULL);
}

static void show_pending(const char *when)
{
    sigset_t p;
    sigpending(&p);
    printf("%s: pending USR1=%d USR2=%d HUP=%d\n", when, sigismember(&p, SIGUSR1), sigismember(&p, SIGUSR2),
           sigismember(&p, SIGHUP));
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    sigset_t block, old, cur;

    install(SIGUSR1, 0);
    install(SIGUSR2, 0);
    install(SIGHUP, 0);

    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    sigprocmask(SIG_BLOCK, &block, &old);
    printf("USR1 was blocked before: %d\n", sigismember(&old, SIGUSR1));
    raise(SIGUSR1);
    raise(SIGUSR1); /* a standard signal does not queue */
    printf("after raise while blocked: handled '%s'\n", order);
    show_pending("blocked");
    sigprocmask(SIG_UNBLOCK, &block, NULL);
    printf("after unblock: handled '%s'\n", order);
    show_pending("unblocked");

    /* two pending signals unblocked at once: the lower one's frame goes first,
     * the other's on top of it, so USR2's handler runs before USR1's */
    n = 0; order[0] = 0;
    sigaddset(&block, SIGUSR2);
    sigprocmask(SIG_BLOCK, &block, NULL);
    raise(SIGUSR2);
    raise(SIGUSR1);
    sigprocmask(SIG_UNBLOCK, &block, NULL);
    printf("both unblocked: order '%s'\n", order);

    /* with USR2 in USR1's sa_mask, USR2 waits for USR1's handler to return */
    n = 0; order[0] = 0;
    install(SIGUSR1, SIGUSR2);
    sigprocmask(SIG_BLOCK, &block, NULL);
    raise(SIGUSR2);
    raise(SIGUSR1);
    sigprocmask(SIG_UNBLOCK, &block, NULL);
    printf("USR2 in USR1's sa_mask: order '%s'\n", order);

    /* SIG_SETMASK and reading the mask back */
    sigfillset(&block);
    sigprocmask(SIG_SETMASK, &block, NULL);
    sigprocmask(SIG_SETMASK, NULL, &cur);
    printf("fill: KILL blocked %d, STOP blocked %d, TERM blocked %d\n", sigismember(&cur, SIGKILL),
           sigismember(&cur, SIGSTOP), sigismember(&cur, SIGTERM));
    n = 0; order[0] = 0;
    raise(SIGHUP);
    kill(getpid(), SIGUSR2);
    show_pending("all blocked");

    /* sigsuspend with a mask that lets only HUP in */
    sigset_t wait;
    sigfillset(&wait);
    sigdelset(&wait, SIGHUP);
    int r = sigsuspend(&wait);
    printf("sigsuspend returned %d, handled '%s'\n", r, order);
    show_pending("after sigsuspend");
    sigprocmask(SIG_SETMASK, NULL, &cur);
    printf("mask restored: HUP blocked %d\n", sigismember(&cur, SIGHUP));

    /* ignoring a pending signal discards it */
    signal(SIGUSR2, SIG_IGN);
    show_pending("USR2 ignored");
    signal(SIGUSR2, note);
    sigemptyset(&block);
    sigprocmask(SIG_SETMASK, &block, NULL);
    printf("final order '%s'\n", order);

    /* invalid how */
    printf("bad how: %d\n", sigprocmask(42, &block, NULL));
    return 0;
}
