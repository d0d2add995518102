/* Replaces a 1-byte function that ends its section: no room for a jump. */
#include <stdio.h>
#include "dsu.h"

DSU_TARGET("feature-v1");

void noop_hook(void)
{
    puts("hooked");
}
