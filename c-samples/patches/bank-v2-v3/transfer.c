/*
 * bank v2 -> v3: struct account gains txcount, struct config gains two
 * fields. Every record is reallocated in the new layout and every pointer to
 * it relinked: the hash chains and the list, bank.c's static bucket array and
 * tail pointer, and the account each connection USE'd. Written the way a
 * transfer in its own file can be: it updates the statics through
 * DSU_OLD_STATIC, and dsu carries what it changed into v3's copies.
 * dsu_rollback converts back (the old config was never touched).
 * Built with -DBANK_NO_ROLLBACK it has no dsu_rollback (bank-v2-v3-norollback).
 */
#include <stdlib.h>
#include <string.h>
#include "dsu.h"
#include "bank.h"

DSU_TARGET("bank-v2");
DSU_VERSION("bank-v3");

struct account_v2 {
    struct account_v2 *hnext;
    struct account_v2 *lnext;
    int id;
    char owner[24];
    long long balance;
};

struct config_v2 {
    int port;
    int max_conns;
    long long max_balance;
};

extern struct config_v2 old_config DSU_OLD(config);
extern struct account_v2 *old_buckets[BANK_BUCKETS] DSU_OLD_STATIC("bank.c", buckets);
extern struct account_v2 **old_all_tail DSU_OLD_STATIC("bank.c", all_tail);

/* v3's config: new storage (it grew); dsu_transfer fills it from the old one */
struct config config = { 7000, BANK_MAX_CONNS, 1000000000LL, 100000LL, "bank" };

static struct account *moved(struct account_v2 *o, struct account_v2 **from, struct account **to, int n)
{
    for (int i = 0; i < n; i++)
        if (from[i] == o)
            return to[i];
    return NULL;
}

int dsu_transfer(void)
{
    int n = 0, i = 0;
    struct account_v2 *o, **from;
    struct account **to;

    config.port = old_config.port;
    config.max_conns = old_config.max_conns;
    config.max_balance = old_config.max_balance;
    for (o = (struct account_v2 *)all_accounts; o; o = o->lnext)
        n++;
    from = malloc((n + 1) * sizeof *from);
    to = malloc((n + 1) * sizeof *to);
    if (!from || !to)
        return 1;
    for (o = (struct account_v2 *)all_accounts; o; o = o->lnext, i++) {
        struct account *a = malloc(sizeof *a);
        if (!a)
            return 1;
        a->id = o->id;
        a->txcount = 0;
        memcpy(a->owner, o->owner, sizeof a->owner);
        a->balance = o->balance;
        from[i] = o;
        to[i] = a;
    }
    for (i = 0; i < n; i++) {
        to[i]->hnext = moved(from[i]->hnext, from, to, n);
        to[i]->lnext = moved(from[i]->lnext, from, to, n);
    }
    for (int b = 0; b < BANK_BUCKETS; b++)
        old_buckets[b] = (struct account_v2 *)moved(old_buckets[b], from, to, n);
    all_accounts = n ? to[0] : NULL;
    old_all_tail = n ? (struct account_v2 **)&to[n - 1]->lnext : (struct account_v2 **)&all_accounts;
    for (int s = 0; s < BANK_MAX_CONNS; s++) {
        struct conn *c = conn_get(s);
        if (c && c->cur)
            c->cur = moved((struct account_v2 *)c->cur, from, to, n);
    }
    for (i = 0; i < n; i++)
        free(from[i]);
    free(from);
    free(to);
    bank_version = "v3";
    return 0;
}

#ifndef BANK_NO_ROLLBACK
static struct account_v2 *back(struct account *n, struct account **from, struct account_v2 **to, int count)
{
    for (int i = 0; i < count; i++)
        if (from[i] == n)
            return to[i];
    return NULL;
}

int dsu_rollback(void)
{
    int n = 0, i = 0;
    struct account *a, **from;
    struct account_v2 **to;

    for (a = all_accounts; a; a = a->lnext)
        n++;
    from = malloc((n + 1) * sizeof *from);
    to = malloc((n + 1) * sizeof *to);
    if (!from || !to)
        return 1;
    for (a = all_accounts; a; a = a->lnext, i++) {
        struct account_v2 *o = malloc(sizeof *o);
        if (!o)
            return 1;
        o->id = a->id;
        memcpy(o->owner, a->owner, sizeof o->owner);
        o->balance = a->balance;
        from[i] = a;
        to[i] = o;
    }
    for (i = 0; i < n; i++) {
        to[i]->hnext = back(from[i]->hnext, from, to, n);
        to[i]->lnext = back(from[i]->lnext, from, to, n);
    }
    for (int b = 0; b < BANK_BUCKETS; b++)
        old_buckets[b] = back((struct account *)old_buckets[b], from, to, n);
    all_accounts = n ? (struct account *)to[0] : NULL;
    old_all_tail = n ? &to[n - 1]->lnext : (struct account_v2 **)&all_accounts;
    for (int s = 0; s < BANK_MAX_CONNS; s++) {
        struct conn *c = conn_get(s);
        if (c && c->cur)
            c->cur = (struct account *)back(c->cur, from, to, n);
    }
    for (i = 0; i < n; i++)
        free(from[i]);
    free(from);
    free(to);
    bank_version = "v2";
    return 0;
}
#endif
