/*
 * One of two counter patches that a stream of updates alternates between
 * (test/patch-stream.test.ts): f subtracts. The count stays in the running
 * program's own `num`, so it carries on across every patch and rollback.
 */
#include "dsu.h"

DSU_TARGET("counter-v1");

typedef struct {
    int a;
    int b;
} t;

extern int num DSU_OLD_STATIC("counter.c", num);

__attribute__((noinline)) int f(t T)
{
    num++;
    return T.a - T.b;
}
