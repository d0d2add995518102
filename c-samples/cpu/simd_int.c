/* Integer SIMD instructions over edge vectors (bytes 00 01 7f 80 81 fe ff,
 * words and dwords at their limits, a pseudo-random fill), each family only
 * when asked for: MMX, SSE2 integer, SSSE3, SSE4.1 and SSE4.2 (the string
 * compares pcmpestri/pcmpestrm/pcmpistri/pcmpistrm with every aggregation,
 * polarity, element size and output selection, and crc32). Each line shows
 * the operands' index, the result and, where the instruction sets them, the
 * flags. */
#include <stdint.h>
#include "cpu_features.h"

/* SSE2 is in every family set the harness gives (it is the baseline); the
 * asm below clobbers xmm registers, which GCC allows only with it enabled */
#pragma GCC target("sse2")

typedef struct { uint8_t b[16]; } __attribute__((aligned(16))) v128;

#define NVEC 10
static v128 vec[NVEC];

static void fill(void)
{
    static const uint8_t edge[] = {0x00, 0x01, 0x7f, 0x80, 0x81, 0xfe, 0xff, 0x55};
    uint32_t x = 0x12345678;
    for (int v = 0; v < NVEC; v++)
        for (int i = 0; i < 16; i++) {
            x = x * 1103515245u + 12345u;
            if (v < 4) vec[v].b[i] = edge[(i + v * 3) % 8];
            else if (v == 4) vec[v].b[i] = (uint8_t)(i % 2 ? 0x80 : 0x00); /* words 0x8000 */
            else if (v == 5) vec[v].b[i] = (uint8_t)(i % 4 == 3 ? 0x7f : 0xff); /* dwords 0x7fffffff */
            else vec[v].b[i] = (uint8_t)(x >> 16);
        }
}

static void show(const char *name, int i, int j, const v128 *r)
{
    printf("%s %d %d ->", name, i, j);
    for (int k = 15; k >= 0; k--) printf("%s%02x", k % 4 == 3 ? " " : "", r->b[k]);
    printf("\n");
}

/* xmm0 = vec[i], xmm1 = vec[j]; insn %xmm1, %xmm0 */
#define XMM(name, insn)                                                                    \
    static void name(const v128 *a, const v128 *b, v128 *r)                                \
    {                                                                                      \
        asm("movdqu %1, %%xmm0\n\tmovdqu %2, %%xmm1\n\t" insn "\n\tmovdqu %%xmm0, %0"      \
            : "=m"(*r) : "m"(*a), "m"(*b) : "eax", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "cc"); \
    }
/* mm0 = low half of vec[i], mm1 = of vec[j] */
#define MMX(name, insn)                                                                    \
    __attribute__((target("mmx")))                                                         \
    static void name(const v128 *a, const v128 *b, v128 *r)                                \
    {                                                                                      \
        *r = (v128){{0}};                                                                  \
        asm("movq %1, %%mm0\n\tmovq %2, %%mm1\n\t" insn "\n\tmovq %%mm0, %0\n\temms"       \
            : "=m"(*(uint64_t *)r) : "m"(*(const uint64_t *)a), "m"(*(const uint64_t *)b) : "mm0", "mm1"); \
    }

typedef void (*vop)(const v128 *, const v128 *, v128 *);
struct op { const char *name; vop f; };

