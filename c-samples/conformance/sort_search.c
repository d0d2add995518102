/* qsort and bsearch on several element types and sizes: ints (with
 * duplicates and extremes), doubles, strings through pointer arrays, 3-byte
 * and 100-byte records, an already sorted and a reversed array, qsort_r with
 * a context argument, and lsearch/lfind. Large arrays make glibc's qsort use
 * its merge sort with a temporary buffer. Checked for order and permutation. */
#define _GNU_SOURCE
#include <search.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t seed = 12345;
static uint32_t rnd(void)
{
    seed = seed * 1664525u + 1013904223u;
    return seed >> 8;
}

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}
static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}
static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

struct rec3 {
    unsigned char b[3];
};
static int cmp_rec3(const void *a, const void *b) { return memcmp(a, b, 3); }

struct rec100 {
    int key;
    char payload[96];
};
static int cmp_rec100(const void *a, const void *b)
{
    const struct rec100 *x = a, *y = b;
    return (x->key > y->key) - (x->key < y->key);
}
static int cmp_mod(const void *a, const void *b, void *ctx)
{
    int m = *(int *)ctx;
    int x = *(const int *)a % m, y = *(const int *)b % m;
    if (x != y)
        return x - y;
    return cmp_int(a, b);
}

static unsigned long long digest(const void *p, size_t n)
{
    unsigned long long h = 1469598103934665603ULL;
    const unsigned char *c = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ c[i]) * 1099511628211ULL;
    return h;
}

static void ints(int n)
{
    int *a = malloc(n * sizeof *a);
    long long sum_before = 0, sum_after = 0;
    for (int i = 0; i < n; i++) {
        a[i] = (int)(rnd() % 1000) - 500;
        if (i % 97 == 0)
            a[i] = i % 2 ? 2147483647 : -2147483647 - 1;
        sum_before += a[i];
    }
    qsort(a, n, sizeof *a, cmp_int);
    int sorted = 1;
    for (int i = 0; i < n; i++) {
        sum_after += a[i];
        if (i && a[i - 1] > a[i])
            sorted = 0;
    }
    int found = 0, missing = 0;
    for (int k = -510; k <= 510; k += 7) {
        int *hit = bsearch(&k, a, n, sizeof *a, cmp_int);
        if (hit) {
            found++;
            if (*hit != k)
                sorted = 0;
        } else
            missing++;
    }
    printf("ints n=%d sorted %d sums equal %d min %d max %d median %d found %d missing %d digest %016llx\n", n, sorted,
           sum_before == sum_after, a[0], a[n - 1], a[n / 2], found, missing, digest(a, n * sizeof *a));
    free(a);
}

static void doubles(int n)
{
    double *a = malloc(n * sizeof *a);
    for (int i = 0; i < n; i++)
        a[i] = ((double)rnd() - 8388608.0) / 1024.0;
    qsort(a, n, sizeof *a, cmp_double);
    int sorted = 1;
    for (int i = 1; i < n; i++)
        sorted &= a[i - 1] <= a[i];
    printf("doubles n=%d sorted %d first %.6f last %.6f digest %016llx\n", n, sorted, a[0], a[n - 1], digest(a, n * sizeof *a));
    free(a);
}

static void strings(void)
{
    static const char *words[] = {"pear", "apple", "fig", "banana", "cherry", "date", "elderberry", "grape",
                                  "kiwi", "lemon", "mango", "nectarine", "orange", "papaya", "quince", "Apple",
                                  "apple pie", "", "zucchini", "yam"};
    int n = sizeof words / sizeof words[0];
    char *copy[20];
    for (int i = 0; i < n; i++)
        copy[i] = (char *)words[i];
    qsort(copy, n, sizeof copy[0], cmp_str);
    printf("strings:");
    for (int i = 0; i < n; i++)
        printf(" \"%s\"", copy[i]);
    printf("\n");
    static const char *probes[] = {"fig", "kiwi", "Apple", "", "zzz", "apple pie", "coconut"};
    for (unsigned i = 0; i < sizeof probes / sizeof probes[0]; i++) {
        char **hit = bsearch(&probes[i], copy, n, sizeof copy[0], cmp_str);
        printf("  bsearch(\"%s\") -> %s\n", probes[i], hit ? "found" : "not found");
    }
}

