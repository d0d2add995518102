/* The C library's own data structures and a hand-written one: tsearch/tfind/
 * tdelete/twalk/tdestroy (a balanced binary tree), the hsearch_r hash table
 * (including a full table), insque/remque, and an open-addressing hash map
 * with deletion, cross-checked against each other. */
#define _GNU_SOURCE
#include <search.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

static int walk_count, walk_depth_max, walk_sorted, walk_last;
static long walk_sum;
static void walker(const void *node, VISIT which, int depth)
{
    if (which == postorder || which == leaf) {
        int v = **(int *const *)node;
        walk_count++;
        walk_sum += v;
        if (walk_count > 1 && v <= walk_last)
            walk_sorted = 0;
        walk_last = v;
    }
    if (depth > walk_depth_max)
        walk_depth_max = depth;
}
static void reset_walk(void)
{
    walk_count = walk_depth_max = 0;
    walk_sum = 0;
    walk_sorted = 1;
}
static int destroyed;
static void count_destroy(void *p)
{
    (void)p;
    destroyed++;
}

static int present[3000];

static void trees(void)
{
    void *root = NULL;
    static int keys[5000];
    uint32_t s = 777;
    int inserted = 0;
    for (int i = 0; i < 5000; i++) {
        s = s * 1103515245u + 12345u;
        keys[i] = (int)((s >> 8) % 3000);
        int **slot = tsearch(&keys[i], &root, cmp_int);
        if (*slot == &keys[i]) {
            inserted++;
            present[keys[i]] = 1;
        }
    }
    reset_walk();
    twalk(root, walker);
    printf("tree: %d distinct of 5000, walk saw %d nodes in order %d, sum %ld, depth <= 26: %d\n", inserted, walk_count,
           walk_sorted, walk_sum, walk_depth_max <= 26);
    int found = 0, deleted = 0, agree = 1;
    for (int k = 0; k < 3000; k += 3) {
        int hit = tfind(&k, &root, cmp_int) != NULL;
        found += hit;
        agree &= hit == present[k];
        if (k % 2 == 0 && tdelete(&k, &root, cmp_int)) {
            deleted++;
            present[k] = 0;
        }
    }
    reset_walk();
    twalk(root, walker);
    printf("tree: found %d multiples of 3 (agrees with a flag array %d), deleted %d, %d nodes left in order %d, sum %ld\n",
           found, agree, deleted, walk_count, walk_sorted, walk_sum);
    tdestroy(root, count_destroy);
    printf("tdestroy freed %d nodes\n", destroyed);
}

static void hashes(void)
{
    struct hsearch_data table;
    memset(&table, 0, sizeof table);
    hcreate_r(64, &table);
    static char keys[100][16];
    int entered = 0, full = 0;
    for (int i = 0; i < 100; i++) {
        snprintf(keys[i], sizeof keys[i], "key-%d", i * 7);
        ENTRY e = {keys[i], (void *)(intptr_t)(i * i)}, *out;
        if (hsearch_r(e, ENTER, &out, &table))
            entered++;
        else
            full++;
    }
    int found = 0, correct = 1;
    for (int i = 0; i < 100; i++) {
        ENTRY q = {keys[i], NULL}, *out;
        if (hsearch_r(q, FIND, &out, &table)) {
            found++;
            correct &= (intptr_t)out->data == i * i;
        }
    }
    ENTRY dup = {keys[3], (void *)(intptr_t)-1}, *out;
    hsearch_r(dup, ENTER, &out, &table);
    printf("hsearch_r: entered %d, refused when full %d, found %d, data correct %d, duplicate keeps old data %d\n",
           entered, full, found, correct, (intptr_t)out->data == 9);
    hdestroy_r(&table);
}

struct queue_node {
    struct queue_node *next, *prev;
    int value;
};

static void queues(void)
{
    struct queue_node nodes[6];
    for (int i = 0; i < 6; i++)
        nodes[i].value = i * 10;
    insque(&nodes[0], NULL);
    nodes[0].next = nodes[0].prev = NULL;
    for (int i = 1; i < 6; i++)
        insque(&nodes[i], &nodes[i - 1]);
    remque(&nodes[2]);
    remque(&nodes[5]);
    insque(&nodes[2], &nodes[0]);
    printf("insque/remque list:");
    for (struct queue_node *q = &nodes[0]; q; q = q->next)
        printf(" %d", q->value);
    printf("\n");
}

/* open addressing with linear probing and tombstones */
#define CAP 1024
struct slot {
    uint32_t key;
    int value;
    char state; /* 0 empty, 1 used, 2 deleted */
};
static struct slot map[CAP];
static uint32_t hash32(uint32_t x)
{
    x ^= x >> 16;
    x *= 0x7feb352dU;
    x ^= x >> 15;
    x *= 0x846ca68bU;
    return x ^ (x >> 16);
}
static struct slot *lookup(uint32_t key, int for_insert)
{
    struct slot *tomb = NULL;
    for (uint32_t i = hash32(key) & (CAP - 1);; i = (i + 1) & (CAP - 1)) {
        struct slot *s = &map[i];
        if (s->state == 0)
            return for_insert ? (tomb ? tomb : s) : NULL;
        if (s->state == 2 && !tomb)
            tomb = s;
        if (s->state == 1 && s->key == key)
            return s;
    }
}
static void hand_written(void)
{
    static int reference[5000];
    memset(reference, -1, sizeof reference);
    int live = 0;
    uint32_t r = 99;
    for (int i = 0; i < 20000; i++) {
        r = r * 1664525u + 1013904223u;
        uint32_t key = (r >> 10) % 5000;
        int op = (r >> 4) % 4;
        if (op < 2 && (live < 700 || reference[key] >= 0)) {
            struct slot *s = lookup(key, 1);
            if (s->state != 1)
                live++;
            s->state = 1;
            s->key = key;
            s->value = i;
            reference[key] = i;
        } else if (op == 2) {
            struct slot *s = lookup(key, 0);
            if (s) {
                s->state = 2;
                live--;
                reference[key] = -1;
            }
        }
    }
    int agree = 1, count = 0;
    for (uint32_t k = 0; k < 5000; k++) {
        struct slot *s = lookup(k, 0);
        agree &= s ? s->value == reference[k] : reference[k] == -1;
        count += s != NULL;
    }
    printf("open addressing map: %d live entries (tracked %d), agrees with reference %d\n", count, live, agree);
}

int main(void)
{
    trees();
    hashes();
    queues();
    hand_written();
    return 0;
}
