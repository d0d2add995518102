/* Version 1: f adds the two fields of its argument. */
#include <stdio.h>
#include "counter.h"

typedef struct {
    int a;
    int b;
} t;

static int num;

__attribute__((noinline)) int f(t T)
{
    num++;
    return T.a + T.b;
}

int handle(const char *line)
{
    t T = { 0, 0 };
    sscanf(line, "%d %d", &T.a, &T.b);
    return f(T);
}

long long calls(void)
{
    return num;
}
