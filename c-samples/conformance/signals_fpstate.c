/* Floating point state across signal handlers: a handler starts with the
 * FPU in its initial state whatever the interrupted code had set, may do
 * x87 and SSE work and change both control words, and the interrupted code
 * goes on bit for bit as if nothing had happened. */
#include <fenv.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <emmintrin.h>

static volatile sig_atomic_t hits;
static volatile unsigned short handler_fcw;
static volatile unsigned handler_mxcsr;
static volatile long double sink;

static unsigned get_mxcsr(void)
{
    unsigned v;
    __asm__ volatile("stmxcsr %0" : "=m"(v));
    return v;
}

static void set_mxcsr(unsigned v) { __asm__ volatile("ldmxcsr %0" : : "m"(v)); }

__attribute__((target("sse2"))) static void clobber_sse(void)
{
    __m128d a = _mm_set_pd(1.5, -2.25), b = _mm_set_pd(3.0, 7.0);
    for (int i = 0; i < 8; i++) a = _mm_div_pd(_mm_add_pd(a, b), _mm_sqrt_pd(_mm_mul_pd(b, b)));
    double out[2];
    _mm_storeu_pd(out, a);
    sink += out[0] + out[1];
}

static void handler(int sig)
{
    (void)sig;
    unsigned short cw;
    __asm__ volatile("fnstcw %0" : "=m"(cw));
    handler_fcw = cw;
    handler_mxcsr = get_mxcsr();
    hits++;
    /* change both control words and fill the x87 stack */
    fesetround(FE_UPWARD);
    set_mxcsr(0x7f80 | (3 << 13)); /* flush to zero, round toward zero */
    long double x = 0.3L;
    for (int i = 0; i < 20; i++) x = sinl(x) * 1.0000001L + sqrtl(x + i);
    sink = x;
    clobber_sse();
    __asm__ volatile("fld1; fldpi; fldl2e; fldln2; fldz; fstp %%st(0); fstp %%st(0); fstp %%st(0); fstp %%st(0); fstp %%st(0)" ::: "memory");
}

/* x87 work that keeps values in registers across many iterations */
static long double x87_work(int n)
{
    long double a = 1.0L, b = 0.5L, c = 0.0L;
    for (int i = 1; i <= n; i++) {
        a = a * 1.000001L + b / i;
        b = b - a / (i + 3.0L);
        c += a * b;
    }
    return a + b + c;
}

__attribute__((target("sse2"))) static double sse_work(int n)
{
    __m128d acc = _mm_set_pd(1.0, 2.0), step = _mm_set_pd(1e-7, -3e-7);
    for (int i = 0; i < n; i++) acc = _mm_add_pd(_mm_mul_pd(acc, _mm_set1_pd(0.9999999)), step);
    double out[2];
    _mm_storeu_pd(out, acc);
    return out[0] * 3.0 + out[1];
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    signal(SIGUSR1, handler);
    signal(SIGALRM, handler);

    /* the handler's initial state, whatever main set */
    fesetround(FE_TOWARDZERO);
    unsigned mx = get_mxcsr();
    set_mxcsr(mx | 0x8040); /* FTZ and DAZ */
    raise(SIGUSR1);
    unsigned short cw;
    __asm__ volatile("fnstcw %0" : "=m"(cw));
    printf("handler started with FCW 0x%04x MXCSR 0x%04x\n", handler_fcw, handler_mxcsr);
    printf("main kept FCW 0x%04x (round toward zero %d) MXCSR FTZ|DAZ %d\n", cw, fegetround() == FE_TOWARDZERO,
           (get_mxcsr() & 0x8040) == 0x8040);
    fesetround(FE_TONEAREST);
    set_mxcsr(mx);

    static volatile int iterations = 300000;
    int n = iterations;
    long double ref87 = x87_work(n);
    double refsse = sse_work(n);

    struct itimerval it;
    memset(&it, 0, sizeof it);
    it.it_value.tv_usec = 500;
    it.it_interval.tv_usec = 500;
    hits = 0;
    setitimer(ITIMER_REAL, &it, NULL);
    int same87 = 1, samesse = 1;
    for (int round = 0; round < 4; round++) {
        long double r87 = x87_work(iterations);
        same87 &= memcmp(&r87, &ref87, 10) == 0;
        samesse &= sse_work(iterations) == refsse;
    }
    memset(&it, 0, sizeof it);
    setitimer(ITIMER_REAL, &it, NULL);
    printf("x87 results identical %d, SSE results identical %d, interrupted %d\n", same87, samesse, hits > 0);
    printf("rounding still to nearest %d\n", fegetround() == FE_TONEAREST);
    return 0;
}
