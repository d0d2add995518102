/* A correct new f, but the state transfer refuses the update. */
#include "dsu.h"
typedef struct { int a; int b; } t;
static int num;
int f(t T)
{
    num++;
    return T.a - T.b;
}
int dsu_transfer(void)
{
    return 7;
}
