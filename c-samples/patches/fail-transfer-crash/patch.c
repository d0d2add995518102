/* The state transfer writes some state, then dereferences NULL. */
#include <stddef.h>
#include "dsu.h"
typedef struct { int a; int b; } t;
extern int old_num DSU_OLD_STATIC("counter.c", num);
int f(t T)
{
    return T.a * T.b;
}
int dsu_transfer(void)
{
    old_num = 424242; /* must be undone */
    volatile int *p = NULL;
    return *p;
}
