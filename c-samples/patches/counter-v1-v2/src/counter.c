/*
 * Patch to version 2: t gains a field c and f returns a*b*c. The call count
 * becomes 64-bit, so the new `num` is new storage: dsu_transfer carries the
 * running program's value over.
 */
#include <stdio.h>
#include "dsu.h"
#include "counter.h"

DSU_TARGET("counter-v1");
DSU_VERSION("counter-v2");

typedef struct {
    int a;
    int b;
    int c;
} t;

static long long num;
extern int old_num DSU_OLD_STATIC("counter.c", num);

__attribute__((noinline)) int f(t T)
{
    num++;
    return T.a * T.b * T.c;
}

int handle(const char *line)
{
    t T = { 0, 0, 1 };
    sscanf(line, "%d %d %d", &T.a, &T.b, &T.c);
    return f(T);
}

long long calls(void)
{
    return num;
}

int dsu_transfer(void)
{
    num = old_num;
    return 0;
}
