/*
 * Replaces handle again, now calling score (added by counter-added-a) only
 * directly. Once it is applied, counter-added-a's code is reached through
 * nothing but score's jump, so a long enough stream can release it.
 */
#include <stdio.h>
#include "dsu.h"

typedef struct {
    int a;
    int b;
} t;

extern int num DSU_OLD_STATIC("counter.c", num);
int score(t T);

int handle(const char *line)
{
    t T = { 0, 0 };
    sscanf(line, "%d %d", &T.a, &T.b);
    num++;
    return score(T);
}
