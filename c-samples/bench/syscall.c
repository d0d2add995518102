/*
 * Syscall-heavy benchmark kernel: N raw getppid calls (glibc does not cache
 * it), or, in "empty" mode, the same loop without the call. The harness runs
 * two sizes and divides the time difference by the difference in N, which
 * cancels start-up; the empty loop gives the loop's own cost to subtract.
 *
 * usage: syscall getppid|empty N
 * prints: checksum <hex>   (the same for every runner: it counts calls
 *                           that returned the first call's value)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <unistd.h>
#include <sys/syscall.h>

int main(int argc, char **argv)
{
    if (argc != 3 || (strcmp(argv[1], "getppid") != 0 && strcmp(argv[1], "empty") != 0)) {
        fprintf(stderr, "usage: %s getppid|empty N\n", argv[0]);
        return 2;
    }
    int call = strcmp(argv[1], "getppid") == 0;
    uint32_t n = (uint32_t)strtoul(argv[2], NULL, 10);
    long first = call ? syscall(SYS_getppid) : 1;
    uint32_t same = 0;
    for (uint32_t i = 0; i < n; i++) {
        long r;
        if (call)
            r = syscall(SYS_getppid);
        else {
            r = first;
            __asm__ volatile("" : "+r"(r));
        }
        same += r == first;
    }
    if (first <= 0) {
        fprintf(stderr, "getppid returned %ld\n", first);
        return 1;
    }
    printf("checksum %08x\n", same * 2654435761U);
    return 0;
}
