/* SSE floating point with edge operands (zeros, denormals, the largest and
 * smallest numbers, infinities, quiet and signalling NaNs, values that round
 * or overflow an integer) under every MXCSR rounding mode and with DAZ/FTZ:
 * scalar and packed arithmetic, min/max, square roots, compares (cmpss
 * predicates, comiss/ucomiss flags), every conversion between float, double
 * and int32 (the integer indefinite on overflow), the approximations
 * (rcpss/rsqrtss), and when asked for: SSE3 horizontal and alternating
 * operations, SSE4.1 rounding (every immediate), dot products, blends and
 * insertps. Each line shows the result's bits and the exception flags MXCSR
 * gained (and EFLAGS for the compares). */
#include <stdint.h>
#include <string.h>
#include "cpu_features.h"

#pragma GCC target("sse2")

static const uint32_t F[] = {
    0x00000000, 0x80000000, 0x3f800000, 0xbf800000, 0x3fc00000, 0x3eaaaaab, /* 0 -0 1 -1 1.5 1/3 */
    0x00000001, 0x807fffff, 0x00800000, 0x7f7fffff, 0x7f800000, 0xff800000, /* denormals, min, max, inf */
    0x7fc00000, 0x7fa00000, 0xffc00001, 0x4f000000, 0xcf000001, 0x3f000000, /* qNaN sNaN -qNaN 2^31 <-2^31 0.5 */
    0x40200000, 0xc0200000, 0x501502f9, 0x4b800001,                         /* 2.5 -2.5 1e10 2^24+2 */
};
static const uint64_t D[] = {
    0, 0x8000000000000000ull, 0x3ff0000000000000ull, 0xbff0000000000000ull, 0x3ff8000000000000ull,
    0x3fd5555555555555ull, 0x0000000000000001ull, 0x800fffffffffffffull, 0x0010000000000000ull,
    0x7fefffffffffffffull, 0x7ff0000000000000ull, 0xfff0000000000000ull, 0x7ff8000000000000ull,
    0x7ff4000000000000ull, 0xfff8000000000001ull, 0x41e0000000000000ull, 0xc1e0000000200000ull,
    0x3fe0000000000000ull, 0x4004000000000000ull, 0xc004000000000000ull, 0x4202a05f20000000ull,
    0x36a0000000000000ull, /* a float underflow */
};
#define NF (sizeof F / sizeof *F)
#define ND (sizeof D / sizeof *D)
static const int32_t I[] = {0, 1, -1, 0x7fffffff, (int32_t)0x80000000, 16777217, -16777217, 123456789};
#define NI (sizeof I / sizeof *I)

/* round to nearest, down, up, toward zero; then nearest with FTZ and DAZ */
static const uint32_t MODES[] = {0x1f80, 0x3f80, 0x5f80, 0x7f80, 0x9fc0};
#define NMODES (sizeof MODES / sizeof *MODES)

typedef struct { uint32_t w[4]; } __attribute__((aligned(16))) v128;

static v128 splat32(uint32_t x, uint32_t y) { v128 v = {{x, y, x ^ 0x80000000u, y}}; return v; }
static v128 splat64(uint64_t x) { v128 v = {{(uint32_t)x, (uint32_t)(x >> 32), (uint32_t)x, (uint32_t)(x >> 32)}}; return v; }

/* One instruction on xmm0 (destination) and xmm1 (source), MXCSR set first;
 * returns the flags MXCSR gained and, in *fl, EFLAGS' ZF PF CF. */
#define OP(fn, insn)                                                                      \
    static uint32_t fn(v128 *d, const v128 *s, uint32_t mx, uint32_t *fl)                 \
    {                                                                                     \
        uint32_t out, flags;                                                              \
        asm volatile("ldmxcsr %3\n\tmovdqa (%1),%%xmm0\n\tmovdqa (%2),%%xmm1\n\t" insn "\n\t" \
                     "pushfl\n\tpopl %0\n\tmovdqa %%xmm0,(%1)\n\tstmxcsr %4"             \
                     : "=&r"(flags) : "r"(d), "r"(s), "m"(mx), "m"(out) : "xmm0", "xmm1", "memory", "cc"); \
        *fl = flags & 0x45;                                                               \
        asm volatile("ldmxcsr %0" : : "m"((uint32_t){0x1f80}));                           \
        return out & 0x3f;                                                                \
    }

