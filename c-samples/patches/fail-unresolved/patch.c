/* Replaces f but calls a function the program does not have. */
#include "dsu.h"
typedef struct { int a; int b; } t;
int helper_that_does_not_exist(int);
int f(t T)
{
    return helper_that_does_not_exist(T.a + T.b);
}
