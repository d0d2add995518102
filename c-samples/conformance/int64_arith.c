/* 64-bit integer arithmetic on a 32-bit target: division and remainder call
 * libgcc's __divdi3, __udivdi3, __moddi3 and __umoddi3 (and __udivmoddi4);
 * multiplication and shifts are inlined with carries across the two halves.
 * Edge cases: signs, INT64_MIN (but never INT64_MIN / -1), divisors that fit
 * in 32 bits or not, powers of two, and a checksum over a pseudo-random run. */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>

static int64_t sv[] = {0, 1, -1, 2, -2, 3, 7, -7, 10, 1000000007, -1000000007, 4294967295LL, 4294967296LL,
                       -4294967296LL, 4294967297LL, INT32_MAX, INT32_MIN, 0x123456789abcdefLL, -0x123456789abcdefLL,
                       INT64_MAX, INT64_MIN, INT64_MAX - 1, INT64_MIN + 1, 1LL << 62, -(1LL << 62)};
#define NSV (sizeof sv / sizeof sv[0])

/* volatile keeps the compiler from folding the divisions at compile time */
static volatile int64_t vs_a, vs_b;
static volatile uint64_t vu_a, vu_b;

static uint64_t state = 88172645463325252ULL;
static uint64_t xorshift64(void)
{
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
}

int main(void)
{
    for (unsigned i = 0; i < NSV; i++) {
        for (unsigned j = 0; j < NSV; j++) {
            if (sv[j] == 0 || (sv[i] == INT64_MIN && sv[j] == -1))
                continue;
            vs_a = sv[i];
            vs_b = sv[j];
            vu_a = (uint64_t)sv[i];
            vu_b = (uint64_t)sv[j];
            int64_t q = vs_a / vs_b, r = vs_a % vs_b;
            uint64_t uq = vu_a / vu_b, ur = vu_a % vu_b;
            int ok = q * vs_b + r == vs_a && uq * vu_b + ur == vu_a && ur < vu_b;
            printf("%" PRId64 " / %" PRId64 " = %" PRId64 " r %" PRId64 "; unsigned %" PRIu64 " r %" PRIu64 "%s\n",
                   vs_a, vs_b, q, r, uq, ur, ok ? "" : " IDENTITY BROKEN");
        }
    }
    for (int s = 0; s < 64; s += 5) {
        vs_a = -0x7edcba9876543210LL;
        vu_a = 0xfedcba9876543210ULL;
        printf("shift %2d: << %016" PRIx64 " >> %016" PRIx64 " >>> %016" PRIx64 " mul %016" PRIx64 "\n", s,
               vu_a << s, (uint64_t)(vs_a >> s), vu_a >> s, vu_a * (vu_a >> s));
    }
    uint64_t check = 0;
    unsigned long divs = 0;
    for (int i = 0; i < 200000; i++) {
        uint64_t a = xorshift64(), b = xorshift64() >> (xorshift64() % 64);
        if (b == 0)
            b = 1;
        int64_t sa = (int64_t)a, sb = (int64_t)b;
        if (i & 1)
            sb = -sb;
        if (sa == INT64_MIN && sb == -1)
            continue;
        check = check * 31 + a / b + a % b + (uint64_t)(sa / sb) + (uint64_t)(sa % sb);
        check ^= a * b + (a >> (i % 64)) + (uint64_t)(sa >> (i % 64));
        divs++;
    }
    printf("random divisions: %lu, checksum %016" PRIx64 "\n", divs, check);
    uint32_t h = 0xffffffffu, l = 0xfffffffeu;
    uint64_t wide = (uint64_t)h * l;
    printf("32x32->64: %" PRIu64 " high %u low %u\n", wide, (unsigned)(wide >> 32), (unsigned)wide);
    int64_t neg = (int64_t)INT32_MIN * INT32_MIN;
    printf("INT32_MIN^2 = %" PRId64 ", INT64_MAX+INT64_MIN = %" PRId64 "\n", neg, INT64_MAX + INT64_MIN);
    long double ld = (long double)INT64_MAX;
    double d = (double)(uint64_t)UINT64_MAX;
    printf("conversions: %" PRId64 " %" PRIu64 " %" PRId64 " %.1f %.1Lf\n", (int64_t)-1e18, (uint64_t)1.8e19,
           (int64_t)ld - 1, d, ld);
    return 0;
}
