/* quick_exit and _exit skip what exit does: at_quick_exit handlers run (in
 * reverse order), atexit handlers do not, and stdio buffers are not flushed,
 * so data still sitting in stdout's buffer (a pipe: fully buffered) is lost
 * while stderr and explicitly flushed output arrive. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void never(void) { fprintf(stderr, "atexit handler must not run\n"); }
static void q1(void) { fprintf(stderr, "at_quick_exit q1 (first registered)\n"); }
static void q2(void)
{
    fprintf(stderr, "at_quick_exit q2 (second registered)\n");
    const char msg[] = "q2 writes to fd 1 directly\n";
    write(STDOUT_FILENO, msg, strlen(msg));
}

int main(void)
{
    atexit(never);
    at_quick_exit(q1);
    at_quick_exit(q2);
    printf("flushed before quick_exit\n");
    fflush(stdout);
    for (int i = 0; i < 10; i++)
        printf("buffered line %d is lost\n", i);
    fprintf(stderr, "calling quick_exit(42)\n");
    quick_exit(42);
}
