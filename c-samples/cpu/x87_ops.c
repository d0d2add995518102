/* The x87 FPU with edge operands (zeros, denormals, the largest and
 * smallest numbers, infinities, quiet and signalling NaNs, unsupported
 * encodings, values that round): arithmetic, remainders, scaling,
 * fxtract, rounding to integer, square roots, the transcendental
 * instructions, comparisons (fcom, fucom, fcomi, ftst, fxam), loads and
 * stores in every format and rounding mode (float, double, int16/32/64,
 * fisttp, packed BCD), the constants under each rounding mode, precision
 * control, and the status word each leaves (C0-C3, SF and the exception
 * flags; TOP is not shown). Results are printed as sign/exponent.mantissa. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef struct { uint64_t m; uint16_t se; } __attribute__((packed)) f80;

static const f80 values[] = {
    {0x0000000000000000ull, 0x0000}, {0x0000000000000000ull, 0x8000}, /* +0 -0 */
    {0x8000000000000000ull, 0x3fff}, {0x8000000000000000ull, 0xbfff}, /* +1 -1 */
    {0xc000000000000000ull, 0x4000}, {0xaaaaaaaaaaaaaaabull, 0x3ffd}, /* 3 1/3 */
    {0xc90fdaa22168c235ull, 0x4000}, {0xb8aa3b295c17f0bcull, 0x3fff}, /* pi log2(e) */
    {0x0000000000000001ull, 0x0000}, {0x4000000000000000ull, 0x8000}, /* denormals */
    {0x8000000000000000ull, 0x0001}, {0xffffffffffffffffull, 0x7ffe}, /* min normal, max */
    {0x8000000000000000ull, 0x7fff}, {0x8000000000000000ull, 0xffff}, /* +inf -inf */
    {0xc000000000000000ull, 0x7fff}, {0xa000000000000000ull, 0x7fff}, /* qNaN sNaN */
    {0xc000000000000001ull, 0xffff}, {0x4000000000000000ull, 0x3fff}, /* -qNaN payload, unnormal */
    {0x8000000000000000ull, 0x403e}, {0xfffffffffffff800ull, 0x401d}, /* 2^63, 2^31-ish */
    {0xc000000000000000ull, 0x3ffe}, {0xa000000000000000ull, 0xc000}, /* 0.75 -2.5 */
    {0x8000000000000000ull, 0x4fff}, {0x8000000000000000ull, 0x3000}, /* huge, tiny */
};
#define NV (sizeof values / sizeof *values)

static void show(const f80 *x) { printf(" %04x.%016llx", x->se, (unsigned long long)x->m); }

#define SW_SHOWN 0x47ff /* C3 C2 C1 C0, ES, SF and the exception flags; not TOP, not B */

/* Two operands: st0 = a, st1 = b; the body leaves `keep` values (1 or 2). */
#define BIN(name, body, keep)                                                                \
    static void name(const f80 *a, const f80 *b, uint16_t cw, f80 *r, uint16_t *sw)        \
    {                                                                                      \
        f80 r2 = {0, 0};                                                                   \
        if (keep == 2)                                                                     \
            asm volatile("fninit\n\tfldcw %4\n\tfldt %3\n\tfldt %2\n\t" body "\n\tfnstsw %1\n\tfstpt %0\n\tfstpt %5\n\tfninit" \
                         : "=m"(*r), "=m"(*sw) : "m"(*a), "m"(*b), "m"(cw), "m"(r2) : "memory"); \
        else                                                                               \
            asm volatile("fninit\n\tfldcw %4\n\tfldt %3\n\tfldt %2\n\t" body "\n\tfnstsw %1\n\tfstpt %0\n\tfninit" \
                         : "=m"(*r), "=m"(*sw) : "m"(*a), "m"(*b), "m"(cw) : "memory");     \
        r[1] = r2;                                                                         \
    }

