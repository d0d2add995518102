/* A guest that signals every process it may: kill(-1, sig) for SIGSTOP,
 * SIGTERM and SIGKILL. The kernel sends those to every process the caller
 * may signal but itself and init; a guest alone in its process tree has
 * no one to signal, so each is ESRCH. test/hostile/pid-reach runs it in a
 * fresh pid namespace beside a victim process, so that a dsu which let the
 * broadcast through would end that victim and nothing else.
 * Never run natively: as root it would stop and kill everything it can. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

static void show(const char *what, int r)
{
    printf("%s = %s\n", what, r < 0 ? strerrorname_np(errno) : "0");
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    show("kill(-1, SIGSTOP)", kill(-1, SIGSTOP));
    show("kill(-1, SIGTERM)", kill(-1, SIGTERM));
    show("kill(-1, SIGKILL)", kill(-1, SIGKILL));
    printf("still here\n");
    return 0;
}
