/* The key space: a chained hash table of byte strings, one mutex for all. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include "mtkv.h"

#define BUCKETS 65536

struct entry {
    struct entry *next;
    size_t kl, vl;
    char *key, *val;
};

static struct entry *table[BUCKETS];
static long count;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static unsigned hash(const char *k, size_t n)
{
    unsigned h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)k[i]) * 16777619u;
    return h % BUCKETS;
}

static struct entry **find(const char *k, size_t kl)
{
    struct entry **e = &table[hash(k, kl)];
    while (*e && ((*e)->kl != kl || memcmp((*e)->key, k, kl) != 0))
        e = &(*e)->next;
    return e;
}

static int put(struct entry **slot, const char *k, size_t kl, const char *v, size_t vl)
{
    char *copy = malloc(vl + 1);
    if (!copy)
        return -1;
    memcpy(copy, v, vl);
    copy[vl] = 0;
    if (*slot) {
        free((*slot)->val);
        (*slot)->val = copy;
        (*slot)->vl = vl;
        return 0;
    }
    struct entry *e = malloc(sizeof *e);
    char *key = malloc(kl + 1);
    if (!e || !key) {
        free(e);
        free(key);
        free(copy);
        return -1;
    }
    memcpy(key, k, kl);
    key[kl] = 0;
    *e = (struct entry){ NULL, kl, vl, key, copy };
    *slot = e;
    count++;
    return 0;
}

int store_set(const char *k, size_t kl, const char *v, size_t vl)
{
    pthread_mutex_lock(&lock);
    int r = put(find(k, kl), k, kl, v, vl);
    pthread_mutex_unlock(&lock);
    return r;
}

long store_get(const char *k, size_t kl, char *buf, size_t cap)
{
    pthread_mutex_lock(&lock);
    struct entry *e = *find(k, kl);
    long n = -1;
    if (e) {
        n = (long)e->vl;
        memcpy(buf, e->val, e->vl < cap ? e->vl : cap);
    }
    pthread_mutex_unlock(&lock);
    return n;
}

int store_del(const char *k, size_t kl)
{
    pthread_mutex_lock(&lock);
    struct entry **slot = find(k, kl), *e = *slot;
    if (e) {
        *slot = e->next;
        free(e->key);
        free(e->val);
        free(e);
        count--;
    }
    pthread_mutex_unlock(&lock);
    return e != NULL;
}

int store_exists(const char *k, size_t kl)
{
    pthread_mutex_lock(&lock);
    int r = *find(k, kl) != NULL;
    pthread_mutex_unlock(&lock);
    return r;
}

long store_size(void)
{
    pthread_mutex_lock(&lock);
    long n = count;
    pthread_mutex_unlock(&lock);
    return n;
}

void store_flush(void)
{
    pthread_mutex_lock(&lock);
    for (int i = 0; i < BUCKETS; i++) {
        while (table[i]) {
            struct entry *e = table[i];
            table[i] = e->next;
            free(e->key);
            free(e->val);
            free(e);
        }
    }
    count = 0;
    pthread_mutex_unlock(&lock);
}

int store_incr(const char *k, size_t kl, long long delta, long long *result)
{
    pthread_mutex_lock(&lock);
    struct entry **slot = find(k, kl);
    long long v = 0;
    int r = 0;
    if (*slot) {
        char *end;
        errno = 0;
        v = strtoll((*slot)->val, &end, 10);
        if (errno || end == (*slot)->val || *end || (*slot)->vl == 0)
            r = -1;
    }
    if (r == 0) {
        char text[32];
        v += delta;
        int n = snprintf(text, sizeof text, "%lld", v);
        r = put(slot, k, kl, text, (size_t)n);
        *result = v;
    }
    pthread_mutex_unlock(&lock);
    return r;
}
