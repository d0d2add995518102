/*
 * A program whose feature switch is a stub a live patch turns on: the stub
 * compiles to three bytes (xor %eax,%eax; ret), fewer than the jump a patch
 * writes, so the patch must use the alignment padding after it.
 */
#include <stdio.h>
#include <string.h>

__attribute__((noipa)) int feature_enabled(void)
{
    return 0;
}

__attribute__((noipa)) void noop_hook(void)
{
}

int main(void)
{
    char line[128];
    printf("feature ready\n");
    fflush(stdout);
    while (fgets(line, sizeof line, stdin)) {
        noop_hook();
        printf("feature: %d\n", feature_enabled());
        fflush(stdout);
    }
    return 0;
}
