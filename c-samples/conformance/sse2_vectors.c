/* SSE2 code, enabled for this file only with a target pragma (the rest of
 * the suite is plain i686): packed integer arithmetic, saturation, shuffles,
 * unpacks, compares and movemask, packed and scalar double/float math
 * (sqrt, min/max, conversions with every MXCSR rounding mode, truncation),
 * MXCSR exception flags, and a vectorised dot product and byte search checked
 * against scalar loops. The compiler also uses SSE for plain double math here. */
#pragma GCC target("sse2,fpmath=sse")
#include <emmintrin.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static void show_epi32(const char *name, __m128i v)
{
    int32_t x[4];
    _mm_storeu_si128((__m128i *)x, v);
    printf("%-14s %d %d %d %d\n", name, x[0], x[1], x[2], x[3]);
}
static void show_epi16(const char *name, __m128i v)
{
    int16_t x[8];
    _mm_storeu_si128((__m128i *)x, v);
    printf("%-14s", name);
    for (int i = 0; i < 8; i++)
        printf(" %d", x[i]);
    printf("\n");
}
static void show_epu8(const char *name, __m128i v)
{
    uint8_t x[16];
    _mm_storeu_si128((__m128i *)x, v);
    printf("%-14s", name);
    for (int i = 0; i < 16; i++)
        printf(" %02x", x[i]);
    printf("\n");
}
static void show_pd(const char *name, __m128d v)
{
    double x[2];
    _mm_storeu_pd(x, v);
    printf("%-14s %.17g %.17g\n", name, x[0], x[1]);
}

static void integers(void)
{
    __m128i a = _mm_setr_epi32(1, -2, 2147483647, -2147483647 - 1);
    __m128i b = _mm_setr_epi32(10, 20, 1, -1);
    show_epi32("add32", _mm_add_epi32(a, b));
    show_epi32("sub32", _mm_sub_epi32(a, b));
    show_epi32("mul_epu32", _mm_mul_epu32(a, b));
    show_epi32("cmpgt32", _mm_cmpgt_epi32(a, b));
    show_epi32("sll 3", _mm_slli_epi32(a, 3));
    show_epi32("sra 5", _mm_srai_epi32(a, 5));
    show_epi32("srl 5", _mm_srli_epi32(a, 5));
    show_epi32("shuffle 1032", _mm_shuffle_epi32(a, _MM_SHUFFLE(1, 0, 3, 2)));
    show_epi32("unpacklo", _mm_unpacklo_epi32(a, b));
    __m128i h = _mm_setr_epi16(32767, -32768, 1000, -1000, 0, 1, -1, 30000);
    __m128i k = _mm_setr_epi16(1, -1, 30000, -30000, 0, -1, 1, 30000);
    show_epi16("adds16", _mm_adds_epi16(h, k));
    show_epi16("subs16", _mm_subs_epi16(h, k));
    show_epi16("mullo16", _mm_mullo_epi16(h, k));
    show_epi16("mulhi16", _mm_mulhi_epi16(h, k));
    show_epi32("madd16", _mm_madd_epi16(h, k));
    show_epi16("max16", _mm_max_epi16(h, k));
    show_epi16("packs32", _mm_packs_epi32(a, b));
    __m128i bytes = _mm_setr_epi8(0, 1, 2, 127, -128, -1, 100, -100, 50, 60, 70, 80, 90, 110, 120, 125);
    __m128i more = _mm_set1_epi8(100);
    show_epu8("adds_epu8", _mm_adds_epu8(bytes, more));
    show_epu8("subs_epi8", _mm_subs_epi8(bytes, more));
    show_epu8("avg_epu8", _mm_avg_epu8(bytes, more));
    show_epu8("packus16", _mm_packus_epi16(h, k));
    show_epu8("slli_si128 3", _mm_slli_si128(bytes, 3));
    show_epu8("srli_si128 5", _mm_srli_si128(bytes, 5));
    show_epi16("sad_epu8", _mm_sad_epu8(bytes, more));
    printf("movemask_epi8 %04x cmpeq mask %04x\n", _mm_movemask_epi8(bytes),
           _mm_movemask_epi8(_mm_cmpeq_epi8(bytes, _mm_set1_epi8(100))));
    __m128i q = _mm_set_epi64x(0x0123456789abcdefLL, -5);
    __m128i r = _mm_add_epi64(q, _mm_set_epi64x(1, 10));
    int64_t out[2];
    _mm_storeu_si128((__m128i *)out, _mm_srli_epi64(r, 4));
    printf("epi64 add+srl %016llx %016llx\n", (unsigned long long)out[0], (unsigned long long)out[1]);
}

static void doubles(void)
{
    __m128d a = _mm_setr_pd(2.0, -0.5);
    __m128d b = _mm_setr_pd(3.0, 1e-300);
    show_pd("add", _mm_add_pd(a, b));
    show_pd("mul", _mm_mul_pd(a, b));
    show_pd("div", _mm_div_pd(a, b));
    show_pd("sqrt", _mm_sqrt_pd(_mm_setr_pd(2.0, 1e-310)));
    show_pd("min", _mm_min_pd(a, b));
    show_pd("max", _mm_max_pd(a, b));
    show_pd("unpackhi", _mm_unpackhi_pd(a, b));
    show_pd("shuffle", _mm_shuffle_pd(a, b, 1));
    printf("cmplt mask %d comieq %d ucomilt %d\n", _mm_movemask_pd(_mm_cmplt_pd(a, b)), _mm_comieq_sd(a, a),
           _mm_ucomilt_sd(a, b));
    __m128 f = _mm_setr_ps(1.5f, -2.5f, 1e30f, 3.0f);
    float fo[4];
    _mm_storeu_ps(fo, _mm_rsqrt_ps(_mm_setr_ps(4.0f, 16.0f, 1.0f, 0.25f)));
    printf("rsqrt_ps approx ok %d %d %d %d\n", fabsf(fo[0] - 0.5f) < 1e-3f, fabsf(fo[1] - 0.25f) < 1e-3f,
           fabsf(fo[2] - 1.0f) < 1e-3f, fabsf(fo[3] - 2.0f) < 1e-2f);
    _mm_storeu_ps(fo, _mm_mul_ps(f, f));
    printf("mul_ps %a %a %a %a\n", fo[0], fo[1], fo[2], fo[3]);
    _mm_storeu_ps(fo, _mm_cvtpd_ps(_mm_setr_pd(0.1, 1e300)));
    printf("cvtpd_ps %a %a\n", fo[0], fo[1]);
}

