/*
 * store_size() rewritten against store.c's static `nkeys`, which the patch
 * only declares: dsu binds it to the live copy (the program's own, or the
 * copy an earlier patch took over), never to storage nobody updates.
 */
#include <stddef.h>

extern unsigned long nkeys;

unsigned long store_size(void)
{
    return nkeys;
}