OP(addss, "addss %%xmm1,%%xmm0") OP(subss, "subss %%xmm1,%%xmm0") OP(mulss, "mulss %%xmm1,%%xmm0")
OP(divss, "divss %%xmm1,%%xmm0") OP(minss, "minss %%xmm1,%%xmm0") OP(maxss, "maxss %%xmm1,%%xmm0")
OP(sqrtss, "sqrtss %%xmm1,%%xmm0") OP(addps, "addps %%xmm1,%%xmm0") OP(mulps, "mulps %%xmm1,%%xmm0")
OP(addsd, "addsd %%xmm1,%%xmm0") OP(subsd, "subsd %%xmm1,%%xmm0") OP(mulsd, "mulsd %%xmm1,%%xmm0")
OP(divsd, "divsd %%xmm1,%%xmm0") OP(minsd, "minsd %%xmm1,%%xmm0") OP(maxsd, "maxsd %%xmm1,%%xmm0")
OP(sqrtsd, "sqrtsd %%xmm1,%%xmm0") OP(addpd, "addpd %%xmm1,%%xmm0") OP(divpd, "divpd %%xmm1,%%xmm0")
OP(cmpss0, "cmpss $0,%%xmm1,%%xmm0") OP(cmpss1, "cmpss $1,%%xmm1,%%xmm0") OP(cmpss2, "cmpss $2,%%xmm1,%%xmm0")
OP(cmpss3, "cmpss $3,%%xmm1,%%xmm0") OP(cmpss4, "cmpss $4,%%xmm1,%%xmm0") OP(cmpss5, "cmpss $5,%%xmm1,%%xmm0")
OP(cmpss6, "cmpss $6,%%xmm1,%%xmm0") OP(cmpss7, "cmpss $7,%%xmm1,%%xmm0") OP(cmpsd1, "cmpsd $1,%%xmm1,%%xmm0")
OP(comiss, "comiss %%xmm1,%%xmm0") OP(ucomiss, "ucomiss %%xmm1,%%xmm0")
OP(comisd, "comisd %%xmm1,%%xmm0") OP(ucomisd, "ucomisd %%xmm1,%%xmm0")
OP(rcpss, "rcpss %%xmm1,%%xmm0") OP(rsqrtss, "rsqrtss %%xmm1,%%xmm0")
OP(cvtss2sd, "cvtss2sd %%xmm1,%%xmm0") OP(cvtsd2ss, "cvtsd2ss %%xmm1,%%xmm0")
OP(cvtps2pd, "cvtps2pd %%xmm1,%%xmm0") OP(cvtpd2ps, "cvtpd2ps %%xmm1,%%xmm0")
OP(cvtps2dq, "cvtps2dq %%xmm1,%%xmm0") OP(cvttps2dq, "cvttps2dq %%xmm1,%%xmm0")
OP(cvtpd2dq, "cvtpd2dq %%xmm1,%%xmm0") OP(cvttpd2dq, "cvttpd2dq %%xmm1,%%xmm0")
OP(cvtdq2ps, "cvtdq2ps %%xmm1,%%xmm0") OP(cvtdq2pd, "cvtdq2pd %%xmm1,%%xmm0")
OP(cvtss2si, "cvtss2si %%xmm1,%%eax\n\tmovd %%eax,%%xmm0") OP(cvttss2si, "cvttss2si %%xmm1,%%eax\n\tmovd %%eax,%%xmm0")
OP(cvtsd2si, "cvtsd2si %%xmm1,%%eax\n\tmovd %%eax,%%xmm0") OP(cvttsd2si, "cvttsd2si %%xmm1,%%eax\n\tmovd %%eax,%%xmm0")
OP(cvtsi2ss, "movd %%xmm1,%%eax\n\tcvtsi2ss %%eax,%%xmm0") OP(cvtsi2sd, "movd %%xmm1,%%eax\n\tcvtsi2sd %%eax,%%xmm0")

typedef uint32_t (*op_fn)(v128 *, const v128 *, uint32_t, uint32_t *);

static void line(const char *name, uint32_t mx, unsigned i, unsigned j, op_fn f, v128 d, v128 s, int words, int eflags)
{
    uint32_t fl;
    uint32_t gained = f(&d, &s, mx, &fl);
    printf("%s %04x %u %u ->", name, mx, i, j);
    for (int k = words - 1; k >= 0; k--) printf(" %08x", d.w[k]);
    printf(" mx %02x", gained);
    if (eflags) printf(" fl %02x", fl);
    printf("\n");
}

static void floats(uint32_t mx, int step)
{
    static const struct { const char *n; op_fn f; int words, fl; } ops[] = {
        {"addss", addss, 4, 0}, {"subss", subss, 1, 0}, {"mulss", mulss, 1, 0}, {"divss", divss, 1, 0},
        {"minss", minss, 1, 0}, {"maxss", maxss, 1, 0}, {"addps", addps, 4, 0}, {"mulps", mulps, 4, 0},
        {"cmpss0", cmpss0, 1, 0}, {"cmpss1", cmpss1, 1, 0}, {"cmpss2", cmpss2, 1, 0}, {"cmpss3", cmpss3, 1, 0},
        {"cmpss4", cmpss4, 1, 0}, {"cmpss5", cmpss5, 1, 0}, {"cmpss6", cmpss6, 1, 0}, {"cmpss7", cmpss7, 1, 0},
        {"comiss", comiss, 0, 1}, {"ucomiss", ucomiss, 0, 1},
    };
    for (unsigned k = 0; k < sizeof ops / sizeof *ops; k++)
        for (unsigned i = 0; i < NF; i++)
            for (unsigned j = 0; j < NF; j += step) line(ops[k].n, mx, i, j, ops[k].f, splat32(F[i], F[j]), splat32(F[j], F[i]), ops[k].words, ops[k].fl);
}

