/* Integer ALU instructions with edge operands, at 8, 16 and 32 bits, with
 * the carry flag in set and clear: each line gives the operands, the result
 * and the flags the instruction defines (CF PF AF ZF SF OF; flags the
 * manuals leave undefined for an instruction are masked out).
 * add adc sub sbb cmp and or xor test inc dec neg not, then shifts and
 * rotates (shl shr sar rol ror rcl rcr shld shrd) with counts 0, 1, 2, 7, 8,
 * 9, 15, 16, 17, 31, 32 and 33. */
#include <stdint.h>
#include <stdio.h>

#define CF 0x001
#define PF 0x004
#define AF 0x010
#define ZF 0x040
#define SF 0x080
#define OF 0x800
#define ALL (CF | PF | AF | ZF | SF | OF)

static const uint32_t values[] = {
    0, 1, 2, 0x7f, 0x80, 0x81, 0xff, 0x100, 0x7fff, 0x8000, 0x8001, 0xffff, 0x10000,
    0x7fffffff, 0x80000000, 0x80000001, 0xfffffffe, 0xffffffff, 0x12345678, 0xdeadbeef, 0x0f0f0f0f,
};
#define NV (sizeof values / sizeof *values)
static const unsigned counts[] = {0, 1, 2, 7, 8, 9, 15, 16, 17, 31, 32, 33};
#define NC (sizeof counts / sizeof *counts)

typedef uint32_t (*binop)(uint32_t a, uint32_t b, uint32_t *flags);

/* Two-operand instructions: flags in (only CF matters), result and flags out. */
#define BIN(name, insn, suffix, cons, mod)                                                  \
    static uint32_t name(uint32_t a, uint32_t b, uint32_t *flags)                          \
    {                                                                                      \
        uint32_t f = *flags;                                                               \
        asm volatile("pushl %2\n\tpopfl\n\t" insn suffix " %" mod "3, %" mod "0\n\tpushfl\n\tpopl %1" \
                     : "+" cons(a), "=&r"(f) : "r"(f), cons(b) : "cc");                     \
        *flags = f;                                                                        \
        return a;                                                                          \
    }
#define BIN3(op) BIN(op##8, #op, "b", "q", "b") BIN(op##16, #op, "w", "r", "w") BIN(op##32, #op, "l", "r", "k")
BIN3(add) BIN3(adc) BIN3(sub) BIN3(sbb) BIN3(cmp) BIN3(and) BIN3(or) BIN3(xor) BIN3(test)

/* One-operand instructions. */
#define UN(name, insn, suffix, cons, mod)                                                   \
    static uint32_t name(uint32_t a, uint32_t b, uint32_t *flags)                          \
    {                                                                                      \
        (void)b;                                                                           \
        uint32_t f = *flags;                                                               \
        asm volatile("pushl %2\n\tpopfl\n\t" insn suffix " %" mod "0\n\tpushfl\n\tpopl %1"  \
                     : "+" cons(a), "=&r"(f) : "r"(f) : "cc");                              \
        *flags = f;                                                                        \
        return a;                                                                          \
    }
#define UN3(op) UN(op##8, #op, "b", "q", "b") UN(op##16, #op, "w", "r", "w") UN(op##32, #op, "l", "r", "k")
UN3(inc) UN3(dec) UN3(neg) UN3(not)

/* Shifts and rotates by %cl. */
#define SH(name, insn, suffix, cons, mod)                                                   \
    static uint32_t name(uint32_t a, uint32_t count, uint32_t *flags)                      \
    {                                                                                      \
        uint32_t f = *flags;                                                               \
        asm volatile("pushl %2\n\tpopfl\n\t" insn suffix " %%cl, %" mod "0\n\tpushfl\n\tpopl %1" \
                     : "+" cons(a), "=&r"(f) : "r"(f), "c"(count) : "cc");                  \
        *flags = f;                                                                        \
        return a;                                                                          \
    }
#define SH3(op) SH(op##8, #op, "b", "q", "b") SH(op##16, #op, "w", "r", "w") SH(op##32, #op, "l", "r", "k")
SH3(shl) SH3(shr) SH3(sar) SH3(rol) SH3(ror) SH3(rcl) SH3(rcr)

/* Double shifts: a is shifted, bits come in from b. */
#define DSH(name, insn, suffix, mod)                                                        \
    static uint32_t name(uint32_t a, uint32_t b, unsigned count, uint32_t *flags)           \
    {                                                                                      \
        uint32_t f = *flags;                                                               \
        asm volatile("pushl %2\n\tpopfl\n\t" insn suffix " %%cl, %" mod "3, %" mod "0\n\tpushfl\n\tpopl %1" \
                     : "+r"(a), "=&r"(f) : "r"(f), "r"(b), "c"(count) : "cc");              \
        *flags = f;                                                                        \
        return a;                                                                          \
    }
DSH(shld16, "shld", "w", "w") DSH(shld32, "shld", "l", "k") DSH(shrd16, "shrd", "w", "w") DSH(shrd32, "shrd", "l", "k")

static uint32_t widthmask(int bits) { return bits == 32 ? 0xffffffffu : (1u << bits) - 1; }

static void binary(const char *name, int bits, binop f, uint32_t defined)
{
    for (unsigned i = 0; i < NV; i++)
        for (unsigned j = 0; j < NV; j++)
            for (uint32_t cin = 0; cin <= 1; cin++) {
                uint32_t a = values[i] & widthmask(bits), b = values[j] & widthmask(bits);
                uint32_t flags = 0x202 | cin;
                uint32_t r = f(a, b, &flags) & widthmask(bits);
                printf("%s%d %x %x c%u -> %x %03x\n", name, bits, a, b, cin, r, flags & defined);
            }
}

