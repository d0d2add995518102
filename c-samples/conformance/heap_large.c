/* Large heap blocks: allocations above the mmap threshold (128 KiB) that
 * glibc serves with mmap2, growing them with realloc (mremap), shrinking them,
 * freeing them (munmap), plus malloc_usable_size, calloc of large zeroed
 * blocks, aligned_alloc, posix_memalign, memalign, valloc, mallopt and
 * malloc_trim. Contents are checked at each step. */
#include <errno.h>
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned long sum(const unsigned char *p, size_t n)
{
    unsigned long s = 0;
    for (size_t i = 0; i < n; i++)
        s = s * 31 + p[i];
    return s;
}

static void pattern(unsigned char *p, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (unsigned char)(i * 7 + seed + (i >> 12));
}

static int check_pattern(const unsigned char *p, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != (unsigned char)(i * 7 + seed + (i >> 12)))
            return 0;
    return 1;
}

static void big_blocks(void)
{
    static const size_t sizes[] = {128 * 1024 - 64, 128 * 1024, 200000, 1 << 20, 3 * (1 << 20) + 5, 6 << 20};
    for (unsigned i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        unsigned char *p = malloc(sizes[i]);
        pattern(p, sizes[i], i);
        size_t usable = malloc_usable_size(p);
        printf("malloc(%zu): usable >= size %d, usable-size < 8192 %d, 16-byte aligned %d, ok %d\n", sizes[i],
               usable >= sizes[i], usable - sizes[i] < 8192, ((uintptr_t)p & 15) == 0, check_pattern(p, sizes[i], i));
        free(p);
    }
}

static void growing(void)
{
    size_t size = 150000;
    unsigned char *p = malloc(size);
    pattern(p, size, 3);
    for (int step = 0; step < 6; step++) {
        size_t bigger = size * 2 - 12345;
        unsigned char *q = realloc(p, bigger);
        int kept = check_pattern(q, size, 3);
        pattern(q, bigger, 3);
        printf("realloc grow %zu -> %zu kept %d usable>=%d\n", size, bigger, kept, malloc_usable_size(q) >= bigger);
        p = q;
        size = bigger;
    }
    while (size > 1000) {
        size_t smaller = size / 3;
        unsigned char *q = realloc(p, smaller);
        printf("realloc shrink %zu -> %zu kept %d\n", size, smaller, check_pattern(q, smaller, 3));
        p = q;
        size = smaller;
    }
    free(p);
}

static void zeroed(void)
{
    for (int round = 0; round < 4; round++) {
        size_t n = (size_t)(300000 + round * 500000);
        unsigned char *p = malloc(n);
        memset(p, 0xee, n);
        free(p);
        unsigned char *z = calloc(n, 1);
        size_t nonzero = 0;
        for (size_t i = 0; i < n; i++)
            nonzero += z[i] != 0;
        printf("calloc(%zu) nonzero bytes %zu\n", n, nonzero);
        free(z);
    }
    unsigned char *small = calloc(1000, 3);
    printf("small calloc sum %lu\n", sum(small, 3000));
    free(small);
    /* volatile: impossible sizes must reach the library, not be rejected at compile time */
    volatile size_t half = SIZE_MAX / 2, almost = SIZE_MAX - 100;
    errno = 0;
    void *huge = calloc(half, 4);
    printf("overflowing calloc %s errno=%d\n", huge ? "succeeded" : "NULL", errno);
    errno = 0;
    void *toolarge = malloc(almost);
    printf("malloc(SIZE_MAX-100) %s errno=%d\n", toolarge ? "succeeded" : "NULL", errno);
}

static void aligned(void)
{
    static const size_t aligns[] = {8, 16, 32, 64, 256, 4096, 65536, 1 << 20};
    for (unsigned i = 0; i < sizeof aligns / sizeof aligns[0]; i++) {
        size_t a = aligns[i];
        void *p1 = aligned_alloc(a, a * 3);
        void *p2 = NULL;
        int rc = posix_memalign(&p2, a, 1000 + a);
        void *p3 = memalign(a, 77);
        memset(p1, 1, a * 3);
        memset(p2, 2, 1000 + a);
        memset(p3, 3, 77);
        printf("align %7zu: aligned_alloc %d posix_memalign rc=%d %d memalign %d usable %d\n", a,
               ((uintptr_t)p1 % a) == 0, rc, ((uintptr_t)p2 % a) == 0, ((uintptr_t)p3 % a) == 0,
               malloc_usable_size(p2) >= 1000 + a);
        free(p1);
        free(p2);
        free(p3);
    }
    void *p = NULL;
    printf("posix_memalign(bad alignment 24) = %d\n", posix_memalign(&p, 24, 100));
    void *v = valloc(5000);
    printf("valloc page aligned %d\n", ((uintptr_t)v & 4095) == 0);
    free(v);
    void *pv = pvalloc(5000);
    printf("pvalloc page aligned %d usable >= 8192 %d\n", ((uintptr_t)pv & 4095) == 0, malloc_usable_size(pv) >= 8192);
    free(pv);
}

static void thresholds(void)
{
    printf("mallopt(M_MMAP_THRESHOLD, 4096) = %d\n", mallopt(M_MMAP_THRESHOLD, 4096));
    void *blocks[64];
    for (int i = 0; i < 64; i++) {
        blocks[i] = malloc(5000 + i * 100);
        pattern(blocks[i], 5000 + i * 100, i);
    }
    int ok = 1;
    for (int i = 0; i < 64; i++) {
        ok &= check_pattern(blocks[i], 5000 + i * 100, i);
        free(blocks[i]);
    }
    printf("64 mmapped blocks ok %d\n", ok);
    printf("mallopt(M_TRIM_THRESHOLD, 0) = %d\n", mallopt(M_TRIM_THRESHOLD, 0));
    void *many[1000];
    for (int i = 0; i < 1000; i++)
        many[i] = malloc(1000);
    for (int i = 0; i < 1000; i++)
        free(many[i]);
    printf("malloc_trim returned %d\n", malloc_trim(0) >= 0);
    void *after = malloc(100);
    printf("malloc after trim works %d\n", after != NULL);
    free(after);
}

int main(void)
{
    big_blocks();
    growing();
    zeroed();
    aligned();
    thresholds();
    return 0;
}
