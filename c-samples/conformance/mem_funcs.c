/* memcpy, mempcpy, memmove (overlapping both ways), memset, memcmp, memchr,
 * memrchr and memmem against naive byte-by-byte references, over every length
 * up to 300 plus larger ones, every source/destination alignment within 16
 * bytes, and buffers that end right before an inaccessible page. glibc picks
 * SSE2/SSSE3/AVX variants of these through IFUNC, so this checks the CPU's
 * vector instructions as much as the library. */
#define _GNU_SOURCE
/* keep the reference loops as loops: gcc would otherwise turn them into calls
 * to the very functions under test */
#pragma GCC optimize("no-tree-loop-distribute-patterns")
/* gcc's range analysis believes a large len is possible in test_copy */
#pragma GCC diagnostic ignored "-Wstringop-overflow"
#pragma GCC diagnostic ignored "-Wrestrict"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

static unsigned long checks, failures;

static void report(const char *fn, size_t len, int a, int b, const char *what)
{
    failures++;
    if (failures <= 20)
        printf("FAIL %s len=%zu align=%d/%d: %s\n", fn, len, a, b, what);
}

static unsigned char src_buf[70000 + 64], dst_buf[70000 + 64], ref_buf[70000 + 64];

static void fill(unsigned char *p, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (unsigned char)((i * 131 + seed * 17) ^ (i >> 7));
}

static void ref_memmove(unsigned char *d, const unsigned char *s, size_t n)
{
    if (d < s)
        for (size_t i = 0; i < n; i++)
            d[i] = s[i];
    else
        for (size_t i = n; i-- > 0;)
            d[i] = s[i];
}

static int sign(int v) { return (v > 0) - (v < 0); }

static int ref_memcmp(const unsigned char *a, const unsigned char *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (a[i] != b[i])
            return a[i] < b[i] ? -1 : 1;
    return 0;
}

static const size_t big_lengths[] = {511, 512, 513, 1000, 1023, 1024, 4095, 4096, 4097, 8191, 16384, 65535, 65536, 69999};

static void test_copy(size_t len, int sa, int da)
{
    fill(src_buf, len + 32, (unsigned)len);
    memset(dst_buf, 0xcc, len + 64);
    memset(ref_buf, 0xcc, len + 64);
    void *r = memcpy(dst_buf + da, src_buf + sa, len);
    ref_memmove(ref_buf + da, src_buf + sa, len);
    checks++;
    if (r != dst_buf + da || ref_memcmp(dst_buf, ref_buf, len + da + 32) != 0)
        report("memcpy", len, sa, da, "wrong bytes");
    unsigned char *e = mempcpy(dst_buf + da, src_buf + sa + 1, len);
    ref_memmove(ref_buf + da, src_buf + sa + 1, len);
    checks++;
    if (e != dst_buf + da + len || ref_memcmp(dst_buf, ref_buf, len + da + 32) != 0)
        report("mempcpy", len, sa, da, "wrong bytes or end");
}

static void test_move(size_t len, int shift)
{
    fill(dst_buf, 2 * len + 128, (unsigned)len + 5);
    ref_memmove(ref_buf, dst_buf, 2 * len + 128);
    size_t base = 64;
    void *r = memmove(dst_buf + base + shift, dst_buf + base, len);
    ref_memmove(ref_buf + base + shift, ref_buf + base, len);
    checks++;
    if (r != dst_buf + base + shift || ref_memcmp(dst_buf, ref_buf, 2 * len + 128) != 0)
        report("memmove", len, shift, 0, "wrong bytes");
}

static void test_set(size_t len, int a)
{
    memset(dst_buf, 0x11, len + 64);
    int c = (int)(len * 7 + 0x180);
    void *r = memset(dst_buf + a, c, len);
    int bad = r != dst_buf + a;
    for (size_t i = 0; i < len + 64; i++)
        bad |= dst_buf[i] != ((i >= (size_t)a && i < a + len) ? (unsigned char)c : 0x11);
    checks++;
    if (bad)
        report("memset", len, a, 0, "wrong bytes");
}

static void test_cmp(size_t len, int a, int b)
{
    fill(src_buf + a, len, 9);
    fill(dst_buf + b, len, 9);
    checks++;
    if (memcmp(src_buf + a, dst_buf + b, len) != 0)
        report("memcmp", len, a, b, "equal buffers differ");
    size_t step = len > 40 ? len / 13 : 1;
    for (size_t pos = 0; pos < len; pos += step) {
        unsigned char saved = dst_buf[b + pos];
        dst_buf[b + pos] = (unsigned char)(saved + 0x80); /* bytes above 0x7f compare unsigned */
        checks++;
        int got = sign(memcmp(src_buf + a, dst_buf + b, len));
        if (got != ref_memcmp(src_buf + a, dst_buf + b, len))
            report("memcmp", len, a, b, "wrong sign");
        checks++;
        if (sign(memcmp(dst_buf + b, src_buf + a, len)) != -got)
            report("memcmp", len, a, b, "not antisymmetric");
        dst_buf[b + pos] = saved;
    }
}

