/*
 * Idle benchmark: prints, then sleeps for argv[1] milliseconds (default
 * 1000) in one nanosleep, so a runner's resident memory can be read while
 * the program does nothing (the `startup` bench group's idle RSS).
 *
 * prints: checksum 00000000
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int main(int argc, char **argv)
{
    long ms = argc > 1 ? atol(argv[1]) : 1000;
    struct timespec t = { ms / 1000, (ms % 1000) * 1000000L };
    printf("checksum %08x\n", 0);
    fflush(stdout);
    nanosleep(&t, NULL);
    return 0;
}
