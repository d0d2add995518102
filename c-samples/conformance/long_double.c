/* x87 long double (80-bit extended precision): arithmetic that keeps 64
 * mantissa bits, the limits (LDBL_EPSILON, LDBL_MAX, denormals), conversions
 * to and from 64-bit integers and doubles with rounding, comparisons with
 * NaN, printing with %La and %.25Lg, strtold, and the long double libm
 * functions (sqrtl, sinl, cosl, tanl, atanl, expl, logl, log2l, powl,
 * fmodl, remainderl, frexpl, ldexpl), each built on x87 instructions. */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static volatile long double vone = 1.0L, vthree = 3.0L, vten = 10.0L;

int main(void)
{
    printf("LDBL_MANT_DIG %d LDBL_DIG %d LDBL_MAX_EXP %d sizeof %zu\n", LDBL_MANT_DIG, LDBL_DIG, LDBL_MAX_EXP,
           sizeof(long double));
    printf("LDBL_EPSILON %La LDBL_MIN %La LDBL_MAX %La true min %La\n", LDBL_EPSILON, LDBL_MIN, LDBL_MAX,
           LDBL_MIN * LDBL_EPSILON);
    long double third = vone / vthree;
    printf("1/3 = %La = %.25Lg, 3*(1/3)-1 = %La\n", third, third, third * vthree - vone);
    long double acc = 0;
    for (int i = 1; i <= 1000; i++)
        acc += vone / (long double)i;
    printf("harmonic(1000) = %.21Lg\n", acc);
    long double f = 1;
    for (int i = 1; i <= 25; i++)
        f *= i;
    printf("25! = %.0Lf (exact in 64 bits of mantissa? %d)\n", f, f == 15511210043330985984000000.0L);
    long double x = vone + LDBL_EPSILON;
    printf("1 + eps > 1: %d, 1 + eps/2 == 1: %d, (double)(1+eps) == 1: %d\n", x > vone, vone + LDBL_EPSILON / 2 == vone,
           (double)x == 1.0);

    static const int64_t ints[] = {0, 1, -1, INT64_MAX, INT64_MIN, 0x7ffffffffffffc00LL, 9007199254740993LL, -123456789012345678LL};
    for (unsigned i = 0; i < sizeof ints / sizeof ints[0]; i++) {
        long double l = (long double)ints[i];
        double d = (double)ints[i];
        printf("int64 %lld -> long double %.0Lf back %lld; via double %.0f\n", (long long)ints[i], l, (long long)l, d);
    }
    uint64_t u = UINT64_MAX;
    printf("uint64 max -> %.0Lf -> %llu\n", (long double)u, (unsigned long long)(long double)u);
    static const long double halves[] = {0.5L, 1.5L, 2.5L, -2.5L, 4503599627370497.5L, 1e19L};
    for (unsigned i = 0; i < sizeof halves / sizeof halves[0]; i++)
        printf("%.3Lf: llrintl %lld lroundl %ld rintl %.1Lf truncl %.1Lf (long long) %lld\n", halves[i], llrintl(halves[i]),
               fabsl(halves[i]) < 2e9L ? lroundl(halves[i]) : 0L, rintl(halves[i]), truncl(halves[i]),
               fabsl(halves[i]) < 9e18L ? (long long)halves[i] : 0LL);

    long double nan = NAN, inf = INFINITY;
    printf("nan == nan %d, nan < 1 %d, inf > LDBL_MAX %d, -inf < -LDBL_MAX %d, isnan %d isinf %d signbit(-0) %d\n",
           nan == nan, nan < 1, inf > LDBL_MAX, -inf < -LDBL_MAX, isnan(nan) != 0, isinf(inf) != 0, signbit(-0.0L) != 0);
    printf("LDBL_MAX * 2 = %Lg, LDBL_MIN / 2^70 = %La\n", LDBL_MAX * 2, LDBL_MIN / 1180591620717411303424.0L);

    char *end;
    long double parsed = strtold("3.141592653589793238462643383279", &end);
    printf("strtold pi %La %.21Lg\n", parsed, parsed);
    for (long double v = 0.25L; v < 50; v *= 2.75L) {
        printf("v=%.21Lg\n", v);
        printf("  sqrtl %La cbrtl %La sinl %La cosl %La tanl %La atanl %La\n", sqrtl(v), cbrtl(v), sinl(v), cosl(v),
               tanl(v), atanl(v));
        printf("  expl %La expm1l %La logl %La log2l %La log10l %La log1pl %La\n", expl(v), expm1l(v), logl(v),
               log2l(v), log10l(v), log1pl(v));
        printf("  powl(v,1.5) %La powl(10,v) %La fmodl(1000,v) %La remainderl(1000,v) %La hypotl %La atan2l %La\n",
               powl(v, 1.5L), powl(vten, v), fmodl(1000.0L, v), remainderl(1000.0L, v), hypotl(v, vthree),
               atan2l(-v, vthree));
        int e;
        long double m = frexpl(v, &e);
        printf("  frexpl %La 2^%d ldexpl %La asinhl %La tgammal %La\n", m, e, ldexpl(m, e + 3), asinhl(v), tgammal(v));
    }
    printf("sinl(1e6) %La cosl(1e10) %La sinl(2^62) %La tanl(pi/2) %La\n", sinl(1e6L), cosl(1e10L), sinl(4611686018427387904.0L),
           tanl(1.5707963267948966192L));
    printf("fmodl(1e30, 7) %La remainderl(1e20, 3) %La fmodl(-7.5, 2) %La\n", fmodl(1e30L, 7.0L), remainderl(1e20L, 3.0L),
           fmodl(-7.5L, 2.0L));
    return 0;
}
