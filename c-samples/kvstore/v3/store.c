/*
 * The key space: a chained hash table of entries that doubles when it
 * gets full. Keys with a deadline expire lazily (a lookup that finds them
 * expired deletes them) and in a periodic sweep that visits a slice of the
 * buckets on every tick, so keys nobody reads again are reclaimed too.
 *
 * The store functions are non-static and KV_PATCHABLE so that a live
 * update can replace any one of them; the table itself is file-local state
 * that a replacement must keep using rather than re-create.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kvstore.h"

#define INITIAL_BUCKETS 1024
#define SWEEP_BUCKETS 256       /* buckets examined per tick */

static struct entry **table;
static size_t nbuckets;
static unsigned long nkeys;
static size_t sweep_cursor;     /* where the next sweep resumes */

/* 32-bit FNV-1a. */
static uint32_t hash_key(const char *key, size_t len)
{
    uint32_t h = 2166136261u;

    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)key[i];
        h *= 16777619u;
    }
    return h;
}

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);

    if (p == NULL) {
        fprintf(stderr, "kvstore: out of memory (%zu bytes)\n", n);
        abort();
    }
    return p;
}

static void ensure_table(void)
{
    if (table == NULL) {
        nbuckets = INITIAL_BUCKETS;
        table = calloc(nbuckets, sizeof(*table));
        if (table == NULL)
            abort();
    }
}

static void grow_table(void)
{
    size_t newsize = nbuckets * 2;
    struct entry **newtable = calloc(newsize, sizeof(*newtable));

    if (newtable == NULL)
        return;                 /* keep the longer chains, still correct */
    for (size_t i = 0; i < nbuckets; i++) {
        struct entry *e = table[i], *next;

        for (; e != NULL; e = next) {
            size_t b = hash_key(e->key, e->keylen) & (newsize - 1);

            next = e->next;
            e->next = newtable[b];
            newtable[b] = e;
        }
    }
    free(table);
    table = newtable;
    nbuckets = newsize;
    sweep_cursor = 0;
}

static void free_entry(struct entry *e)
{
    free(e->key);
    free(e->val);
    free(e);
}

/* Unlinks and frees the entry *link points to. */
static void unlink_entry(struct entry **link)
{
    struct entry *e = *link;

    *link = e->next;
    free_entry(e);
    nkeys--;
}

static int expired(const struct entry *e, long long now)
{
    return e->expire_ms != 0 && e->expire_ms <= now;
}

/* The link that points to the key's entry, or to the NULL ending its chain. */
static struct entry **find_link(const char *key, size_t keylen)
{
    struct entry **link;

    ensure_table();
    link = &table[hash_key(key, keylen) & (nbuckets - 1)];
    for (; *link != NULL; link = &(*link)->next) {
        struct entry *e = *link;

        if (e->keylen == keylen && memcmp(e->key, key, keylen) == 0)
            break;
    }
    return link;
}

KV_PATCHABLE struct entry *store_lookup(const char *key, size_t keylen)
{
    struct entry **link = find_link(key, keylen);

    if (*link == NULL)
        return NULL;
    if (expired(*link, kv_now_ms())) {
        unlink_entry(link);
        return NULL;
    }
    return *link;
}

/* Sets the value, creating the key if needed; clears any expiry. */
KV_PATCHABLE struct entry *store_set(const char *key, size_t keylen,
                                     const char *val, size_t vallen)
{
    struct entry **link = find_link(key, keylen);
    struct entry *e = *link;
    char *copy = xmalloc(vallen);

    memcpy(copy, val, vallen);
    if (e == NULL) {
        e = xmalloc(sizeof(*e));
        e->key = xmalloc(keylen);
        memcpy(e->key, key, keylen);
        e->keylen = keylen;
        e->hits = 0;
        e->next = NULL;
        *link = e;
        nkeys++;
    } else {
        free(e->val);
    }
    e->val = copy;
    e->vallen = vallen;
    e->expire_ms = 0;
    if (nkeys > nbuckets)
        grow_table();
    return e;
}

/* Returns 1 if a live key was deleted. */
KV_PATCHABLE int store_delete(const char *key, size_t keylen)
{
    struct entry **link = find_link(key, keylen);
    int live;

    if (*link == NULL)
        return 0;
    live = !expired(*link, kv_now_ms());
    unlink_entry(link);
    return live;
}

KV_PATCHABLE int store_append(struct entry *e, const char *p, size_t n)
{
    char *val = realloc(e->val, e->vallen + n ? e->vallen + n : 1);

    if (val == NULL)
        return -1;
    memcpy(val + e->vallen, p, n);
    e->val = val;
    e->vallen += n;
    return 0;
}

KV_PATCHABLE void store_set_expire(struct entry *e, long long deadline_ms)
{
    e->expire_ms = deadline_ms;
}

/* Keys in the table, including expired ones not yet reclaimed. */
KV_PATCHABLE unsigned long store_size(void)
{
    return nkeys;
}

KV_PATCHABLE void store_flush(void)
{
    for (size_t i = 0; i < nbuckets; i++) {
        while (table[i] != NULL)
            unlink_entry(&table[i]);
    }
    sweep_cursor = 0;
}

/* One slice of the periodic sweep; called by the event loop every tick. */
KV_PATCHABLE void store_expire_cycle(void)
{
    long long now = kv_now_ms();

    if (table == NULL || nkeys == 0)
        return;
    for (int n = 0; n < SWEEP_BUCKETS; n++) {
        struct entry **link = &table[sweep_cursor];

        while (*link != NULL) {
            if (expired(*link, now))
                unlink_entry(link);
            else
                link = &(*link)->next;
        }
        sweep_cursor = (sweep_cursor + 1) & (nbuckets - 1);
    }
}
