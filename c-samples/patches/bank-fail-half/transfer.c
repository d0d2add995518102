/*
 * A v2 -> v3 transfer that gives up half-way: it has allocated (the heap
 * grows), scribbled over the old records and the old bucket array, freed
 * the audit log (a block malloc mapped on its own: munmap), then returns
 * non-zero. dsu must leave memory exactly as it was.
 */
#include <stdlib.h>
#include <string.h>
#include "dsu.h"
#include "bank.h"

DSU_TARGET("bank-v2");
DSU_VERSION("bank-v3");

struct account_v2 {
    struct account_v2 *hnext, *lnext;
    int id;
    char owner[24];
    long long balance;
};

extern struct account_v2 *old_buckets[BANK_BUCKETS] DSU_OLD_STATIC("bank.c", buckets);
extern char *old_audit DSU_OLD_STATIC("bank.c", audit);
struct config config = { 7000, BANK_MAX_CONNS, 1000000000LL, 100000LL, "bank" };

int dsu_transfer(void)
{
    int i = 0;

    free(old_audit);
    for (struct account_v2 *o = (struct account_v2 *)all_accounts; o; o = o->lnext, i++) {
        memset(malloc(64 * 1024), 0x5a, 64 * 1024);
        o->balance = -1;
        old_buckets[i % BANK_BUCKETS] = NULL;
        if (i == 3)
            return 7;
    }
    return 7;
}
