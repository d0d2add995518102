/* Tries to replace main itself, which never leaves the stack. */
#include <stdio.h>
#include "dsu.h"
int main(void)
{
    puts("new main");
    return 0;
}