static void records(void)
{
    int n = 5000;
    struct rec3 *r = malloc(n * sizeof *r);
    for (int i = 0; i < n; i++)
        for (int j = 0; j < 3; j++)
            r[i].b[j] = (unsigned char)rnd();
    qsort(r, n, sizeof *r, cmp_rec3);
    int sorted = 1;
    for (int i = 1; i < n; i++)
        sorted &= memcmp(&r[i - 1], &r[i], 3) <= 0;
    printf("3-byte records sorted %d digest %016llx\n", sorted, digest(r, n * sizeof *r));
    free(r);

    int m = 3000;
    struct rec100 *big = malloc(m * sizeof *big);
    for (int i = 0; i < m; i++) {
        big[i].key = (int)(rnd() % 100000);
        snprintf(big[i].payload, sizeof big[i].payload, "record with key %d", big[i].key);
    }
    qsort(big, m, sizeof *big, cmp_rec100);
    sorted = 1;
    int consistent = 1;
    for (int i = 0; i < m; i++) {
        if (i)
            sorted &= big[i - 1].key <= big[i].key;
        char expect[96];
        snprintf(expect, sizeof expect, "record with key %d", big[i].key);
        consistent &= strcmp(expect, big[i].payload) == 0;
    }
    struct rec100 probe = {.key = big[1234].key};
    struct rec100 *hit = bsearch(&probe, big, m, sizeof *big, cmp_rec100);
    printf("100-byte records sorted %d payloads intact %d bsearch key %d found %d\n", sorted, consistent, probe.key,
           hit && hit->key == probe.key);
    free(big);
}

static void special_orders(void)
{
    int n = 10000;
    int *a = malloc(n * sizeof *a);
    for (int i = 0; i < n; i++)
        a[i] = i;
    qsort(a, n, sizeof *a, cmp_int);
    int ok = 1;
    for (int i = 0; i < n; i++)
        ok &= a[i] == i;
    for (int i = 0; i < n; i++)
        a[i] = n - i;
    qsort(a, n, sizeof *a, cmp_int);
    for (int i = 0; i < n; i++)
        ok &= a[i] == i + 1;
    for (int i = 0; i < n; i++)
        a[i] = 7;
    qsort(a, n, sizeof *a, cmp_int);
    printf("sorted, reversed and constant inputs ok %d\n", ok);
    for (int i = 0; i < n; i++)
        a[i] = (int)(rnd() % 100000);
    int mod = 10;
    qsort_r(a, n, sizeof *a, cmp_mod, &mod);
    ok = 1;
    for (int i = 1; i < n; i++)
        ok &= cmp_mod(&a[i - 1], &a[i], &mod) <= 0;
    printf("qsort_r by last digit ok %d first %d last %d\n", ok, a[0], a[n - 1]);
    free(a);
}

static void linear(void)
{
    int table[16];
    size_t count = 0;
    static const int inputs[] = {5, 3, 5, 9, 3, 1, 9, 9, 2};
    for (unsigned i = 0; i < sizeof inputs / sizeof inputs[0]; i++)
        lsearch(&inputs[i], table, &count, sizeof table[0], cmp_int);
    printf("lsearch unique:");
    for (size_t i = 0; i < count; i++)
        printf(" %d", table[i]);
    int key = 9, absent = 4;
    printf("; lfind 9 at %ld, lfind 4 %s\n", (long)((int *)lfind(&key, table, &count, sizeof table[0], cmp_int) - table),
           lfind(&absent, table, &count, sizeof table[0], cmp_int) ? "found" : "absent");
}

int main(void)
{
    ints(1);
    ints(2);
    ints(10);
    ints(1000);
    ints(100000);
    doubles(50000);
    strings();
    records();
    special_orders();
    linear();
    return 0;
}
