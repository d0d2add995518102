/* Bit-manipulation extensions, each family only when asked for (see
 * cpu_features.h): popcnt, lzcnt, movbe, BMI1 (andn bextr blsi blsmsk blsr
 * tzcnt), BMI2 (bzhi mulx pdep pext rorx sarx shlx shrx) and ADX (adcx
 * adox), over edge operands, with the flags each instruction defines. */
#include <stdint.h>
#include "cpu_features.h"

#define CF 0x001
#define PF 0x004
#define AF 0x010
#define ZF 0x040
#define SF 0x080
#define OF 0x800

static const uint32_t values[] = {
    0, 1, 2, 3, 0x80, 0xff, 0x100, 0x8000, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0x80000001,
    0xfffffffe, 0xffffffff, 0x12345678, 0xdeadbeef, 0x0f0f0f0f, 0xf0f0f0f0, 0x00ff00ff, 0x55555555,
};
#define NV (sizeof values / sizeof *values)
static const uint32_t controls[] = {0, 1, 4, 8, 31, 32, 33, 0x0804, 0x1008, 0x2000, 0x0410, 0xff00, 0x1f1f, 0x0a03, 0xffff};
#define NCTL (sizeof controls / sizeof *controls)

#define UNARY(name, insn)                                                                    \
    static uint32_t name(uint32_t a, uint32_t *f)                                          \
    {                                                                                      \
        uint32_t r = 0xcccccccc, fl;                                                       \
        asm("pushl $0x8d7\n\tpopfl\n\t" insn " %2, %0\n\tpushfl\n\tpopl %1" : "+&r"(r), "=&r"(fl) : "rm"(a) : "cc"); \
        *f = fl;                                                                           \
        return r;                                                                          \
    }
UNARY(popcnt32, "popcntl")
UNARY(lzcnt32, "lzcntl")
UNARY(tzcnt32, "tzcntl")
UNARY(blsi32, "blsil")
UNARY(blsmsk32, "blsmskl")
UNARY(blsr32, "blsrl")

static uint16_t lzcnt16(uint16_t a, uint32_t *f)
{
    uint16_t r = 0xcccc;
    uint32_t fl;
    asm("pushl $0x8d7\n\tpopfl\n\tlzcntw %2, %0\n\tpushfl\n\tpopl %1" : "+&r"(r), "=&r"(fl) : "rm"(a) : "cc");
    *f = fl;
    return r;
}

/* Three-operand forms: insn src2, src1, dest (AT&T order) */
#define TERNARY(name, insn)                                                                  \
    static uint32_t name(uint32_t a, uint32_t b, uint32_t *f)                              \
    {                                                                                      \
        uint32_t r, fl;                                                                    \
        asm("pushl $0x8d7\n\tpopfl\n\t" insn " %3, %2, %0\n\tpushfl\n\tpopl %1" : "=&r"(r), "=&r"(fl) : "r"(a), "r"(b) : "cc"); \
        *f = fl;                                                                           \
        return r;                                                                          \
    }
TERNARY(andn32, "andnl")   /* r = ~a & b */
TERNARY(bextr32, "bextrl") /* r = bits of a selected by b */
TERNARY(bzhi32, "bzhil")   /* r = a with bits from b[7:0] up cleared */
TERNARY(pdep32, "pdepl")   /* r = deposit a's low bits at b's mask */
TERNARY(pext32, "pextl")   /* r = extract a's bits at b's mask */
TERNARY(sarx32, "sarxl")   /* r = a >> b (arithmetic) */
TERNARY(shlx32, "shlxl")
TERNARY(shrx32, "shrxl")

static void line(const char *what, uint32_t a, uint32_t b, uint32_t r, uint32_t f)
{
    printf("%s %x %x -> %x %03x\n", what, a, b, r, f);
}

static void popcnt(void)
{
    for (unsigned i = 0; i < NV; i++) {
        uint32_t f, r = popcnt32(values[i], &f);
        line("popcnt", values[i], 0, r, f & (CF | PF | AF | ZF | SF | OF));
        uint16_t r16;
        asm("popcntw %1, %0" : "=r"(r16) : "r"((uint16_t)values[i]));
        printf("popcntw %x -> %x\n", (uint16_t)values[i], r16);
    }
}

static void lzcnt(void)
{
    for (unsigned i = 0; i < NV; i++) {
        uint32_t f, r = lzcnt32(values[i], &f);
        line("lzcnt", values[i], 0, r, f & (CF | ZF));
        uint16_t r16 = lzcnt16((uint16_t)values[i], &f);
        line("lzcntw", (uint16_t)values[i], 0, r16, f & (CF | ZF));
    }
}