BIN(op_fadd, "faddp", 1) BIN(op_fsub, "fsubp %%st, %%st(1)", 1) BIN(op_fsubr, "fsubrp %%st, %%st(1)", 1)
BIN(op_fmul, "fmulp", 1) BIN(op_fdiv, "fdivp %%st, %%st(1)", 1) BIN(op_fdivr, "fdivrp %%st, %%st(1)", 1)
BIN(op_fprem, "fprem", 2) BIN(op_fprem1, "fprem1", 2) BIN(op_fscale, "fscale", 2)
BIN(op_fpatan, "fpatan", 1) BIN(op_fyl2x, "fyl2x", 1) BIN(op_fyl2xp1, "fyl2xp1", 1)
BIN(op_fcom, "fcom %%st(1)", 2) BIN(op_fucom, "fucom %%st(1)", 2)

/* One operand: st0 = a (b is loaded below it and stays). */
BIN(op_fsqrt, "fsqrt", 2) BIN(op_fabs, "fabs", 2) BIN(op_fchs, "fchs", 2) BIN(op_frndint, "frndint", 2)
BIN(op_fxtract, "fxtract", 2) BIN(op_f2xm1, "f2xm1", 2) BIN(op_fsin, "fsin", 2) BIN(op_fcos, "fcos", 2)
BIN(op_fptan, "fptan", 2) BIN(op_fsincos, "fsincos", 2) BIN(op_ftst, "ftst", 2) BIN(op_fxam, "fxam", 2)

typedef void (*binop)(const f80 *, const f80 *, uint16_t, f80 *, uint16_t *);

static void pairs(const char *name, binop f, uint16_t cw, int step)
{
    for (unsigned i = 0; i < NV; i++)
        for (unsigned j = 0; j < NV; j += step) {
            f80 r[2];
            uint16_t sw;
            f(&values[i], &values[j], cw, r, &sw);
            printf("%s cw%04x %u %u ->", name, cw, i, j);
            show(&r[0]);
            printf(" sw %04x\n", sw & SW_SHOWN);
        }
}

static void unary(const char *name, binop f, uint16_t cw, int results)
{
    for (unsigned i = 0; i < NV; i++) {
        f80 r[2];
        uint16_t sw;
        f(&values[i], &values[2], cw, r, &sw);
        printf("%s cw%04x %u ->", name, cw, i);
        show(&r[0]);
        if (results == 2) show(&r[1]);
        printf(" sw %04x\n", sw & SW_SHOWN);
    }
}

static void compares(void)
{
    for (unsigned i = 0; i < NV; i++)
        for (unsigned j = 0; j < NV; j++) {
            uint32_t fl1, fl2;
            uint16_t sw1, sw2;
            asm volatile("fninit\n\tfldt %5\n\tfldt %4\n\tfcomi %%st(1), %%st\n\tpushfl\n\tpopl %0\n\tfnstsw %1\n\tfninit"
                         : "=r"(fl1), "=m"(sw1) : "0"(0), "m"(sw1), "m"(values[i]), "m"(values[j]) : "cc", "memory");
            asm volatile("fninit\n\tfldt %5\n\tfldt %4\n\tfucomi %%st(1), %%st\n\tpushfl\n\tpopl %0\n\tfnstsw %1\n\tfninit"
                         : "=r"(fl2), "=m"(sw2) : "0"(0), "m"(sw2), "m"(values[i]), "m"(values[j]) : "cc", "memory");
            printf("fcomi %u %u -> %03x sw %04x fucomi %03x sw %04x\n", i, j, fl1 & 0x8d5, sw1 & SW_SHOWN, fl2 & 0x8d5, sw2 & SW_SHOWN);
        }
    uint16_t sw;
    asm volatile("fninit\n\tfxam\n\tfnstsw %0\n\tfninit" : "=m"(sw));
    printf("fxam empty -> sw %04x\n", sw & SW_SHOWN);
}

