/* printf floating-point conversions: %f %e %g %a (and upper-case forms) over
 * doubles, floats promoted to double and long doubles; rounding to nearest
 * even at the last printed digit, widths, precisions, flags, and the special
 * values (infinities, NaN, signed zero, subnormals). */
#include <float.h>
#include <math.h>
#include <stdio.h>

static const double doubles[] = {
    0.0, -0.0, 1.0, -1.0, 0.5, 0.1, 0.2, 0.3, 1.0 / 3.0, 2.0 / 3.0, 3.14159265358979323846,
    2.718281828459045, 1e-300, 1e300, 123456789.125, 0.000123456, 1e21, 1e22, 9007199254740993.0,
    DBL_MAX, DBL_MIN, DBL_TRUE_MIN, DBL_EPSILON, 1.5, 2.5, 0.125, 0.375, 1e-5, 99999.95, 1e15 + 0.3,
};
#define NDOUBLES (sizeof doubles / sizeof doubles[0])

static void one(double d)
{
    printf("%f|%.0f|%.1f|%.3f|%.10f|%e|%.0e|%.3E|%.15e|%g|%.0g|%.3g|%.17g|%G|%#g|%#.0f|%a|%.3a|%A\n",
           d, d, d, d, d, d, d, d, d, d, d, d, d, d, d, d, d, d, d);
}

static void rounding(void)
{
    /* halfway cases at the printed precision: exact binary values round to even */
    static const double half[] = {0.5, 1.5, 2.5, 3.5, -0.5, -2.5, 0.125, 0.375, 0.625, 0.875, 1.25, 1.75, 2.675, 1.005, 1.0e-7 * 5};
    for (unsigned i = 0; i < sizeof half / sizeof half[0]; i++)
        printf("round %.17g -> %.0f %.1f %.2f %.0e %.1e\n", half[i], half[i], half[i], half[i], half[i], half[i]);
}

static void fields(void)
{
    double v = -12.3456;
    printf("[%12.3f][%-12.3f][%012.3f][%+.2f][% .2f][%+012.4e][%-+14.5g][%#14.5g][%014a]\n",
           v, v, v, -v, -v, v, v, v, v);
    for (int w = 0; w <= 20; w += 5)
        for (int p = 0; p <= 12; p += 4)
            printf("w=%d p=%d [%*.*f] [%*.*e] [%*.*g]\n", w, p, w, p, M_PI * 1000, w, p, M_E / 1000, w, p, 1.0 / 7.0);
}

static void specials(void)
{
    double inf = INFINITY, nan = NAN;
    printf("[%f][%F][%e][%E][%g][%G][%a][%A]\n", inf, inf, -inf, -inf, inf, -inf, inf, -inf);
    printf("[%f][%F][%e][%g][%10f][%-10f|][%+f][% f][%010f]\n", nan, nan, nan, nan, nan, inf, inf, inf, -inf);
    printf("[%f][%e][%g][%a][%+f][% f]\n", -0.0, -0.0, -0.0, -0.0, 0.0, 0.0);
    printf("subnormal %a %.3a %e %g\n", DBL_TRUE_MIN * 3, DBL_TRUE_MIN * 12345, DBL_MIN / 1024, DBL_MIN / 3);
}

static void floats(void)
{
    static const float fs[] = {0.1f, 1.0f / 3.0f, 16777217.0f, 3.4028235e38f, 1.17549435e-38f, 1e-45f, -2.5f};
    for (unsigned i = 0; i < sizeof fs / sizeof fs[0]; i++)
        printf("float %.9g %a %e %f\n", fs[i], fs[i], fs[i], fs[i]);
}

static void long_doubles(void)
{
    static const long double ls[] = {1.0L / 3.0L, 0.1L, 1e4000L, 1e-4000L, LDBL_MAX, LDBL_MIN, LDBL_EPSILON, -2.5L};
    for (unsigned i = 0; i < sizeof ls / sizeof ls[0]; i++)
        printf("long double %.21Lg %La %.25Le %.5Lf\n", ls[i], ls[i], ls[i], ls[i]);
}

static void powers(void)
{
    double p = 1.0;
    for (int i = 0; i < 40; i++) {
        printf("2^%d=%.0f 10^-%d=%.20g\n", i * 8, p, i, pow(10.0, -i));
        p *= 256.0;
    }
    printf("big %.0f\n", DBL_MAX);
}

int main(void)
{
    for (unsigned i = 0; i < NDOUBLES; i++) {
        one(doubles[i]);
        one(-doubles[i]);
    }
    rounding();
    fields();
    specials();
    floats();
    long_doubles();
    powers();
    return 0;
}
