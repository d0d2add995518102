/* The floating-point environment: the four rounding modes (fesetround) and
 * their effect on x87 and SSE arithmetic, rint/nearbyint/lrint, conversions
 * and printf; the exception flags (FE_DIVBYZERO, FE_INVALID, FE_OVERFLOW,
 * FE_UNDERFLOW, FE_INEXACT) raised by real operations and by feraiseexcept,
 * tested and cleared; fegetenv/fesetenv, feholdexcept/feupdateenv and
 * fegetexceptflag/fesetexceptflag. */
#include <fenv.h>
#include <float.h>
#include <math.h>
#include <stdio.h>

static volatile double one = 1.0, three = 3.0, zero = 0.0, big = 1e308, tiny = 1e-308, third;
static volatile float fthree = 3.0f, fbig = 3e38f;

static void flags(const char *what)
{
    int f = fetestexcept(FE_ALL_EXCEPT);
    printf("%-34s flags:%s%s%s%s%s%s\n", what, f & FE_DIVBYZERO ? " DIVBYZERO" : "", f & FE_INVALID ? " INVALID" : "",
           f & FE_OVERFLOW ? " OVERFLOW" : "", f & FE_UNDERFLOW ? " UNDERFLOW" : "", f & FE_INEXACT ? " INEXACT" : "",
           f ? "" : " none");
    feclearexcept(FE_ALL_EXCEPT);
}

static void exceptions(void)
{
    feclearexcept(FE_ALL_EXCEPT);
    flags("cleared");
    volatile double r = one + one;
    flags("1 + 1 (exact)");
    r = one / three;
    flags("1 / 3 (x87 double)");
    r = one / zero;
    flags("1 / 0");
    r = zero / zero;
    flags("0 / 0");
    r = big * 10;
    flags("1e308 * 10");
    r = tiny / 1e10;
    flags("1e-308 / 1e10");
    r = sqrt(-one);
    flags("sqrt(-1)");
    r = log(zero);
    flags("log(0)");
    volatile float fr = fbig * fthree;
    flags("float 3e38 * 3 (stored as float)");
    fr = (float)(one / three);
    flags("(float)(1.0/3)");
    volatile int i = (int)(big);
    flags("(int)1e308");
    (void)r;
    (void)fr;
    (void)i;
    feraiseexcept(FE_OVERFLOW | FE_INEXACT);
    flags("feraiseexcept(OVERFLOW|INEXACT)");
    feraiseexcept(FE_DIVBYZERO);
    fexcept_t saved;
    fegetexceptflag(&saved, FE_ALL_EXCEPT);
    feclearexcept(FE_ALL_EXCEPT);
    fesetexceptflag(&saved, FE_DIVBYZERO);
    flags("fesetexceptflag(saved DIVBYZERO)");
}

static const char *mode_name(int m)
{
    return m == FE_TONEAREST ? "to-nearest" : m == FE_UPWARD ? "upward" : m == FE_DOWNWARD ? "downward" : m == FE_TOWARDZERO ? "toward-zero" : "?";
}

static void rounding(void)
{
    static const int modes[] = {FE_TONEAREST, FE_UPWARD, FE_DOWNWARD, FE_TOWARDZERO};
    static const double values[] = {2.5, -2.5, 3.5, 0.5, -0.5, 1.4999999999999998, 2.7, -2.7};
    for (unsigned m = 0; m < 4; m++) {
        int rc = fesetround(modes[m]);
        printf("mode %s (rc %d, fegetround matches %d)\n", mode_name(modes[m]), rc, fegetround() == modes[m]);
        third = one / three;
        volatile double neg_third = -one / three;
        volatile float fthird = (float)one / fthree;
        volatile long double lthird = 1.0L / (long double)three;
        printf("  1/3 = %a, -1/3 = %a, float 1/3 = %a, long double 1/3 = %La\n", third, neg_third, (double)fthird, lthird);
        printf("  sqrt(2) = %a, 1e308*10 = %g, -1e308*10 = %g, 0.1+0.2 = %a\n", sqrt(2.0 * one), big * 10, -big * 10,
               0.1 * one + 0.2);
        for (unsigned v = 0; v < sizeof values / sizeof values[0]; v++)
            printf("  %.17g: rint %g nearbyint %g lrint %ld llrint %lld round %g (int) %d\n", values[v], rint(values[v]),
                   nearbyint(values[v]), lrint(values[v]), llrint(values[v]), round(values[v]), (int)values[v]);
        printf("  printf of 2/3 with %%.3f: %.3f, of 0.125 with %%.2f: %.2f, (float)16777217 = %.1f\n",
               2 * third, 0.125 * one, (double)(float)(16777217 * one));
        printf("  exp(1) = %a, sin(1) = %a, pow(3,0.5) = %a\n", exp(one), sin(one), pow(three, 0.5));
    }
    fesetround(FE_TONEAREST);
    printf("fesetround(bad) = %d\n", fesetround(0x1234) != 0);
}

static void environments(void)
{
    fenv_t env;
    fesetround(FE_UPWARD);
    feraiseexcept(FE_INEXACT);
    fegetenv(&env);
    fesetround(FE_TONEAREST);
    feclearexcept(FE_ALL_EXCEPT);
    fesetenv(&env);
    printf("fesetenv restored mode %s\n", mode_name(fegetround()));
    flags("after fesetenv");
    fesetenv(FE_DFL_ENV);
    printf("FE_DFL_ENV mode %s\n", mode_name(fegetround()));
    fenv_t held;
    feraiseexcept(FE_UNDERFLOW);
    feholdexcept(&held);
    volatile double r = one / zero;
    (void)r;
    flags("inside feholdexcept, 1/0");
    feraiseexcept(FE_INVALID);
    feupdateenv(&held);
    flags("after feupdateenv");
    printf("FLT_ROUNDS %d FLT_EVAL_METHOD %d\n", FLT_ROUNDS, FLT_EVAL_METHOD);
}

int main(void)
{
    exceptions();
    rounding();
    environments();
    return 0;
}