static void stores(uint16_t cw)
{
    for (unsigned i = 0; i < NV; i++) {
        float f;
        double d;
        int16_t i16;
        int32_t i32;
        int64_t i64;
        unsigned char bcd[10];
        uint16_t swf, swd, sw16, sw32, sw64, swb;
        const f80 *v = &values[i];
#define STORE(insn, out, sw) asm volatile("fninit\n\tfldcw %2\n\tfldt %3\n\t" insn " %0\n\tfnstsw %1\n\tfninit" : "=m"(out), "=m"(sw) : "m"(cw), "m"(*v) : "memory")
        STORE("fstps", f, swf);
        STORE("fstpl", d, swd);
        STORE("fistps", i16, sw16);
        STORE("fistpl", i32, sw32);
        STORE("fistpll", i64, sw64);
        STORE("fbstp", bcd, swb);
        uint32_t fb, db[2];
        memcpy(&fb, &f, 4);
        memcpy(db, &d, 8);
        printf("store cw%04x %u -> float %08x %04x double %08x%08x %04x int16 %04x %04x int32 %08x %04x int64 %016llx %04x bcd",
               cw, i, fb, swf & SW_SHOWN, db[1], db[0], swd & SW_SHOWN, (uint16_t)i16, sw16 & SW_SHOWN, (uint32_t)i32,
               sw32 & SW_SHOWN, (unsigned long long)i64, sw64 & SW_SHOWN);
        for (int k = 9; k >= 0; k--) printf("%02x", bcd[k]);
        printf(" %04x\n", swb & SW_SHOWN);
    }
}

/* fisttp (SSE3): truncating stores whatever the rounding mode */
__attribute__((target("sse3"))) static void truncating(void)
{
    for (unsigned i = 0; i < NV; i++) {
        int16_t t16;
        int32_t t32;
        int64_t t64;
        uint16_t s16, s32, s64;
        const f80 *v = &values[i];
        uint16_t cw = 0x037f;
        STORE("fisttps", t16, s16);
        STORE("fisttpl", t32, s32);
        STORE("fisttpll", t64, s64);
        printf("fisttp %u -> %04x %04x %08x %04x %016llx %04x\n", i, (uint16_t)t16, s16 & SW_SHOWN, (uint32_t)t32, s32 & SW_SHOWN,
               (unsigned long long)t64, s64 & SW_SHOWN);
    }
}

static void loads(void)
{
    static const uint32_t floats[] = {0x00000000, 0x80000000, 0x3f800000, 0x00000001, 0x807fffff, 0x7f800000,
                                      0xff800000, 0x7fc00000, 0x7fa00000, 0xffa00001, 0x7f7fffff};
    static const uint64_t doubles[] = {0, 0x8000000000000000ull, 0x3ff0000000000000ull, 1, 0x800fffffffffffffull,
                                       0x7ff0000000000000ull, 0x7ff8000000000000ull, 0x7ff4000000000000ull,
                                       0xfff0000000000001ull, 0x7fefffffffffffffull};
    for (unsigned i = 0; i < sizeof floats / sizeof *floats; i++) {
        f80 r;
        uint16_t sw;
        asm volatile("fninit\n\tflds %2\n\tfnstsw %1\n\tfstpt %0\n\tfninit" : "=m"(r), "=m"(sw) : "m"(floats[i]) : "memory");
        printf("fld float %08x ->", floats[i]);
        show(&r);
        printf(" sw %04x\n", sw & SW_SHOWN);
    }
    for (unsigned i = 0; i < sizeof doubles / sizeof *doubles; i++) {
        f80 r;
        uint16_t sw;
        asm volatile("fninit\n\tfldl %2\n\tfnstsw %1\n\tfstpt %0\n\tfninit" : "=m"(r), "=m"(sw) : "m"(doubles[i]) : "memory");
        printf("fld double %016llx ->", (unsigned long long)doubles[i]);
        show(&r);
        printf(" sw %04x\n", sw & SW_SHOWN);
    }
    static const int64_t ints[] = {0, 1, -1, 0x7fffffffffffffffll, (int64_t)0x8000000000000000ull, 123456789012345ll};
    for (unsigned i = 0; i < sizeof ints / sizeof *ints; i++) {
        f80 r;
        asm volatile("fninit\n\tfildll %1\n\tfstpt %0\n\tfninit" : "=m"(r) : "m"(ints[i]) : "memory");
        printf("fild int64 %lld ->", (long long)ints[i]);
        show(&r);
        printf("\n");
    }
    static const unsigned char bcds[][10] = {
        {0x21, 0x43, 0x65, 0x87, 0x09, 0, 0, 0, 0, 0}, {0x99, 0x99, 0x99, 0x99, 0x99, 0x99, 0x99, 0x99, 0x99, 0x80},
        {0, 0, 0, 0, 0, 0, 0, 0, 0, 0x80}, {0xfa, 0, 0, 0, 0, 0, 0, 0, 0, 0}, {0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0xff},
    };
    for (unsigned i = 0; i < sizeof bcds / sizeof *bcds; i++) {
        f80 r;
        uint16_t sw;
        asm volatile("fninit\n\tfbld %2\n\tfnstsw %1\n\tfstpt %0\n\tfninit" : "=m"(r), "=m"(sw) : "m"(bcds[i]) : "memory");
        printf("fbld %u ->", i);
        show(&r);
        printf(" sw %04x\n", sw & SW_SHOWN);
    }
}

