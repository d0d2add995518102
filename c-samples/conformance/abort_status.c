/* abort() ends the program with SIGABRT (status 134) even when a SIGABRT
 * handler returns, after running that handler once; blocking SIGABRT does
 * not help either. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static void on_abrt(int sig)
{
    static const char msg[] = "SIGABRT handler ran and returns\n";
    (void)sig;
    write(1, msg, sizeof msg - 1);
}

int main(void)
{
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGABRT);
    sigprocmask(SIG_BLOCK, &s, NULL);
    signal(SIGABRT, on_abrt);
    printf("about to abort\n");
    fflush(stdout);
    abort();
    printf("not reached\n");
    return 0;
}
