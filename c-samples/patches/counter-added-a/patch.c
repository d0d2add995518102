/*
 * Replaces handle and adds a function of its own, score, which handle calls
 * both directly and through a function pointer the patch keeps in its data.
 * counter-added-b then replaces score (test/patch-added-functions.test.ts).
 */
#include <stdio.h>
#include "dsu.h"

DSU_TARGET("counter-v1");

typedef struct {
    int a;
    int b;
} t;

extern int num DSU_OLD_STATIC("counter.c", num);

int score(t T)
{
    return T.a - T.b;
}

static int (*rule)(t) = score;

int handle(const char *line)
{
    t T = { 0, 0 };
    sscanf(line, "%d %d", &T.a, &T.b);
    num++;
    return rule(T) * 10 + score(T);
}