static void conversions(void)
{
    static const unsigned modes[] = {_MM_ROUND_NEAREST, _MM_ROUND_DOWN, _MM_ROUND_UP, _MM_ROUND_TOWARD_ZERO};
    static const char *names[] = {"nearest", "down", "up", "toward zero"};
    unsigned saved = _mm_getcsr();
    for (int m = 0; m < 4; m++) {
        _MM_SET_ROUNDING_MODE(modes[m]);
        /* volatile inputs: gcc would fold conversions of constants in round-to-nearest */
        volatile double in[3] = {2.5, -3.5, -0.5};
        volatile float fin[2] = {1.5f, 2.5f};
        __m128d v = _mm_setr_pd(in[0], in[1]);
        int32_t ints[4];
        _mm_storeu_si128((__m128i *)ints, _mm_cvtpd_epi32(v));
        volatile double one = 1.0, three = 3.0;
        printf("%-12s cvtpd_epi32 %d %d cvttpd %d cvtsd_si32(-0.5) %d cvtps(1.5,2.5) %d %d 1/3 %a\n", names[m], ints[0],
               ints[1], _mm_cvtsi128_si32(_mm_cvttpd_epi32(v)), _mm_cvtsd_si32(_mm_set_sd(in[2])),
               _mm_cvtss_si32(_mm_set_ss(fin[0])), _mm_cvtss_si32(_mm_set_ss(fin[1])), one / three);
    }
    _mm_setcsr(saved);
    printf("cvt of out-of-range double: %d (integer indefinite)\n", _mm_cvtsd_si32(_mm_set_sd(1e20)));
    _mm_setcsr(saved & ~0x3f);
    volatile double z = 0.0, one = 1.0, big = 1e308;
    volatile double r = one / z;
    printf("mxcsr flags after 1/0: %02x\n", _mm_getcsr() & 0x3f);
    _mm_setcsr(saved & ~0x3f);
    r = z / z;
    printf("mxcsr flags after 0/0: %02x\n", _mm_getcsr() & 0x3f);
    _mm_setcsr(saved & ~0x3f);
    r = big * big;
    printf("mxcsr flags after overflow: %02x\n", _mm_getcsr() & 0x3f);
    _mm_setcsr(saved & ~0x3f);
    r = one / 3;
    printf("mxcsr flags after 1/3: %02x\n", _mm_getcsr() & 0x3f);
    (void)r;
    _mm_setcsr(saved | 0x8040);
    volatile double denorm = 1e-310;
    printf("FTZ|DAZ: 1e-310 * 1 = %g, 1e-300 * 1e-10 = %g\n", denorm * one, 1e-300 * (one * 1e-10));
    _mm_setcsr(saved);
    printf("restored: 1e-310 * 1 = %g\n", denorm * one);
}

static double dot_sse(const double *a, const double *b, int n)
{
    __m128d acc = _mm_setzero_pd();
    int i = 0;
    for (; i + 2 <= n; i += 2)
        acc = _mm_add_pd(acc, _mm_mul_pd(_mm_loadu_pd(a + i), _mm_loadu_pd(b + i)));
    double parts[2];
    _mm_storeu_pd(parts, acc);
    double s = parts[0] + parts[1];
    for (; i < n; i++)
        s += a[i] * b[i];
    return s;
}

static int find_byte_sse(const unsigned char *p, int n, unsigned char c)
{
    __m128i needle = _mm_set1_epi8((char)c);
    int i = 0;
    for (; i + 16 <= n; i += 16) {
        int mask = _mm_movemask_epi8(_mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(p + i)), needle));
        if (mask)
            return i + __builtin_ctz(mask);
    }
    for (; i < n; i++)
        if (p[i] == c)
            return i;
    return -1;
}

static void kernels(void)
{
    static double a[1001], b[1001];
    for (int i = 0; i < 1001; i++) {
        a[i] = sin(i * 0.01);
        b[i] = 1.0 / (i + 1);
    }
    double s = 0;
    for (int i = 0; i < 1001; i++)
        s += a[i] * b[i];
    double v = dot_sse(a, b, 1001);
    printf("dot product scalar %.17g sse %.17g close %d\n", s, v, fabs(s - v) < 1e-12);
    static unsigned char hay[5000];
    for (int i = 0; i < 5000; i++)
        hay[i] = (unsigned char)(i % 251);
    int mismatches = 0;
    for (int c = 0; c < 256; c += 3) {
        const unsigned char *hit = memchr(hay, c, sizeof hay);
        mismatches += find_byte_sse(hay, sizeof hay, (unsigned char)c) != (hit ? (int)(hit - hay) : -1);
    }
    printf("byte search mismatches %d\n", mismatches);
}

int main(void)
{
    integers();
    doubles();
    conversions();
    kernels();
    return 0;
}