/* MMX */
MMX(m_paddb, "paddb %%mm1, %%mm0") MMX(m_paddsw, "paddsw %%mm1, %%mm0") MMX(m_paddusb, "paddusb %%mm1, %%mm0")
MMX(m_psubd, "psubd %%mm1, %%mm0") MMX(m_psubsb, "psubsb %%mm1, %%mm0") MMX(m_psubusw, "psubusw %%mm1, %%mm0")
MMX(m_pmullw, "pmullw %%mm1, %%mm0") MMX(m_pmulhw, "pmulhw %%mm1, %%mm0") MMX(m_pmaddwd, "pmaddwd %%mm1, %%mm0")
MMX(m_pcmpgtb, "pcmpgtb %%mm1, %%mm0") MMX(m_pcmpeqw, "pcmpeqw %%mm1, %%mm0") MMX(m_packsswb, "packsswb %%mm1, %%mm0")
MMX(m_packuswb, "packuswb %%mm1, %%mm0") MMX(m_packssdw, "packssdw %%mm1, %%mm0") MMX(m_punpcklbw, "punpcklbw %%mm1, %%mm0")
MMX(m_punpckhdq, "punpckhdq %%mm1, %%mm0") MMX(m_psllw, "psllw %%mm1, %%mm0") MMX(m_psrad, "psrad %%mm1, %%mm0")
MMX(m_psrlq, "psrlq %%mm1, %%mm0") MMX(m_psllw3, "psllw $3, %%mm0") MMX(m_psraw15, "psraw $15, %%mm0")
MMX(m_psrlq33, "psrlq $33, %%mm0") MMX(m_pand, "pandn %%mm1, %%mm0") MMX(m_pxor, "pxor %%mm1, %%mm0")
MMX(m_pavgb, "pavgb %%mm1, %%mm0") MMX(m_pmaxub, "pmaxub %%mm1, %%mm0") MMX(m_pminsw, "pminsw %%mm1, %%mm0")
MMX(m_psadbw, "psadbw %%mm1, %%mm0") MMX(m_pshufw, "pshufw $0x1b, %%mm1, %%mm0") MMX(m_pmulhuw, "pmulhuw %%mm1, %%mm0")
MMX(m_pmuludq, "pmuludq %%mm1, %%mm0") MMX(m_paddq, "paddq %%mm1, %%mm0")
static const struct op mmx_ops[] = {
    {"paddb", m_paddb}, {"paddsw", m_paddsw}, {"paddusb", m_paddusb}, {"psubd", m_psubd}, {"psubsb", m_psubsb},
    {"psubusw", m_psubusw}, {"pmullw", m_pmullw}, {"pmulhw", m_pmulhw}, {"pmaddwd", m_pmaddwd}, {"pcmpgtb", m_pcmpgtb},
    {"pcmpeqw", m_pcmpeqw}, {"packsswb", m_packsswb}, {"packuswb", m_packuswb}, {"packssdw", m_packssdw},
    {"punpcklbw", m_punpcklbw}, {"punpckhdq", m_punpckhdq}, {"psllw", m_psllw}, {"psrad", m_psrad}, {"psrlq", m_psrlq},
    {"psllw$3", m_psllw3}, {"psraw$15", m_psraw15}, {"psrlq$33", m_psrlq33}, {"pandn", m_pand}, {"pxor", m_pxor},
    {"pavgb", m_pavgb}, {"pmaxub", m_pmaxub}, {"pminsw", m_pminsw}, {"psadbw", m_psadbw}, {"pshufw", m_pshufw},
    {"pmulhuw", m_pmulhuw}, {"pmuludq", m_pmuludq}, {"paddq", m_paddq},
};

