/* Process-directed signals sent from outside to a multi-threaded program:
 * the kernel gives each to a thread that does not block it. Every thread
 * blocks SIGUSR1, SIGUSR2, SIGHUP and SIGTERM, except that the "handler"
 * thread unblocks SIGUSR1 (its handler must run there, in no other thread)
 * and the "waiter" thread takes SIGUSR2 and SIGTERM with sigwait. SIGHUP,
 * blocked everywhere, stays pending for the process. Prints "ready" once
 * every thread has its mask; the summary comes from main, in a fixed
 * order, after SIGTERM ended the waiter. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

static pthread_t handler_thread;
static volatile sig_atomic_t usr1_in_handler_thread, usr1_elsewhere, usr1_seen;
static pthread_barrier_t ready;

static void on_usr1(int sig)
{
    (void)sig;
    if (pthread_equal(pthread_self(), handler_thread))
        usr1_in_handler_thread++;
    else
        usr1_elsewhere++;
    usr1_seen = 1;
}

static void *handler_main(void *arg)
{
    (void)arg;
    sigset_t usr1;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    pthread_sigmask(SIG_UNBLOCK, &usr1, NULL);
    pthread_barrier_wait(&ready);
    while (!usr1_seen)
        pause();
    return NULL;
}

static int waited[8];
static int nwaited;

static void *waiter_main(void *arg)
{
    (void)arg;
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR2);
    sigaddset(&set, SIGTERM);
    pthread_barrier_wait(&ready);
    for (;;) {
        int sig;
        if (sigwait(&set, &sig) != 0)
            return NULL;
        waited[nwaited++] = sig;
        if (sig == SIGTERM || nwaited == 8)
            return NULL;
    }
}

int main(void)
{
    sigset_t all;
    sigemptyset(&all);
    sigaddset(&all, SIGUSR1);
    sigaddset(&all, SIGUSR2);
    sigaddset(&all, SIGHUP);
    sigaddset(&all, SIGTERM);
    /* new threads inherit the mask */
    pthread_sigmask(SIG_BLOCK, &all, NULL);
    struct sigaction sa = { .sa_handler = on_usr1 };
    sigemptyset(&sa.sa_mask);
    sigaction(SIGUSR1, &sa, NULL);

    pthread_barrier_init(&ready, NULL, 3);
    pthread_t waiter;
    pthread_create(&handler_thread, NULL, handler_main, NULL);
    pthread_create(&waiter, NULL, waiter_main, NULL);
    pthread_barrier_wait(&ready);
    printf("ready\n");
    fflush(stdout);

    pthread_join(waiter, NULL);
    pthread_join(handler_thread, NULL);
    printf("SIGUSR1: %d in the thread that does not block it, %d elsewhere\n", (int)usr1_in_handler_thread, (int)usr1_elsewhere);
    printf("sigwait in the waiter:");
    for (int i = 0; i < nwaited; i++)
        printf(" %d", waited[i]);
    printf("\n");
    sigset_t pending;
    sigpending(&pending);
    printf("SIGHUP pending for the process: %d\n", sigismember(&pending, SIGHUP));
    return 0;
}
