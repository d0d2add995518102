/* fork under a host RLIMIT_AS (test/diff/rlimit-as): natively each process
 * has the limit to itself; under dsu every guest process lives in dsu's one
 * host process, and each needs an engine of its own. The child writes to
 * memory it inherited, exits with a status; the parent reports it. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    char *buf = malloc(1 << 20);
    memset(buf, 5, 1 << 20);
    pid_t p = fork();
    if (p == 0) {
        memset(buf, 6, 1 << 20);
        _exit(buf[12345] == 6 ? 3 : 4);
    }
    if (p < 0) {
        printf("fork: %s\n", strerrorname_np(errno));
        return 0;
    }
    int st;
    waitpid(p, &st, 0);
    printf("child exit %d, parent's memory intact %d\n", WEXITSTATUS(st), buf[12345] == 5);
    return 0;
}