/* SSE2 integer */
XMM(x_paddw, "paddw %%xmm1, %%xmm0") XMM(x_paddsb, "paddsb %%xmm1, %%xmm0") XMM(x_paddusw, "paddusw %%xmm1, %%xmm0")
XMM(x_paddq, "paddq %%xmm1, %%xmm0") XMM(x_psubq, "psubq %%xmm1, %%xmm0") XMM(x_psubsw, "psubsw %%xmm1, %%xmm0")
XMM(x_pmullw, "pmullw %%xmm1, %%xmm0") XMM(x_pmulhuw, "pmulhuw %%xmm1, %%xmm0") XMM(x_pmuludq, "pmuludq %%xmm1, %%xmm0")
XMM(x_pmaddwd, "pmaddwd %%xmm1, %%xmm0") XMM(x_psadbw, "psadbw %%xmm1, %%xmm0") XMM(x_pavgw, "pavgw %%xmm1, %%xmm0")
XMM(x_pcmpgtd, "pcmpgtd %%xmm1, %%xmm0") XMM(x_pcmpeqb, "pcmpeqb %%xmm1, %%xmm0") XMM(x_packssdw, "packssdw %%xmm1, %%xmm0")
XMM(x_packuswb, "packuswb %%xmm1, %%xmm0") XMM(x_punpckhbw, "punpckhbw %%xmm1, %%xmm0") XMM(x_punpcklqdq, "punpcklqdq %%xmm1, %%xmm0")
XMM(x_punpckhqdq, "punpckhqdq %%xmm1, %%xmm0") XMM(x_pshufd, "pshufd $0x4e, %%xmm1, %%xmm0") XMM(x_pshufhw, "pshufhw $0x1b, %%xmm1, %%xmm0")
XMM(x_pshuflw, "pshuflw $0xe4, %%xmm1, %%xmm0") XMM(x_pslldq, "pslldq $5, %%xmm0") XMM(x_psrldq, "psrldq $11, %%xmm0")
XMM(x_psllq, "psllq %%xmm1, %%xmm0") XMM(x_psrad7, "psrad $7, %%xmm0") XMM(x_psrlw, "psrlw %%xmm1, %%xmm0")
XMM(x_pmaxsw, "pmaxsw %%xmm1, %%xmm0") XMM(x_pminub, "pminub %%xmm1, %%xmm0") XMM(x_pandn, "pandn %%xmm1, %%xmm0")
XMM(x_por, "por %%xmm1, %%xmm0") XMM(x_pmovmskb, "pmovmskb %%xmm1, %%eax\n\tmovd %%eax, %%xmm0") XMM(x_movmskps, "movmskps %%xmm1, %%eax\n\tmovd %%eax, %%xmm0")
XMM(x_shufps, "shufps $0x9c, %%xmm1, %%xmm0") XMM(x_shufpd, "shufpd $1, %%xmm1, %%xmm0") XMM(x_unpcklps, "unpcklps %%xmm1, %%xmm0")
XMM(x_pinsrw, "pextrw $5, %%xmm1, %%eax\n\tpinsrw $2, %%eax, %%xmm0") XMM(x_movq, "movq %%xmm1, %%xmm0")
static const struct op sse2_ops[] = {
    {"paddw", x_paddw}, {"paddsb", x_paddsb}, {"paddusw", x_paddusw}, {"paddq", x_paddq}, {"psubq", x_psubq},
    {"psubsw", x_psubsw}, {"pmullw", x_pmullw}, {"pmulhuw", x_pmulhuw}, {"pmuludq", x_pmuludq}, {"pmaddwd", x_pmaddwd},
    {"psadbw", x_psadbw}, {"pavgw", x_pavgw}, {"pcmpgtd", x_pcmpgtd}, {"pcmpeqb", x_pcmpeqb}, {"packssdw", x_packssdw},
    {"packuswb", x_packuswb}, {"punpckhbw", x_punpckhbw}, {"punpcklqdq", x_punpcklqdq}, {"punpckhqdq", x_punpckhqdq},
    {"pshufd", x_pshufd}, {"pshufhw", x_pshufhw}, {"pshuflw", x_pshuflw}, {"pslldq", x_pslldq}, {"psrldq", x_psrldq},
    {"psllq", x_psllq}, {"psrad$7", x_psrad7}, {"psrlw", x_psrlw}, {"pmaxsw", x_pmaxsw}, {"pminub", x_pminub},
    {"pandn", x_pandn}, {"por", x_por}, {"pmovmskb", x_pmovmskb}, {"movmskps", x_movmskps}, {"shufps", x_shufps},
    {"shufpd", x_shufpd}, {"unpcklps", x_unpcklps}, {"pinsrw", x_pinsrw}, {"movq", x_movq},
};

