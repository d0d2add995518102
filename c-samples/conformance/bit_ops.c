/* Bit manipulation as compiled for i686: __builtin_popcount/clz/ctz/ffs/
 * parity (32 and 64 bit; the 64-bit forms call libgcc helpers such as
 * __popcountdi2), byte swaps, rotates, shifts by variable counts across the
 * 32-bit halves of 64-bit values, sign extension, bit fields, and the
 * classic bit tricks, all against straightforward loop implementations. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <byteswap.h>

static int slow_popcount(uint64_t x)
{
    int n = 0;
    for (; x; x >>= 1)
        n += x & 1;
    return n;
}
static int slow_clz64(uint64_t x)
{
    int n = 0;
    for (uint64_t bit = 1ULL << 63; bit && !(x & bit); bit >>= 1)
        n++;
    return n;
}
static int slow_ctz64(uint64_t x)
{
    int n = 0;
    for (; !(x & 1); x >>= 1)
        n++;
    return n;
}
static uint32_t rotl32(uint32_t x, unsigned r) { return (x << (r & 31)) | (x >> ((32 - r) & 31)); }
static uint64_t rotr64(uint64_t x, unsigned r) { return (x >> (r & 63)) | (x << ((64 - r) & 63)); }
static uint32_t reverse_bits(uint32_t x)
{
    x = ((x >> 1) & 0x55555555u) | ((x & 0x55555555u) << 1);
    x = ((x >> 2) & 0x33333333u) | ((x & 0x33333333u) << 2);
    x = ((x >> 4) & 0x0f0f0f0fu) | ((x & 0x0f0f0f0fu) << 4);
    return __builtin_bswap32(x);
}

struct packed_flags {
    unsigned a : 1;
    unsigned b : 3;
    signed c : 5;
    unsigned d : 7;
    unsigned long long e : 40;
    signed long long f : 23;
};

int main(void)
{
    uint64_t x = 0x0123456789abcdefULL;
    unsigned mismatches = 0, checks = 0;
    for (int i = 0; i < 20000; i++) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        uint64_t v = x >> (i % 64);
        uint32_t w = (uint32_t)v;
        checks += 6;
        mismatches += __builtin_popcountll(v) != slow_popcount(v);
        mismatches += __builtin_popcount(w) != slow_popcount(w);
        mismatches += __builtin_parityll(v) != (slow_popcount(v) & 1);
        if (v) {
            mismatches += __builtin_clzll(v) != slow_clz64(v);
            mismatches += __builtin_ctzll(v) != slow_ctz64(v);
            mismatches += ffsll((long long)v) != slow_ctz64(v) + 1;
        }
    }
    printf("bit counting: %u checks, %u mismatches\n", checks, mismatches);

    static const uint32_t samples[] = {0, 1, 2, 3, 0x80000000u, 0xffffffffu, 0x12345678u, 0x00f000f0u, 0x7fffffffu};
    for (unsigned i = 0; i < sizeof samples / sizeof samples[0]; i++) {
        uint32_t s = samples[i];
        printf("%08x: popcount %2d clz %2d ctz %2d ffs %2d clrsb %2d parity %d bswap %08x rev %08x rotl7 %08x"
               " lowest %08x clear-lowest %08x pow2 %d\n",
               s, __builtin_popcount(s), s ? __builtin_clz(s) : -1, s ? __builtin_ctz(s) : -1, ffs((int)s),
               __builtin_clrsb((int)s), __builtin_parity(s), bswap_32(s), reverse_bits(s), rotl32(s, 7), s & -s,
               s & (s - 1), s && !(s & (s - 1)));
    }
    uint64_t big = 0xfedcba9876543210ULL;
    printf("bswap64 %016llx bswap16 %04x rotr64 by 0,1,31,32,33,63: %016llx %016llx %016llx %016llx %016llx %016llx\n",
           (unsigned long long)bswap_64(big), bswap_16(0xabcd), (unsigned long long)rotr64(big, 0),
           (unsigned long long)rotr64(big, 1), (unsigned long long)rotr64(big, 31), (unsigned long long)rotr64(big, 32),
           (unsigned long long)rotr64(big, 33), (unsigned long long)rotr64(big, 63));

    volatile int64_t neg = -0x123456789LL;
    volatile uint64_t pos = 0x8000000180000001ULL;
    for (int s = 0; s < 64; s += 9)
        printf("shift %2d: sar %016llx shr %016llx shl %016llx\n", s, (unsigned long long)(neg >> s),
               (unsigned long long)(pos >> s), (unsigned long long)(pos << s));
    volatile int8_t b = -100;
    volatile int16_t h = -30000;
    volatile uint8_t ub = 200;
    printf("sign extension: %d %d %lld %u %lld %d\n", b, h, (long long)b, (unsigned)ub, (long long)(int32_t)0x80000000u,
           (int)(int8_t)ub);

    struct packed_flags pf;
    memset(&pf, 0, sizeof pf);
    pf.a = 1;
    pf.b = 5;
    pf.c = -9;
    pf.d = 100;
    pf.e = 0xabcdef1234ULL;
    pf.f = -4000000;
    unsigned char raw[sizeof pf];
    memcpy(raw, &pf, sizeof pf);
    printf("bit fields: a %u b %u c %d d %u e %llx f %lld size %zu raw", pf.a, pf.b, pf.c, pf.d,
           (unsigned long long)pf.e, (long long)pf.f, sizeof pf);
    for (size_t i = 0; i < sizeof pf; i++)
        printf(" %02x", raw[i]);
    printf("\n");
    pf.c += 20; /* wraps within 5 bits */
    pf.d += 50; /* wraps within 7 bits */
    printf("after wrap: c %d d %u\n", pf.c, pf.d);

    unsigned long long mul = 0;
    for (unsigned i = 1; i < 64; i++)
        mul ^= (1ULL << i) * i >> (i / 2);
    printf("mixed shifts and multiplies: %016llx\n", mul);
    return mismatches != 0;
}