static void unary(const char *name, int bits, binop f, uint32_t defined)
{
    for (unsigned i = 0; i < NV; i++)
        for (uint32_t cin = 0; cin <= 1; cin++) {
            uint32_t a = values[i] & widthmask(bits);
            uint32_t flags = 0x202 | cin | (i & 1 ? ZF | SF : 0);
            uint32_t r = f(a, 0, &flags) & widthmask(bits);
            printf("%s%d %x c%u -> %x %03x\n", name, bits, a, cin, r, flags & defined);
        }
}

enum kind { SHIFT, ROTATE, ROTATE_CARRY };

/* Which flags a shift or rotate defines for this count (after the CPU masks it to 5 bits). */
static uint32_t shift_defined(enum kind k, int bits, unsigned count)
{
    unsigned c = count & 31;
    if (c == 0) return ALL; /* nothing changes */
    if (k == SHIFT) {
        uint32_t d = PF | ZF | SF | (c == 1 ? OF : 0);
        if ((int)c < bits) d |= CF; /* CF is undefined once the count reaches the width */
        return d;
    }
    return CF | (c == 1 ? OF : 0);
}

static void shifts(const char *name, int bits, binop f, enum kind k)
{
    for (unsigned i = 0; i < NV; i++)
        for (unsigned n = 0; n < NC; n++)
            for (uint32_t cin = 0; cin <= 1; cin++) {
                uint32_t a = values[i] & widthmask(bits);
                uint32_t flags = 0x202 | cin;
                uint32_t r = f(a, counts[n], &flags) & widthmask(bits);
                printf("%s%d %x by %u c%u -> %x %03x\n", name, bits, a, counts[n], cin, r,
                       flags & shift_defined(k, bits, counts[n]));
            }
}

static void double_shifts(void)
{
    static const struct { const char *name; int bits; uint32_t (*f)(uint32_t, uint32_t, unsigned, uint32_t *); } ops[] = {
        {"shld", 16, shld16}, {"shld", 32, shld32}, {"shrd", 16, shrd16}, {"shrd", 32, shrd32},
    };
    for (unsigned o = 0; o < 4; o++)
        for (unsigned i = 0; i < NV; i += 2)
            for (unsigned j = 1; j < NV; j += 3)
                for (unsigned n = 0; n < NC; n++) {
                    int bits = ops[o].bits;
                    unsigned c = counts[n] & 31;
                    if (c > (unsigned)bits) continue; /* result and flags undefined */
                    uint32_t a = values[i] & widthmask(bits), b = values[j] & widthmask(bits);
                    uint32_t flags = 0x202;
                    uint32_t r = ops[o].f(a, b, counts[n], &flags) & widthmask(bits);
                    uint32_t defined = c == 0 ? ALL : CF | PF | ZF | SF | (c == 1 ? OF : 0);
                    if (c == (unsigned)bits) defined &= ~CF; /* CF undefined when count equals the width */
                    printf("%s%d %x %x by %u -> %x %03x\n", ops[o].name, bits, a, b, counts[n], r, flags & defined);
                }
}

int main(void)
{
    const struct { const char *name; binop f8, f16, f32; uint32_t defined; } bin[] = {
        {"add", add8, add16, add32, ALL}, {"adc", adc8, adc16, adc32, ALL}, {"sub", sub8, sub16, sub32, ALL},
        {"sbb", sbb8, sbb16, sbb32, ALL}, {"cmp", cmp8, cmp16, cmp32, ALL},
        {"and", and8, and16, and32, ALL & ~AF}, {"or", or8, or16, or32, ALL & ~AF},
        {"xor", xor8, xor16, xor32, ALL & ~AF}, {"test", test8, test16, test32, ALL & ~AF},
    };
    for (unsigned k = 0; k < sizeof bin / sizeof *bin; k++) {
        binary(bin[k].name, 8, bin[k].f8, bin[k].defined);
        binary(bin[k].name, 16, bin[k].f16, bin[k].defined);
        binary(bin[k].name, 32, bin[k].f32, bin[k].defined);
    }
    const struct { const char *name; binop f8, f16, f32; } un[] = {
        {"inc", inc8, inc16, inc32}, {"dec", dec8, dec16, dec32}, {"neg", neg8, neg16, neg32}, {"not", not8, not16, not32},
    };
    for (unsigned k = 0; k < sizeof un / sizeof *un; k++) {
        unary(un[k].name, 8, un[k].f8, ALL);
        unary(un[k].name, 16, un[k].f16, ALL);
        unary(un[k].name, 32, un[k].f32, ALL);
    }
    const struct { const char *name; binop f8, f16, f32; enum kind k; } sh[] = {
        {"shl", shl8, shl16, shl32, SHIFT}, {"shr", shr8, shr16, shr32, SHIFT}, {"sar", sar8, sar16, sar32, SHIFT},
        {"rol", rol8, rol16, rol32, ROTATE}, {"ror", ror8, ror16, ror32, ROTATE},
        {"rcl", rcl8, rcl16, rcl32, ROTATE_CARRY}, {"rcr", rcr8, rcr16, rcr32, ROTATE_CARRY},
    };
    for (unsigned k = 0; k < sizeof sh / sizeof *sh; k++) {
        shifts(sh[k].name, 8, sh[k].f8, sh[k].k);
        shifts(sh[k].name, 16, sh[k].f16, sh[k].k);
        shifts(sh[k].name, 32, sh[k].f32, sh[k].k);
    }
    double_shifts();
    return 0;
}