/* SSSE3 */
XMM(s_pshufb, "pshufb %%xmm1, %%xmm0") XMM(s_phaddw, "phaddw %%xmm1, %%xmm0") XMM(s_phaddsw, "phaddsw %%xmm1, %%xmm0")
XMM(s_phsubd, "phsubd %%xmm1, %%xmm0") XMM(s_pmaddubsw, "pmaddubsw %%xmm1, %%xmm0") XMM(s_pmulhrsw, "pmulhrsw %%xmm1, %%xmm0")
XMM(s_psignb, "psignb %%xmm1, %%xmm0") XMM(s_psignd, "psignd %%xmm1, %%xmm0") XMM(s_pabsw, "pabsw %%xmm1, %%xmm0")
XMM(s_pabsb, "pabsb %%xmm1, %%xmm0") XMM(s_palignr3, "palignr $3, %%xmm1, %%xmm0") XMM(s_palignr17, "palignr $17, %%xmm1, %%xmm0")
XMM(s_palignr0, "palignr $0, %%xmm1, %%xmm0")
static const struct op ssse3_ops[] = {
    {"pshufb", s_pshufb}, {"phaddw", s_phaddw}, {"phaddsw", s_phaddsw}, {"phsubd", s_phsubd}, {"pmaddubsw", s_pmaddubsw},
    {"pmulhrsw", s_pmulhrsw}, {"psignb", s_psignb}, {"psignd", s_psignd}, {"pabsw", s_pabsw}, {"pabsb", s_pabsb},
    {"palignr$3", s_palignr3}, {"palignr$17", s_palignr17}, {"palignr$0", s_palignr0},
};

/* SSE4.1 integer */
XMM(f_pmulld, "pmulld %%xmm1, %%xmm0") XMM(f_pmuldq, "pmuldq %%xmm1, %%xmm0") XMM(f_pminsb, "pminsb %%xmm1, %%xmm0")
XMM(f_pmaxud, "pmaxud %%xmm1, %%xmm0") XMM(f_pminuw, "pminuw %%xmm1, %%xmm0") XMM(f_pcmpeqq, "pcmpeqq %%xmm1, %%xmm0")
XMM(f_packusdw, "packusdw %%xmm1, %%xmm0") XMM(f_pmovsxbw, "pmovsxbw %%xmm1, %%xmm0") XMM(f_pmovzxwq, "pmovzxwq %%xmm1, %%xmm0")
XMM(f_pmovsxdq, "pmovsxdq %%xmm1, %%xmm0") XMM(f_pblendw, "pblendw $0xa5, %%xmm1, %%xmm0") XMM(f_blendps, "blendps $6, %%xmm1, %%xmm0")
XMM(f_pblendvb, "movdqa %%xmm1, %%xmm2\n\tmovdqa %%xmm0, %%xmm3\n\tmovdqa %%xmm2, %%xmm0\n\tmovdqa %%xmm3, %%xmm4\n\tpblendvb %%xmm0, %%xmm2, %%xmm4\n\tmovdqa %%xmm4, %%xmm0")
XMM(f_pinsrd, "pextrd $3, %%xmm1, %%eax\n\tpinsrd $1, %%eax, %%xmm0") XMM(f_pextrb, "pextrb $13, %%xmm1, %%eax\n\tpinsrb $7, %%eax, %%xmm0")
XMM(f_phminposuw, "phminposuw %%xmm1, %%xmm0") XMM(f_mpsadbw, "mpsadbw $5, %%xmm1, %%xmm0")
XMM(f_insertps, "insertps $0x9d, %%xmm1, %%xmm0") XMM(f_extractps, "extractps $2, %%xmm1, %%eax\n\tmovd %%eax, %%xmm0")
XMM(f_ptest, "ptest %%xmm1, %%xmm0\n\tpushfl\n\tpopl %%eax\n\tandl $0x8d5, %%eax\n\tmovd %%eax, %%xmm0")
static const struct op sse41_ops[] = {
    {"pmulld", f_pmulld}, {"pmuldq", f_pmuldq}, {"pminsb", f_pminsb}, {"pmaxud", f_pmaxud}, {"pminuw", f_pminuw},
    {"pcmpeqq", f_pcmpeqq}, {"packusdw", f_packusdw}, {"pmovsxbw", f_pmovsxbw}, {"pmovzxwq", f_pmovzxwq},
    {"pmovsxdq", f_pmovsxdq}, {"pblendw", f_pblendw}, {"blendps", f_blendps}, {"pblendvb", f_pblendvb},
    {"pinsrd", f_pinsrd}, {"pextrb", f_pextrb}, {"phminposuw", f_phminposuw}, {"mpsadbw", f_mpsadbw},
    {"insertps", f_insertps}, {"extractps", f_extractps}, {"ptest", f_ptest},
};

