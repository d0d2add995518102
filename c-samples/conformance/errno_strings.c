/* Error reporting text: strerror and strerror_r (GNU and XSI forms) for
 * every errno value up to 134 plus out-of-range ones, perror (on stderr),
 * strsignal and sigabbrev_np/strerrorname_np, %m in printf, errno kept
 * per call, and error() from <error.h> which prefixes the program name. */
#define _GNU_SOURCE
#include <errno.h>
#include <error.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void)
{
    for (int e = 0; e <= 134; e++) {
        const char *name = strerrorname_np(e);
        printf("%3d %-16s %s\n", e, name ? name : "(none)", strerror(e));
    }
    printf("strerror(-1) = %s\nstrerror(9999) = %s\n", strerror(-1), strerror(9999));
    char buf[64];
    char *gnu = strerror_r(ENOENT, buf, sizeof buf);
    printf("GNU strerror_r: %s\n", gnu);
    char tiny[8];
    gnu = strerror_r(EACCES, tiny, sizeof tiny);
    printf("GNU strerror_r with 8 bytes: \"%s\"\n", gnu);
    for (int s = 1; s < 32; s++)
        printf("signal %2d %-6s %s\n", s, sigabbrev_np(s) ? sigabbrev_np(s) : "?", strsignal(s));
    errno = EPIPE;
    printf("%%m with EPIPE: %m\n");
    errno = ENOMEM;
    perror("perror with ENOMEM");
    errno = 0;
    perror("perror with 0");
    errno = EINVAL;
    fflush(stdout);
    error(0, errno, "error() with EINVAL and %d argument", 1);
    error(0, 0, "error() without errno");
    error_message_count = 0;
    printf("error_message_count reset to %u\n", error_message_count);
    fflush(stdout);
    error(3, ERANGE, "error() exiting with status %d", 3);
    printf("not reached\n");
    return 0;
}
