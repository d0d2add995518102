/* Process costs, timed inside the program (scripts/bench/processes.ts):
     processes fork MIB N   touch MIB MiB of heap, then N times fork, _exit
                            in the child, waitpid: microseconds per round trip
     processes exec N       N times fork, execve of this program doing
                            nothing, waitpid: microseconds per round trip
   Prints "us N" and a checksum line that every runner must agree on. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>

static double now_us(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

int main(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "noop") == 0) return 0;
    if (argc < 3) return 2;
    int exec = strcmp(argv[1], "exec") == 0;
    long mib = exec ? 0 : atol(argv[2]);
    long n = atol(argv[exec ? 2 : 3]);
    char *heap = mib ? malloc((size_t)mib << 20) : NULL;
    if (mib && !heap) return 1;
    if (heap) memset(heap, 1, (size_t)mib << 20);
    long ok = 0;
    double t0 = now_us();
    for (long i = 0; i < n; i++) {
        pid_t c = fork();
        if (c < 0) return 1;
        if (c == 0) {
            if (exec) {
                char *args[] = { argv[0], "noop", NULL };
                execv("/proc/self/exe", args);
                _exit(127);
            }
            _exit(heap ? heap[i % ((size_t)mib << 20)] : 1);
        }
        int st;
        if (waitpid(c, &st, 0) == c && WIFEXITED(st)) ok += WEXITSTATUS(st) == (exec ? 0 : 1);
    }
    double us = (now_us() - t0) / n;
    printf("us %.1f\nrounds %ld of %ld\n", us, ok, n);
    return ok == n ? 0 : 1;
}
