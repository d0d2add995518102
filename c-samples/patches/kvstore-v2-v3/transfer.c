/*
 * State transfer for kvstore v2 -> v3: struct entry gains `hits` before
 * `expire_ms`, so every entry of the running table is rebuilt in the new
 * layout (hits starting at 0). The table itself (store.c's static `table`,
 * an array of chains) is shared: dsu copies the old static pointer into the
 * patch's store.c before this runs. dsu_rollback converts back.
 */
#include <stdlib.h>
#include <string.h>
#include "dsu.h"
#include "kvstore.h"

DSU_TARGET("kvstore-v2");
DSU_VERSION("kvstore-v3");

struct entry_v2 {
    struct entry_v2 *next;
    char *key;
    size_t keylen;
    char *val;
    size_t vallen;
    long long expire_ms;
};

extern struct entry_v2 **old_table DSU_OLD_STATIC("store.c", table);
extern size_t old_nbuckets DSU_OLD_STATIC("store.c", nbuckets);

int dsu_transfer(void)
{
    if (old_table == NULL)
        return 0;
    for (size_t b = 0; b < old_nbuckets; b++) {
        struct entry_v2 **link = &old_table[b];
        while (*link) {
            struct entry_v2 *old = *link;
            struct entry *e = malloc(sizeof *e);
            if (e == NULL)
                return 1;
            e->next = (struct entry *)old->next;
            e->key = old->key;
            e->keylen = old->keylen;
            e->val = old->val;
            e->vallen = old->vallen;
            e->hits = 0;
            e->expire_ms = old->expire_ms;
            *link = (struct entry_v2 *)e;
            link = (struct entry_v2 **)&e->next;
            free(old);
        }
    }
    return 0;
}

int dsu_rollback(void)
{
    if (old_table == NULL)
        return 0;
    for (size_t b = 0; b < old_nbuckets; b++) {
        struct entry **link = (struct entry **)&old_table[b];
        while (*link) {
            struct entry *cur = *link;
            struct entry_v2 *e = malloc(sizeof *e);
            if (e == NULL)
                return 1;
            e->next = (struct entry_v2 *)cur->next;
            e->key = cur->key;
            e->keylen = cur->keylen;
            e->val = cur->val;
            e->vallen = cur->vallen;
            e->expire_ms = cur->expire_ms;
            *link = (struct entry *)e;
            link = (struct entry **)&e->next;
            free(cur);
        }
    }
    return 0;
}