static void constants(void)
{
    for (unsigned rc = 0; rc < 4; rc++) {
        uint16_t cw = 0x037f | (uint16_t)(rc << 10);
        f80 r[7];
        asm volatile("fninit\n\tfldcw %7\n\tfld1\n\tfstpt %0\n\tfldl2t\n\tfstpt %1\n\tfldl2e\n\tfstpt %2\n\tfldpi\n\tfstpt %3\n\t"
                     "fldlg2\n\tfstpt %4\n\tfldln2\n\tfstpt %5\n\tfldz\n\tfstpt %6\n\tfninit"
                     : "=m"(r[0]), "=m"(r[1]), "=m"(r[2]), "=m"(r[3]), "=m"(r[4]), "=m"(r[5]), "=m"(r[6]) : "m"(cw) : "memory");
        printf("constants rc%u:", rc);
        for (int k = 0; k < 7; k++) show(&r[k]);
        printf("\n");
    }
}

int main(void)
{
    static const uint16_t modes[] = {0x037f, 0x077f, 0x0b7f, 0x0f7f, 0x027f, 0x007f};
    const struct { const char *name; binop f; int step; } bin[] = {
        {"fadd", op_fadd, 1}, {"fsub", op_fsub, 1}, {"fsubr", op_fsubr, 3}, {"fmul", op_fmul, 1}, {"fdiv", op_fdiv, 1},
        {"fdivr", op_fdivr, 3}, {"fprem", op_fprem, 1}, {"fprem1", op_fprem1, 1}, {"fscale", op_fscale, 1},
        {"fpatan", op_fpatan, 2}, {"fyl2x", op_fyl2x, 2}, {"fyl2xp1", op_fyl2xp1, 2}, {"fcom", op_fcom, 1},
        {"fucom", op_fucom, 1},
    };
    for (unsigned k = 0; k < sizeof bin / sizeof *bin; k++) {
        pairs(bin[k].name, bin[k].f, 0x037f, bin[k].step);
        if (k < 6) for (unsigned m = 1; m < sizeof modes / sizeof *modes; m++) pairs(bin[k].name, bin[k].f, modes[m], 5);
    }
    const struct { const char *name; binop f; int results; } un[] = {
        {"fsqrt", op_fsqrt, 1}, {"fabs", op_fabs, 1}, {"fchs", op_fchs, 1}, {"frndint", op_frndint, 1},
        {"fxtract", op_fxtract, 2}, {"f2xm1", op_f2xm1, 1}, {"fsin", op_fsin, 1}, {"fcos", op_fcos, 1},
        {"fptan", op_fptan, 2}, {"fsincos", op_fsincos, 2}, {"ftst", op_ftst, 1}, {"fxam", op_fxam, 1},
    };
    for (unsigned k = 0; k < sizeof un / sizeof *un; k++)
        for (unsigned m = 0; m < (k == 3 || k == 0 ? 6u : 1u); m++) unary(un[k].name, un[k].f, modes[m], un[k].results);
    compares();
    for (unsigned m = 0; m < 4; m++) stores(modes[m]);
    truncating();
    loads();
    constants();
    return 0;
}
