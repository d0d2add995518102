/*
 * The classic dynamic-updating example (Hicks et al.): a program that keeps a
 * count `num` of calls to f(t T), with t a struct { int a; int b; }. The
 * main loop only reads lines and hands them to counter.c, so an update can
 * replace all of counter.c while main waits for input.
 */
#include <stdio.h>
#include <string.h>
#include "counter.h"

int main(void)
{
    char line[256];
    printf("counter ready\n");
    fflush(stdout);
    while (fgets(line, sizeof line, stdin)) {
        line[strcspn(line, "\n")] = 0;
        if (line[0] == 0)
            continue;
        int r = handle(line);
        printf("f = %d, num = %lld\n", r, calls());
        fflush(stdout);
    }
    return 0;
}