static void doubles(uint32_t mx, int step)
{
    static const struct { const char *n; op_fn f; int words, fl; } ops[] = {
        {"addsd", addsd, 4, 0}, {"subsd", subsd, 2, 0}, {"mulsd", mulsd, 2, 0}, {"divsd", divsd, 2, 0},
        {"minsd", minsd, 2, 0}, {"maxsd", maxsd, 2, 0}, {"addpd", addpd, 4, 0}, {"divpd", divpd, 4, 0},
        {"cmpsd1", cmpsd1, 2, 0}, {"comisd", comisd, 0, 1}, {"ucomisd", ucomisd, 0, 1},
    };
    for (unsigned k = 0; k < sizeof ops / sizeof *ops; k++)
        for (unsigned i = 0; i < ND; i++)
            for (unsigned j = 0; j < ND; j += step) {
                v128 a = splat64(D[i]), b = splat64(D[j]);
                b.w[2] = (uint32_t)D[i], b.w[3] = (uint32_t)(D[i] >> 32);
                line(ops[k].n, mx, i, j, ops[k].f, a, b, ops[k].words, ops[k].fl);
            }
}

static void unary(uint32_t mx)
{
    static const struct { const char *n; op_fn f; int words; char from; } ops[] = {
        {"sqrtss", sqrtss, 1, 'f'}, {"rcpss", rcpss, 1, 'f'}, {"rsqrtss", rsqrtss, 1, 'f'},
        {"cvtss2sd", cvtss2sd, 2, 'f'}, {"cvtps2pd", cvtps2pd, 4, 'f'}, {"cvtps2dq", cvtps2dq, 4, 'f'},
        {"cvttps2dq", cvttps2dq, 4, 'f'}, {"cvtss2si", cvtss2si, 1, 'f'}, {"cvttss2si", cvttss2si, 1, 'f'},
        {"sqrtsd", sqrtsd, 2, 'd'}, {"cvtsd2ss", cvtsd2ss, 1, 'd'}, {"cvtpd2ps", cvtpd2ps, 4, 'd'},
        {"cvtpd2dq", cvtpd2dq, 4, 'd'}, {"cvttpd2dq", cvttpd2dq, 4, 'd'}, {"cvtsd2si", cvtsd2si, 1, 'd'},
        {"cvttsd2si", cvttsd2si, 1, 'd'}, {"cvtdq2ps", cvtdq2ps, 4, 'i'}, {"cvtdq2pd", cvtdq2pd, 4, 'i'},
        {"cvtsi2ss", cvtsi2ss, 4, 'i'}, {"cvtsi2sd", cvtsi2sd, 4, 'i'},
    };
    for (unsigned k = 0; k < sizeof ops / sizeof *ops; k++) {
        unsigned n = ops[k].from == 'f' ? NF : ops[k].from == 'd' ? ND : NI;
        for (unsigned i = 0; i < n; i++) {
            v128 d = {{0x11111111, 0x22222222, 0x33333333, 0x44444444}}, s;
            if (ops[k].from == 'f') s = splat32(F[i], F[(i + 1) % NF]);
            else if (ops[k].from == 'd') { s = splat64(D[i]); s.w[2] = (uint32_t)D[(i + 3) % ND]; s.w[3] = (uint32_t)(D[(i + 3) % ND] >> 32); }
            else { v128 t = {{(uint32_t)I[i], (uint32_t)I[(i + 1) % NI], (uint32_t)I[(i + 2) % NI], (uint32_t)I[(i + 3) % NI]}}; s = t; }
            line(ops[k].n, mx, i, 0, ops[k].f, d, s, ops[k].words, 0);
        }
    }
}