static void test_chr(size_t len, int a)
{
    unsigned char *p = src_buf + a;
    for (size_t i = 0; i < len; i++)
        p[i] = (unsigned char)(1 + i % 250);
    p[len] = 0xff;
    checks++;
    if (memchr(p, 0xff, len) != NULL || memchr(p, 0, len) != NULL)
        report("memchr", len, a, 0, "found a byte that is not there");
    size_t step = len > 40 ? len / 11 : 1;
    for (size_t pos = 0; pos < len; pos += step) {
        p[pos] = 0xfe;
        checks += 2;
        if (memchr(p, 0xfe, len) != p + pos)
            report("memchr", len, a, 0, "wrong position");
        if (memrchr(p, 0xfe, len) != p + pos)
            report("memrchr", len, a, 0, "wrong position");
        p[pos] = (unsigned char)(1 + pos % 250);
    }
}

static void test_page_edge(void)
{
    long page = 4096;
    unsigned char *m = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED || mprotect(m + page, page, PROT_NONE) != 0) {
        printf("cannot set up a guard page\n");
        return;
    }
    unsigned long edge_checks = 0, edge_fail = 0;
    for (size_t len = 0; len <= 200; len++) {
        unsigned char *p = m + page - len;
        memset(p, 'a', len);
        edge_checks++;
        edge_fail += memchr(p, 'b', len) != NULL;
        edge_fail += len && memchr(p, 'a', len) != p;
        edge_fail += memrchr(p, 'b', len) != NULL;
        edge_fail += memcmp(p, p, len) != 0;
        edge_fail += len && rawmemchr(p, 'a') != p;
        memcpy(dst_buf, p, len);
        edge_fail += ref_memcmp(dst_buf, p, len) != 0;
        memmove(p, p + (len > 0), len ? len - 1 : 0);
    }
    printf("page edge: %lu lengths, %lu failures\n", edge_checks, edge_fail);
    munmap(m, 2 * page);
}

static void test_memmem(void)
{
    const char *hay = "abababcabcabcdabcdeabcdefabcdefg-xyz-aaaaaaaaab-tail";
    static const char *needles[] = {"", "a", "abc", "abcd", "abcdefg", "g-x", "aaaab", "tail", "zzz", "ababc", "abcdefgh"};
    for (unsigned i = 0; i < sizeof needles / sizeof needles[0]; i++) {
        const char *r = memmem(hay, strlen(hay), needles[i], strlen(needles[i]));
        printf("memmem(\"%s\") = %ld\n", needles[i], r ? (long)(r - hay) : -1L);
    }
}

int main(void)
{
    for (size_t len = 0; len <= 300; len++)
        for (int sa = 0; sa < 16; sa++)
            for (int da = 0; da < 16; da += (len > 64 ? 5 : 1))
                test_copy(len, sa, da);
    for (unsigned i = 0; i < sizeof big_lengths / sizeof big_lengths[0]; i++)
        for (int sa = 0; sa < 16; sa += 3)
            test_copy(big_lengths[i], sa, 15 - sa);
    printf("copy: %lu checks, %lu failures\n", checks, failures);

    for (size_t len = 0; len <= 300; len++)
        for (int shift = -33; shift <= 33; shift++)
            test_move(len, shift);
    for (unsigned i = 0; i < sizeof big_lengths / sizeof big_lengths[0] - 3; i++)
        for (int shift = -20; shift <= 20; shift += 7)
            test_move(big_lengths[i], shift);
    printf("move: %lu checks, %lu failures\n", checks, failures);

    for (size_t len = 0; len <= 300; len++)
        for (int a = 0; a < 16; a++)
            test_set(len, a);
    for (unsigned i = 0; i < sizeof big_lengths / sizeof big_lengths[0]; i++)
        test_set(big_lengths[i] - 64, 3);
    printf("set: %lu checks, %lu failures\n", checks, failures);

    for (size_t len = 0; len <= 200; len++)
        for (int a = 0; a < 16; a += 3)
            for (int b = 0; b < 16; b += 5)
                test_cmp(len, a, b);
    for (unsigned i = 0; i < sizeof big_lengths / sizeof big_lengths[0]; i++)
        test_cmp(big_lengths[i] - 40, 1, 2);
    printf("cmp: %lu checks, %lu failures\n", checks, failures);

    for (size_t len = 0; len <= 300; len++)
        for (int a = 0; a < 32; a++)
            test_chr(len, a);
    printf("chr: %lu checks, %lu failures\n", checks, failures);

    test_page_edge();
    test_memmem();
    return failures != 0;
}
