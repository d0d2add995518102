/* Integer instructions beyond add and shift, with edge operands: mul and
 * imul in every form (CF/OF), div and idiv including the divide errors
 * (SIGFPE, FPE_INTDIV), the BCD adjustments (daa das aaa aas aam aad over
 * every AL with AF/CF in), bt/bts/btr/btc on registers and on memory with
 * bit offsets outside the addressed dword, bsf/bsr, bswap, xchg, cmpxchg,
 * xadd, cmpxchg8b, setcc and cmovcc over every flag combination, cbw/cwde/
 * cwd/cdq, movsx/movzx, and the string instructions with rep prefixes in
 * both directions. Undefined flags are masked out. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define CF 0x001
#define PF 0x004
#define AF 0x010
#define ZF 0x040
#define SF 0x080
#define OF 0x800
#define ALL (CF | PF | AF | ZF | SF | OF)

static const uint32_t values[] = {
    0, 1, 2, 3, 7, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x10000, 0x7fffffff,
    0x80000000, 0x80000001, 0xfffffffe, 0xffffffff, 0x12345678, 0xdeadbeef,
};
#define NV (sizeof values / sizeof *values)

static void mul_forms(void)
{
    for (unsigned i = 0; i < NV; i++)
        for (unsigned j = 0; j < NV; j++) {
            uint32_t a = values[i], b = values[j], lo, hi, f;
            asm("mull %3\n\tpushfl\n\tpopl %2" : "=a"(lo), "=d"(hi), "=r"(f) : "r"(b), "a"(a) : "cc");
            printf("mul32 %x %x -> %x:%x %03x\n", a, b, hi, lo, f & (CF | OF));
            asm("imull %3\n\tpushfl\n\tpopl %2" : "=a"(lo), "=d"(hi), "=r"(f) : "r"(b), "a"(a) : "cc");
            printf("imul32 %x %x -> %x:%x %03x\n", a, b, hi, lo, f & (CF | OF));
            uint16_t a16 = (uint16_t)a, b16 = (uint16_t)b, lo16, hi16;
            asm("mulw %3\n\tpushfl\n\tpopl %2" : "=a"(lo16), "=d"(hi16), "=r"(f) : "r"(b16), "a"(a16) : "cc");
            printf("mul16 %x %x -> %x:%x %03x\n", a16, b16, hi16, lo16, f & (CF | OF));
            asm("imulw %3\n\tpushfl\n\tpopl %2" : "=a"(lo16), "=d"(hi16), "=r"(f) : "r"(b16), "a"(a16) : "cc");
            printf("imul16 %x %x -> %x:%x %03x\n", a16, b16, hi16, lo16, f & (CF | OF));
            uint8_t a8 = (uint8_t)a, b8 = (uint8_t)b;
            uint16_t ax;
            asm("mulb %2\n\tpushfl\n\tpopl %1" : "=a"(ax), "=r"(f) : "q"(b8), "a"(a8) : "cc");
            printf("mul8 %x %x -> %x %03x\n", a8, b8, ax, f & (CF | OF));
            asm("imulb %2\n\tpushfl\n\tpopl %1" : "=a"(ax), "=r"(f) : "q"(b8), "a"(a8) : "cc");
            printf("imul8 %x %x -> %x %03x\n", a8, b8, ax, f & (CF | OF));
            uint32_t r = a;
            asm("imull %2, %0\n\tpushfl\n\tpopl %1" : "+r"(r), "=r"(f) : "r"(b) : "cc");
            printf("imul2 %x %x -> %x %03x\n", a, b, r, f & (CF | OF));
            asm("imull $-3, %2, %0\n\tpushfl\n\tpopl %1" : "=r"(r), "=r"(f) : "r"(a) : "cc");
            printf("imul3 %x -3 -> %x %03x\n", a, r, f & (CF | OF));
            uint16_t r16 = (uint16_t)a;
            asm("imulw $0x7fff, %2, %0\n\tpushfl\n\tpopl %1" : "=r"(r16), "=r"(f) : "r"((uint16_t)a) : "cc");
            printf("imul3w %x 7fff -> %x %03x\n", (uint16_t)a, r16, f & (CF | OF));
        }
}

static sigjmp_buf env;
static volatile int faults;
static void on_fpe(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    printf("  SIGFPE(%d) code %d\n", sig, si->si_code);
    faults++;
    siglongjmp(env, 1);
}

static void divisions(void)
{
    static const uint32_t dividends_hi[] = {0, 1, 0x7fffffff, 0x80000000, 0xffffffff};
    for (unsigned h = 0; h < 5; h++)
        for (unsigned i = 0; i < NV; i += 2)
            for (unsigned j = 0; j < NV; j++) {
                volatile uint32_t hi = dividends_hi[h], lo = values[i], d = values[j];
                uint32_t q, r;
                printf("div32 %x:%x / %x", hi, lo, d);
                fflush(stdout);
                if (sigsetjmp(env, 1) == 0) {
                    asm volatile("divl %4" : "=a"(q), "=d"(r) : "a"(lo), "d"(hi), "r"(d) : "cc");
                    printf(" -> %x r %x\n", q, r);
                } else {
                    printf(" faulted\n");
                }
                printf("idiv32 %x:%x / %x", hi, lo, d);
                fflush(stdout);
                if (sigsetjmp(env, 1) == 0) {
                    asm volatile("idivl %4" : "=a"(q), "=d"(r) : "a"(lo), "d"(hi), "r"(d) : "cc");
                    printf(" -> %x r %x\n", q, r);
                } else {
                    printf(" faulted\n");
                }
            }
    for (unsigned i = 0; i < NV; i++)
        for (unsigned j = 0; j < NV; j++) {
            volatile uint16_t ax = (uint16_t)values[i];
            volatile uint8_t d8 = (uint8_t)values[j];
            uint16_t out;
            printf("div8 %x / %x", ax, d8);
            fflush(stdout);
            if (sigsetjmp(env, 1) == 0) {
                asm volatile("divb %2" : "=a"(out) : "a"(ax), "q"(d8) : "cc");
                printf(" -> %x\n", out);
            } else {
                printf(" faulted\n");
            }
            printf("idiv16 %x:%x / %x", (uint16_t)values[j], ax, (uint16_t)values[NV - 1 - j]);
            fflush(stdout);
            if (sigsetjmp(env, 1) == 0) {
                uint16_t q, r;
                volatile uint16_t dd = (uint16_t)values[NV - 1 - j];
                asm volatile("idivw %4" : "=a"(q), "=d"(r) : "a"(ax), "d"((uint16_t)values[j]), "r"(dd) : "cc");
                printf(" -> %x r %x\n", q, r);
            } else {
                printf(" faulted\n");
            }
        }
}

/* BCD: every AL, every AF/CF combination. */
#define BCD(name, insn, defined)                                                             \
    static void name(void)                                                                 \
    {                                                                                      \
        for (unsigned al = 0; al < 256; al++)                                              \
            for (unsigned fl = 0; fl < 4; fl++) {                                          \
                uint32_t eax = 0x1200 | al, f = 0x202 | (fl & 1 ? CF : 0) | (fl & 2 ? AF : 0); \
                asm("pushl %1\n\tpopfl\n\t" insn "\n\tpushfl\n\tpopl %1" : "+a"(eax), "+r"(f) :: "cc"); \
                printf(#name " %02x %c%c -> %04x %03x\n", al, fl & 1 ? 'C' : '-', fl & 2 ? 'A' : '-', eax & 0xffff, f & (defined)); \
            }                                                                              \
    }
BCD(daa, "daa", CF | AF | SF | ZF | PF)
BCD(das, "das", CF | AF | SF | ZF | PF)
BCD(aaa, "aaa", CF | AF)
BCD(aas, "aas", CF | AF)
BCD(aam10, "aam", SF | ZF | PF)
BCD(aam7, ".byte 0xd4, 0x07", SF | ZF | PF)
BCD(aad10, "aad", SF | ZF | PF)
BCD(aad3, ".byte 0xd5, 0x03", SF | ZF | PF)

static void bit_ops(void)
{
    static const int32_t offsets[] = {0, 1, 31, 32, 33, 63, 64, 100, -1, -32, -33, -100};
    for (unsigned i = 0; i < NV; i++)
        for (unsigned k = 0; k < sizeof offsets / sizeof *offsets; k++) {
            uint32_t v = values[i], f;
            int32_t off = offsets[k];
            /* register forms use the offset modulo 32 */
            uint32_t r = v;
            asm("btl %2, %0\n\tpushfl\n\tpopl %1" : "+r"(r), "=r"(f) : "r"(off) : "cc");
            printf("bt %x %d -> %03x", v, off, f & CF);
            r = v;
            asm("btsl %2, %0\n\tpushfl\n\tpopl %1" : "+r"(r), "=r"(f) : "r"(off) : "cc");
            printf(" bts %x %03x", r, f & CF);
            r = v;
            asm("btrl %2, %0\n\tpushfl\n\tpopl %1" : "+r"(r), "=r"(f) : "r"(off) : "cc");
            printf(" btr %x %03x", r, f & CF);
            r = v;
            asm("btcl %2, %0\n\tpushfl\n\tpopl %1" : "+r"(r), "=r"(f) : "r"(off) : "cc");
            printf(" btc %x %03x\n", r, f & CF);
            /* memory forms address the bit string around the operand */
            uint32_t mem[8] = {0x11111111, 0x22222222, 0x44444444, v, ~v, 0x88888888, 0xf0f0f0f0, 0x0f0f0f0f};
            asm("btsl %2, %0\n\tpushfl\n\tpopl %1" : "+m"(mem[3]), "=r"(f) : "r"(off) : "cc", "memory");
            printf("  mem bts %d: %03x", off, f & CF);
            asm("btcl %2, %0\n\tpushfl\n\tpopl %1" : "+m"(mem[3]), "=r"(f) : "r"(off + 5) : "cc", "memory");
            printf(" btc %03x", f & CF);
            asm("btrl %2, %0\n\tpushfl\n\tpopl %1" : "+m"(mem[3]), "=r"(f) : "r"(off - 7) : "cc", "memory");
            printf(" btr %03x", f & CF);
            for (int w = 0; w < 8; w++) printf(" %08x", mem[w]);
            printf("\n");
        }
    for (unsigned i = 0; i < NV; i++) {
        uint32_t v = values[i], f, fwd = 0xdead, rev = 0xdead;
        asm("bsfl %2, %0\n\tpushfl\n\tpopl %1" : "+r"(fwd), "=r"(f) : "r"(v) : "cc");
        printf("bsf %x -> %x %03x", v, v ? fwd : 0, f & ZF); /* the destination is undefined for 0 */
        asm("bsrl %2, %0\n\tpushfl\n\tpopl %1" : "+r"(rev), "=r"(f) : "r"(v) : "cc");
        printf(" bsr %x %03x", v ? rev : 0, f & ZF);
        uint16_t w16 = 0xdead;
        asm("bsfw %w2, %0\n\tpushfl\n\tpopl %1" : "+r"(w16), "=r"(f) : "r"(v) : "cc");
        printf(" bsfw %x %03x", (uint16_t)v ? w16 : 0, f & ZF);
        uint32_t s = v;
        asm("bswap %0" : "+r"(s));
        printf(" bswap %x\n", s);
    }
}

static void atomics(void)
{
    for (unsigned i = 0; i < NV; i += 3)
        for (unsigned j = 0; j < NV; j += 2) {
            uint32_t mem = values[i], expect = values[j], f;
            uint32_t eax = expect;
            asm volatile("lock cmpxchgl %3, %0\n\tpushfl\n\tpopl %1" : "+m"(mem), "=r"(f), "+a"(eax) : "r"(0xabcdef01u) : "cc", "memory");
            printf("cmpxchg %x %x -> mem %x eax %x %03x\n", values[i], expect, mem, eax, f & ALL);
            uint8_t m8 = (uint8_t)values[i], e8 = (uint8_t)expect;
            asm volatile("cmpxchgb %3, %0\n\tpushfl\n\tpopl %1" : "+m"(m8), "=r"(f), "+a"(e8) : "q"((uint8_t)0x5a) : "cc", "memory");
            printf("cmpxchgb -> mem %x al %x %03x\n", m8, e8, f & ALL);
            uint32_t x = values[j];
            mem = values[i];
            asm volatile("lock xaddl %0, %2\n\tpushfl\n\tpopl %1" : "+r"(x), "=r"(f), "+m"(mem) :: "cc", "memory");
            printf("xadd %x %x -> mem %x reg %x %03x\n", values[i], values[j], mem, x, f & ALL);
            uint64_t m64 = ((uint64_t)values[i] << 32) | values[j];
            uint32_t lo = values[j], hi = (i & 1) ? values[i] : ~values[i];
            asm volatile("lock cmpxchg8b %0\n\tpushfl\n\tpopl %1" : "+m"(m64), "=r"(f), "+a"(lo), "+d"(hi) : "b"(0x01020304u), "c"(0x05060708u) : "cc", "memory");
            printf("cmpxchg8b -> mem %llx edx:eax %x:%x %03x\n", (unsigned long long)m64, hi, lo, f & ZF);
            uint32_t y = values[i];
            mem = values[j];
            asm volatile("xchgl %0, %1" : "+r"(y), "+m"(mem) :: "memory");
            printf("xchg -> %x %x\n", y, mem);
        }
}

#define CC(c) \
    asm("pushl %2\n\tpopfl\n\tset" #c " %b0\n\tmovl $0x11, %1\n\tcmov" #c "l %3, %1" : "=&q"(set), "=&r"(mov) : "r"(f), "r"(0x22u) : "cc"); \
    printf(" " #c "%u%s", set & 1, mov == 0x22 ? "m" : "");

static void conditions(void)
{
    for (uint32_t bits = 0; bits < 32; bits++) {
        uint32_t f = 0x202 | (bits & 1 ? CF : 0) | (bits & 2 ? ZF : 0) | (bits & 4 ? SF : 0) | (bits & 8 ? OF : 0) | (bits & 16 ? PF : 0);
        uint32_t set, mov;
        printf("flags %03x:", f & ALL);
        CC(o) CC(no) CC(b) CC(ae) CC(e) CC(ne) CC(be) CC(a) CC(s) CC(ns) CC(p) CC(np) CC(l) CC(ge) CC(le) CC(g)
        printf("\n");
    }
}

static void conversions(void)
{
    for (unsigned i = 0; i < NV; i++) {
        uint32_t v = values[i], a, d;
        asm("cbtw" : "=a"(a) : "a"(v));
        printf("cbw %x -> %x", v, a & 0xffff);
        asm("cwtl" : "=a"(a) : "a"(v));
        printf(" cwde %x", a);
        asm("cwtd" : "=a"(a), "=d"(d) : "a"(v), "d"(0x5555u));
        printf(" cwd %x", d & 0xffff);
        asm("cltd" : "=a"(a), "=d"(d) : "a"(v));
        printf(" cdq %x", d);
        int32_t sx8 = 0, sx16 = 0;
        uint32_t zx8 = 0, zx16 = 0;
        asm("movsbl %b4, %0\n\tmovswl %w4, %1\n\tmovzbl %b4, %2\n\tmovzwl %w4, %3" : "=&r"(sx8), "=&r"(sx16), "=&r"(zx8), "=&r"(zx16) : "q"(v));
        printf(" movsx %x %x movzx %x %x\n", sx8, sx16, zx8, zx16);
    }
}

static void strings(void)
{
    static const char *text = "the quick brown fox jumps over the lazy dog";
    for (int down = 0; down <= 1; down++)
        for (uint32_t n = 0; n < 10; n += 3) {
            unsigned char src[64], dst[64];
            for (int i = 0; i < 64; i++) src[i] = (unsigned char)(i * 7), dst[i] = 0xee;
            unsigned char *s = down ? src + 40 : src + 8, *d = down ? dst + 40 : dst + 8;
            uint32_t c = n;
            const char *which[] = {"movsb", "movsw", "movsl"};
            for (int w = 0; w < 3; w++) {
                unsigned char *ss = s, *dd = d;
                c = n;
                memset(dst, 0xee, sizeof dst);
                if (down) asm volatile("std");
                if (w == 0) asm volatile("rep movsb" : "+S"(ss), "+D"(dd), "+c"(c) :: "memory");
                if (w == 1) asm volatile("rep movsw" : "+S"(ss), "+D"(dd), "+c"(c) :: "memory");
                if (w == 2) asm volatile("rep movsl" : "+S"(ss), "+D"(dd), "+c"(c) :: "memory");
                asm volatile("cld");
                printf("rep %s df%d n%u: esi %+d edi %+d ecx %u dst", which[w], down, n, (int)(ss - s), (int)(dd - d), c);
                for (int i = 0; i < 64; i++) if (dst[i] != 0xee) printf(" %d:%02x", i, dst[i]);
                printf("\n");
            }
            unsigned char *dd = d;
            c = n;
            memset(dst, 0xee, sizeof dst);
            if (down) asm volatile("std");
            asm volatile("rep stosl" : "+D"(dd), "+c"(c) : "a"(0x61626364u) : "memory");
            asm volatile("cld");
            printf("rep stosl df%d n%u: edi %+d", down, n, (int)(dd - d));
            for (int i = 0; i < 64; i++) if (dst[i] != 0xee) printf(" %d:%02x", i, dst[i]);
            printf("\n");
            unsigned char *ss = s;
            uint32_t acc = 0;
            if (down) asm volatile("std");
            asm volatile("lodsw" : "+S"(ss), "=a"(acc) :: "memory");
            asm volatile("cld");
            printf("lodsw df%d: %x esi %+d\n", down, acc & 0xffff, (int)(ss - s));
        }
    for (uint32_t n = 0; n < 44; n += 5) {
        const char *a = text, *b = "the quick brown fox jumps over the lazy cat";
        const char *pa = a, *pb = b;
        uint32_t c = n, f;
        asm volatile("cmpb %%al, %%al\n\trepe cmpsb\n\tpushfl\n\tpopl %3" : "+S"(pa), "+D"(pb), "+c"(c), "=r"(f) : "a"(0) : "cc", "memory");
        printf("repe cmpsb n%u: esi %+d ecx %u %03x\n", n, (int)(pa - a), c, f & ALL);
        const char *p = text;
        c = n;
        asm volatile("cmpb %%al, %%al\n\trepne scasb\n\tpushfl\n\tpopl %2" : "+D"(p), "+c"(c), "=r"(f) : "a"('o') : "cc", "memory");
        printf("repne scasb 'o' n%u: edi %+d ecx %u %03x\n", n, (int)(p - text), c, f & ALL);
    }
}

int main(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_fpe;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigaction(SIGFPE, &sa, NULL);
    mul_forms();
    divisions();
    printf("divide errors: %d\n", faults);
    daa(); das(); aaa(); aas(); aam10(); aam7(); aad10(); aad3();
    bit_ops();
    atomics();
    conditions();
    conversions();
    strings();
    return 0;
}