#pragma GCC push_options
#pragma GCC target("sse3")
OP(addsubps, "addsubps %%xmm1,%%xmm0") OP(haddps, "haddps %%xmm1,%%xmm0") OP(hsubps, "hsubps %%xmm1,%%xmm0")
OP(addsubpd, "addsubpd %%xmm1,%%xmm0") OP(haddpd, "haddpd %%xmm1,%%xmm0") OP(hsubpd, "hsubpd %%xmm1,%%xmm0")
static void sse3(uint32_t mx)
{
    static const struct { const char *n; op_fn f; } ops[] = {
        {"addsubps", addsubps}, {"haddps", haddps}, {"hsubps", hsubps}, {"addsubpd", addsubpd}, {"haddpd", haddpd}, {"hsubpd", hsubpd},
    };
    for (unsigned k = 0; k < sizeof ops / sizeof *ops; k++)
        for (unsigned i = 0; i < NF; i++)
            for (unsigned j = 0; j < NF; j += 3) {
                int pd = k >= 3;
                v128 a = pd ? splat64(D[i % ND]) : splat32(F[i], F[j]), b = pd ? splat64(D[j % ND]) : splat32(F[j], F[(i + j) % NF]);
                line(ops[k].n, mx, i, j, ops[k].f, a, b, 4, 0);
            }
}
#pragma GCC pop_options

#pragma GCC push_options
#pragma GCC target("sse4.1")
#define ROUND(imm) OP(roundss##imm, "roundss $" #imm ",%%xmm1,%%xmm0") OP(roundsd##imm, "roundsd $" #imm ",%%xmm1,%%xmm0")
ROUND(0) ROUND(1) ROUND(2) ROUND(3) ROUND(4) ROUND(8) ROUND(9) ROUND(10) ROUND(11) ROUND(12)
OP(dpps_ff, "dpps $0xff,%%xmm1,%%xmm0") OP(dpps_71, "dpps $0x71,%%xmm1,%%xmm0") OP(dppd_31, "dppd $0x31,%%xmm1,%%xmm0")
OP(blendps, "blendps $5,%%xmm1,%%xmm0") OP(insertps, "insertps $0x9c,%%xmm1,%%xmm0")
OP(roundps4, "roundps $4,%%xmm1,%%xmm0") OP(roundpd1, "roundpd $1,%%xmm1,%%xmm0")
static void sse41(uint32_t mx)
{
    static const struct { const char *n; op_fn f; char kind; } ops[] = {
        {"roundss0", roundss0, 'f'}, {"roundss1", roundss1, 'f'}, {"roundss2", roundss2, 'f'}, {"roundss3", roundss3, 'f'},
        {"roundss4", roundss4, 'f'}, {"roundss8", roundss8, 'f'}, {"roundss9", roundss9, 'f'}, {"roundss10", roundss10, 'f'},
        {"roundss11", roundss11, 'f'}, {"roundss12", roundss12, 'f'}, {"roundps4", roundps4, 'f'},
        {"roundsd0", roundsd0, 'd'}, {"roundsd1", roundsd1, 'd'}, {"roundsd2", roundsd2, 'd'}, {"roundsd3", roundsd3, 'd'},
        {"roundsd4", roundsd4, 'd'}, {"roundsd8", roundsd8, 'd'}, {"roundsd9", roundsd9, 'd'}, {"roundsd10", roundsd10, 'd'},
        {"roundsd11", roundsd11, 'd'}, {"roundsd12", roundsd12, 'd'}, {"roundpd1", roundpd1, 'd'},
    };
    for (unsigned k = 0; k < sizeof ops / sizeof *ops; k++) {
        unsigned n = ops[k].kind == 'f' ? NF : ND;
        for (unsigned i = 0; i < n; i++) {
            v128 d = {{0x11111111, 0x22222222, 0x33333333, 0x44444444}};
            v128 s = ops[k].kind == 'f' ? splat32(F[i], F[(i + 5) % NF]) : splat64(D[i]);
            line(ops[k].n, mx, i, 0, ops[k].f, d, s, 4, 0);
        }
    }
    static const struct { const char *n; op_fn f; int pd; } two[] = {
        {"dpps_ff", dpps_ff, 0}, {"dpps_71", dpps_71, 0}, {"dppd_31", dppd_31, 1}, {"blendps", blendps, 0}, {"insertps", insertps, 0},
    };
    for (unsigned k = 0; k < sizeof two / sizeof *two; k++)
        for (unsigned i = 0; i < NF; i++)
            for (unsigned j = 0; j < NF; j += 2) {
                v128 a = two[k].pd ? splat64(D[i % ND]) : splat32(F[i], F[(i + 7) % NF]);
                v128 b = two[k].pd ? splat64(D[j % ND]) : splat32(F[j], F[(j + 3) % NF]);
                line(two[k].n, mx, i, j, two[k].f, a, b, 4, 0);
            }
}
#pragma GCC pop_options

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOFBF, 1 << 16);
    int want3 = wanted(argc, argv, "sse3"), want41 = wanted(argc, argv, "sse4.1");
    for (unsigned m = 0; m < NMODES; m++) {
        int step = m == 0 || m == NMODES - 1 ? 1 : 3;
        floats(MODES[m], step);
        doubles(MODES[m], step);
        unary(MODES[m]);
        if (want3) sse3(MODES[m]);
        if (want41) sse41(MODES[m]);
    }
    return 0;
}
