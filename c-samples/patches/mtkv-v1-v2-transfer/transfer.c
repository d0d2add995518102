/* mtkv v1 -> v2 with a transfer: dsu_transfer runs in one thread while the
 * others are held, takes the table's lock (store_size) and says how many
 * keys there were at the update. */
#include <stdio.h>
#include "dsu.h"
#include "mtkv.h"

DSU_TARGET("mtkv-v1");
DSU_VERSION("mtkv-v2");

int dsu_transfer(void)
{
    long keys = store_size();
    printf("mtkv transfer: %ld keys at the update\n", keys);
    fflush(stdout);
    return keys < 0;
}

/* Nothing of v1's state changed (the count is only read): v1's code can go on. */
int dsu_rollback(void)
{
    return 0;
}
