/* A signal with no handler and a "terminate" default action ends the
 * program: raise(SIGTERM) gives status 143. Ignored and default-ignored
 * signals before it change nothing. */
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    signal(SIGTERM, SIG_IGN);
    raise(SIGTERM);
    printf("ignored SIGTERM\n");
    raise(SIGCHLD);
    raise(SIGCONT);
    printf("SIGCHLD and SIGCONT changed nothing\n");
    signal(SIGTERM, SIG_DFL);
    printf("raising SIGTERM with the default action\n");
    raise(SIGTERM);
    printf("not reached\n");
    return 0;
}