static void movbe(void)
{
    for (unsigned i = 0; i < NV; i++) {
        uint32_t m = values[i], r;
        uint16_t m16 = (uint16_t)values[i], r16;
        asm("movbel %1, %0" : "=r"(r) : "m"(m));
        asm("movbew %1, %0" : "=r"(r16) : "m"(m16));
        uint32_t out;
        asm("movbel %1, %0" : "=m"(out) : "r"(values[i]));
        printf("movbe %x -> %x %x %x\n", values[i], r, r16, out);
    }
}

static void bmi1(void)
{
    for (unsigned i = 0; i < NV; i++) {
        uint32_t f, a = values[i], r;
        r = tzcnt32(a, &f);
        line("tzcnt", a, 0, r, f & (CF | ZF));
        r = blsi32(a, &f);
        line("blsi", a, 0, r, f & (CF | ZF | SF | OF));
        r = blsmsk32(a, &f);
        line("blsmsk", a, 0, r, f & (CF | ZF | SF | OF));
        r = blsr32(a, &f);
        line("blsr", a, 0, r, f & (CF | ZF | SF | OF));
        for (unsigned j = 0; j < NV; j += 2) {
            r = andn32(a, values[j], &f);
            line("andn", a, values[j], r, f & (CF | ZF | SF | OF));
        }
        for (unsigned c = 0; c < NCTL; c++) {
            r = bextr32(a, controls[c], &f);
            line("bextr", a, controls[c], r, f & (CF | ZF | OF));
        }
    }
}

static void bmi2(void)
{
    for (unsigned i = 0; i < NV; i++) {
        uint32_t f, a = values[i], r;
        for (unsigned c = 0; c < NCTL; c++) {
            r = bzhi32(a, controls[c], &f);
            line("bzhi", a, controls[c], r, f & (CF | ZF | SF | OF));
            r = sarx32(a, controls[c], &f);
            line("sarx", a, controls[c], r, f & (CF | PF | AF | ZF | SF | OF)); /* flags unchanged */
            r = shlx32(a, controls[c], &f);
            line("shlx", a, controls[c], r, 0);
            r = shrx32(a, controls[c], &f);
            line("shrx", a, controls[c], r, 0);
        }
        for (unsigned j = 0; j < NV; j++) {
            r = pdep32(a, values[j], &f);
            line("pdep", a, values[j], r, f & (CF | PF | AF | ZF | SF | OF));
            r = pext32(a, values[j], &f);
            line("pext", a, values[j], r, f & (CF | PF | AF | ZF | SF | OF));
            uint32_t lo, hi;
            asm("mulxl %3, %0, %1" : "=&r"(lo), "=&r"(hi) : "d"(a), "r"(values[j]));
            line("mulx", a, values[j], hi, lo);
        }
        static const unsigned rot[] = {0, 1, 7, 16, 31};
        uint32_t r0, r1, r7, r16, r31;
        asm("rorxl $0, %5, %0\n\trorxl $1, %5, %1\n\trorxl $7, %5, %2\n\trorxl $16, %5, %3\n\trorxl $31, %5, %4"
            : "=&r"(r0), "=&r"(r1), "=&r"(r7), "=&r"(r16), "=&r"(r31) : "r"(a));
        printf("rorx %x by %u %u %u %u %u -> %x %x %x %x %x\n", a, rot[0], rot[1], rot[2], rot[3], rot[4], r0, r1, r7, r16, r31);
    }
}

static void adx(void)
{
    for (unsigned i = 0; i < NV; i++)
        for (unsigned j = 0; j < NV; j += 3)
            for (uint32_t fin = 0; fin < 4; fin++) {
                uint32_t a = values[i], b = values[j], fl = 0x202 | (fin & 1 ? CF : 0) | (fin & 2 ? OF : 0);
                uint32_t c = a, o = a, fc, fo;
                asm("pushl %2\n\tpopfl\n\tadcxl %3, %0\n\tpushfl\n\tpopl %1" : "+r"(c), "=&r"(fc) : "r"(fl), "r"(b) : "cc");
                asm("pushl %2\n\tpopfl\n\tadoxl %3, %0\n\tpushfl\n\tpopl %1" : "+r"(o), "=&r"(fo) : "r"(fl), "r"(b) : "cc");
                printf("adcx/adox %x %x f%u -> %x %03x %x %03x\n", a, b, fin, c, fc & (CF | PF | AF | ZF | SF | OF), o, fo & (CF | PF | AF | ZF | SF | OF));
            }
}

int main(int argc, char **argv)
{
    if (wanted(argc, argv, "popcnt")) popcnt();
    if (wanted(argc, argv, "lzcnt")) lzcnt();
    if (wanted(argc, argv, "movbe")) movbe();
    if (wanted(argc, argv, "bmi1")) bmi1();
    if (wanted(argc, argv, "bmi2")) bmi2();
    if (wanted(argc, argv, "adx")) adx();
    return 0;
}