static void run_ops(const char *family, const struct op *ops, unsigned n)
{
    for (unsigned k = 0; k < n; k++)
        for (int i = 0; i < NVEC; i++)
            for (int j = 0; j < NVEC; j += (i < 4 ? 1 : 3)) {
                v128 r;
                ops[k].f(&vec[i], &vec[j], &r);
                char name[40];
                snprintf(name, sizeof name, "%s.%s", family, ops[k].name);
                show(name, i, j, &r);
            }
}

/* The SSE4.2 string compares, over strings with embedded NULs and ranges. */
static const char *strings[] = {
    "hello, world!\0zz", "abcdefghijklmnop", "az09AZ\0\0........", "\0bcdefghijklmnop",
    "lo, wo\0\0\0\0\0\0\0\0\0\0", "ppppppppppppppp\0", "AZaz09__--..,,;;", "world!\0aaaaaaaaa",
};
#define NSTR (sizeof strings / sizeof *strings)

#define STRI(imm)                                                                          \
    static void stri_##imm(const char *a, const char *b, int la, int lb, uint32_t *out)    \
    {                                                                                      \
        uint32_t ci, ce, fi, fe;                                                           \
        v128 mi, me;                                                                       \
        asm("movdqu %4, %%xmm0\n\tmovdqu %5, %%xmm1\n\tpcmpistri $" #imm ", %%xmm1, %%xmm0\n\tpushfl\n\tpopl %1\n\tmovl %%ecx, %0" \
            : "=r"(ci), "=r"(fi) : "0"(0), "1"(0), "m"(*(const v128 *)a), "m"(*(const v128 *)b) : "ecx", "xmm0", "xmm1", "cc"); \
        asm("movdqu %6, %%xmm0\n\tmovdqu %7, %%xmm1\n\tpcmpestri $" #imm ", %%xmm1, %%xmm0\n\tpushfl\n\tpopl %1\n\tmovl %%ecx, %0" \
            : "=r"(ce), "=r"(fe) : "0"(0), "1"(0), "a"(la), "d"(lb), "m"(*(const v128 *)a), "m"(*(const v128 *)b) : "ecx", "xmm0", "xmm1", "cc"); \
        asm("movdqu %1, %%xmm1\n\tmovdqu %2, %%xmm2\n\tpcmpistrm $" #imm ", %%xmm2, %%xmm1\n\tmovdqu %%xmm0, %0" \
            : "=m"(mi) : "m"(*(const v128 *)a), "m"(*(const v128 *)b) : "xmm0", "xmm1", "xmm2", "cc"); \
        asm("movdqu %3, %%xmm1\n\tmovdqu %4, %%xmm2\n\tpcmpestrm $" #imm ", %%xmm2, %%xmm1\n\tmovdqu %%xmm0, %0" \
            : "=m"(me) : "a"(la), "d"(lb), "m"(*(const v128 *)a), "m"(*(const v128 *)b) : "xmm0", "xmm1", "xmm2", "cc"); \
        out[0] = ci; out[1] = fi & 0x8d5; out[2] = ce; out[3] = fe & 0x8d5;                \
        memcpy(out + 4, &mi, 16); memcpy(out + 8, &me, 16);                                \
    }
