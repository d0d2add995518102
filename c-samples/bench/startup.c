/*
 * Start-up benchmark: does nothing but print, so its total time under a
 * runner is that runner's fixed cost (process creation, loading, libc
 * initialisation, exit).
 *
 * prints: checksum 00000000
 */
#include <stdio.h>

int main(void)
{
    printf("checksum %08x\n", 0);
    return 0;
}
