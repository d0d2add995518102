/* libm: trigonometric, exponential, logarithmic and power functions,
 * rounding functions, fmod/remainder, hypot, atan2, frexp/ldexp/modf,
 * classification, and the float and long double variants, printed with
 * every significant digit (%.17g, %a) so a single wrong bit shows. Many of
 * glibc's i386 versions use x87 instructions (fsin, fpatan, fyl2x, f2xm1,
 * fscale, fprem, frndint), so this checks the emulated FPU closely. */
#include <float.h>
#include <math.h>
#include <stdio.h>

static const double xs[] = {0.0, -0.0, 1e-310, 1e-8, 0.1, 0.5, 0.7853981633974483, 1.0, 1.5707963267948966, 2.0,
                            2.5, 3.141592653589793, 10.0, 100.5, 1e6 + 0.25, 1e22, -0.3, -1.0, -7.25, -1000.125};
#define NX (sizeof xs / sizeof xs[0])

static void p(const char *name, double x, double r) { printf("%s(%.17g) = %.17g %a\n", name, x, r, r); }

static void unary(void)
{
    for (unsigned i = 0; i < NX; i++) {
        double x = xs[i];
        p("sin", x, sin(x));
        p("cos", x, cos(x));
        p("tan", x, tan(x));
        p("atan", x, atan(x));
        p("exp", x, exp(x / 8));
        p("expm1", x, expm1(x / 8));
        p("exp2", x, exp2(x / 4));
        p("sinh", x, sinh(x / 16));
        p("tanh", x, tanh(x));
        p("cbrt", x, cbrt(x));
        p("erf", x, erf(x / 4));
        if (x > 0) {
            p("log", x, log(x));
            p("log10", x, log10(x));
            p("log2", x, log2(x));
            p("log1p", x, log1p(x));
            p("sqrt", x, sqrt(x));
            p("lgamma", x, lgamma(x));
        }
        if (fabs(x) <= 1) {
            p("asin", x, asin(x));
            p("acos", x, acos(x));
        }
    }
}

static void rounding(void)
{
    static const double r[] = {0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4999999999999996, 0.49999999999999994,
                               1e15 + 0.5, 4503599627370497.0, -3.7, 3.7, 1e300, -0.0};
    for (unsigned i = 0; i < sizeof r / sizeof r[0]; i++) {
        double x = r[i];
        printf("%.17g: floor %.17g ceil %.17g round %.17g trunc %.17g rint %.17g nearbyint %.17g lrint %ld llround %lld\n",
               x, floor(x), ceil(x), round(x), trunc(x), rint(x), nearbyint(x),
               fabs(x) < 2e9 ? lrint(x) : 0L, fabs(x) < 9e18 ? llround(x) : 0LL);
    }
}

static void binary(void)
{
    static const double a[] = {1.0, -1.0, 3.0, 0.0, 1e300, 5.5, -7.0, 2.0, 10.0, 0.001};
    static const double b[] = {2.0, 3.0, -4.0, 1.0, 1e-300, 0.5, 2.5, 0.5, -0.3, 1000.0};
    for (unsigned i = 0; i < sizeof a / sizeof a[0]; i++) {
        double x = a[i], y = b[i];
        printf("x=%.17g y=%.17g\n", x, y);
        printf("  pow %.17g atan2 %.17g hypot %.17g fmod %.17g remainder %.17g\n", pow(fabs(x), y), atan2(x, y),
               hypot(x, y), fmod(x, y), remainder(x, y));
        printf("  fmin %.17g fmax %.17g fdim %.17g copysign %.17g nextafter %a fma %.17g\n", fmin(x, y), fmax(x, y),
               fdim(x, y), copysign(x, y), nextafter(x, y), fma(x, y, 0.1));
    }
    printf("pow(2, 0.5) %.17g pow(-8, 1/3.) %.17g pow(-2, 3) %.17g pow(0, -1) %.17g pow(10, 308) %.17g pow(10, 309) %.17g\n",
           pow(2, 0.5), pow(-8, 1 / 3.), pow(-2, 3), pow(0, -1), pow(10, 308), pow(10, 309));
    int q = 0;
    double rq = remquo(29.0, 3.0, &q);
    printf("remquo(29, 3) = %.17g quo %d\n", rq, q);
}

static void decompose(void)
{
    static const double v[] = {0.0, 1.0, 0.75, 1024.0, -3.0e-5, 1e300, 4.9406564584124654e-324, 123456.789};
    for (unsigned i = 0; i < sizeof v / sizeof v[0]; i++) {
        int e = 0;
        double m = frexp(v[i], &e);
        double ip = 0;
        double fp = modf(v[i], &ip);
        printf("frexp(%.17g) = %.17g * 2^%d; ldexp back %.17g; modf %.17g + %.17g; ilogb %d logb %.17g scalbn %.17g\n",
               v[i], m, e, ldexp(m, e), ip, fp, v[i] != 0 ? ilogb(v[i]) : 0, v[i] != 0 ? logb(v[i]) : 0.0,
               scalbn(v[i], -3));
    }
}

static void classify(void)
{
    static const double v[] = {0.0, -0.0, 1.0, INFINITY, -INFINITY, NAN, DBL_MIN, DBL_MIN / 2, DBL_MAX};
    static const char *names[] = {"FP_NAN", "FP_INFINITE", "FP_ZERO", "FP_SUBNORMAL", "FP_NORMAL"};
    for (unsigned i = 0; i < sizeof v / sizeof v[0]; i++) {
        double x = v[i];
        printf("%g: isnan %d isinf %d isfinite %d isnormal %d signbit %d fpclassify %s\n", x, isnan(x) != 0,
               isinf(x), isfinite(x) != 0, isnormal(x) != 0, signbit(x) != 0, names[fpclassify(x)]);
    }
    printf("sqrt(-1) isnan %d, log(0) = %g, log(-1) isnan %d, exp(1000) = %g, exp(-1000) = %g, 0/0 isnan %d\n",
           isnan(sqrt(-1.0)), log(0.0), isnan(log(-1.0)), exp(1000.0), exp(-1000.0), isnan(0.0 / xs[0]));
}

static void floats_and_long_doubles(void)
{
    for (float f = 0.125f; f < 40; f *= 2.5f)
        printf("f=%a sinf %a cosf %a expf %a logf %a powf %a sqrtf %a\n", f, sinf(f), cosf(f), expf(f / 4),
               logf(f), powf(f, 1.3f), sqrtf(f));
    for (long double x = 0.1L; x < 100; x *= 3)
        printf("x=%La sinl %La cosl %La expl %La logl %La sqrtl %La atan2l %La\n", x, sinl(x), cosl(x), expl(x),
               logl(x), sqrtl(x), atan2l(x, 2.0L));
}

int main(void)
{
    unary();
    rounding();
    binary();
    decompose();
    classify();
    floats_and_long_doubles();
    return 0;
}