/* byte/word, unsigned/signed; equal any, ranges, equal each, equal ordered; polarity; msb/lsb or mask expansion */
STRI(0x00) STRI(0x04) STRI(0x08) STRI(0x0c) STRI(0x01) STRI(0x05) STRI(0x09) STRI(0x0d) STRI(0x02) STRI(0x06)
STRI(0x0a) STRI(0x0e) STRI(0x10) STRI(0x30) STRI(0x38) STRI(0x40) STRI(0x44) STRI(0x48) STRI(0x4c) STRI(0x14)
STRI(0x1a) STRI(0x3c) STRI(0x7c) STRI(0x03) STRI(0x0f) STRI(0x46)
typedef void (*strifn)(const char *, const char *, int, int, uint32_t *);
static const struct { int imm; strifn f; } strops[] = {
    {0x00, stri_0x00}, {0x04, stri_0x04}, {0x08, stri_0x08}, {0x0c, stri_0x0c}, {0x01, stri_0x01}, {0x05, stri_0x05},
    {0x09, stri_0x09}, {0x0d, stri_0x0d}, {0x02, stri_0x02}, {0x06, stri_0x06}, {0x0a, stri_0x0a}, {0x0e, stri_0x0e},
    {0x10, stri_0x10}, {0x30, stri_0x30}, {0x38, stri_0x38}, {0x40, stri_0x40}, {0x44, stri_0x44}, {0x48, stri_0x48},
    {0x4c, stri_0x4c}, {0x14, stri_0x14}, {0x1a, stri_0x1a}, {0x3c, stri_0x3c}, {0x7c, stri_0x7c}, {0x03, stri_0x03},
    {0x0f, stri_0x0f}, {0x46, stri_0x46},
};

static void sse42(void)
{
    static const int lengths[] = {0, 3, 6, 16, 20, -2, -17};
    for (unsigned k = 0; k < sizeof strops / sizeof *strops; k++)
        for (unsigned i = 0; i < NSTR; i++)
            for (unsigned j = 0; j < NSTR; j++) {
                uint32_t o[12];
                int la = lengths[(i + j) % 7], lb = lengths[(i * 3 + j + k) % 7];
                strops[k].f(strings[i], strings[j], la, lb, o);
                printf("pcmpstr $%02x %u %u (%d %d): istri %u %03x estri %u %03x istrm %08x%08x%08x%08x estrm %08x%08x%08x%08x\n",
                       strops[k].imm, i, j, la, lb, o[0], o[1], o[2], o[3], o[7], o[6], o[5], o[4], o[11], o[10], o[9], o[8]);
            }
    uint32_t crc = 0;
    for (int i = 0; i < NVEC; i++) {
        uint32_t w = vec[i].b[0] | vec[i].b[5] << 8 | vec[i].b[10] << 16 | (uint32_t)vec[i].b[15] << 24;
        uint16_t h = (uint16_t)w;
        uint8_t b = (uint8_t)(w >> 8);
        asm("crc32l %1, %0" : "+r"(crc) : "rm"(w));
        printf("crc32l %08x -> %08x", w, crc);
        asm("crc32w %1, %0" : "+r"(crc) : "rm"(h));
        printf(" crc32w %04x -> %08x", h, crc);
        asm("crc32b %1, %0" : "+r"(crc) : "rm"(b));
        printf(" crc32b %02x -> %08x\n", b, crc);
    }
    for (int i = 0; i < NVEC; i++)
        for (int j = 0; j < NVEC; j++) {
            v128 r;
            asm("movdqu %1, %%xmm0\n\tmovdqu %2, %%xmm1\n\tpcmpgtq %%xmm1, %%xmm0\n\tmovdqu %%xmm0, %0" : "=m"(r) : "m"(vec[i]), "m"(vec[j]) : "xmm0", "xmm1");
            show("sse4.2.pcmpgtq", i, j, &r);
        }
}

int main(int argc, char **argv)
{
    fill();
    if (wanted(argc, argv, "mmx")) run_ops("mmx", mmx_ops, sizeof mmx_ops / sizeof *mmx_ops);
    if (wanted(argc, argv, "sse2")) run_ops("sse2", sse2_ops, sizeof sse2_ops / sizeof *sse2_ops);
    if (wanted(argc, argv, "ssse3")) run_ops("ssse3", ssse3_ops, sizeof ssse3_ops / sizeof *ssse3_ops);
    if (wanted(argc, argv, "sse4.1")) run_ops("sse4.1", sse41_ops, sizeof sse41_ops / sizeof *sse41_ops);
    if (wanted(argc, argv, "sse4.2")) sse42();
    return 0;
}
