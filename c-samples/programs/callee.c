/*
 * A program for host-initiated guest calls: it prints "ready", then waits
 * for lines on stdin and echoes them with a counter that the called
 * functions change, so a test can see that the program's own state and
 * flow survived the calls.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int counter = 100;
static int hidden = 7;

__attribute__((noinline)) int add(int a, int b)
{
    return a + b;
}

__attribute__((noinline)) int bump(int by)
{
    counter += by;
    hidden += by;
    char *scratch = malloc(64);
    snprintf(scratch, 64, "%d", counter);
    int n = (int)strlen(scratch);
    free(scratch);
    return n;
}

__attribute__((noinline)) int crash(void)
{
    volatile int *p = NULL;
    return *p;
}

__attribute__((noinline)) int spin(void)
{
    volatile unsigned x = 0;
    for (;;)
        x++;
    return (int)x;
}

__attribute__((noinline)) double scale(double x)
{
    return x * 2.5;
}

int main(void)
{
    char line[256];
    printf("ready\n");
    fflush(stdout);
    while (fgets(line, sizeof line, stdin)) {
        line[strcspn(line, "\n")] = 0;
        printf("%s counter=%d hidden=%d\n", line, counter, hidden);
        fflush(stdout);
    }
    return 0;
}
