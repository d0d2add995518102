/* Saving and restoring the FPU/SSE state: FXSAVE and FXRSTOR, XSAVE and
 * XRSTOR (x87 and SSE components, and XRSTOR of a component marked in its
 * initial state), and the state a signal handler finds in its frame and may
 * change for sigreturn. Each dump shows the control and status words, the
 * abridged tags, MXCSR, the eight x87 registers and the eight XMM registers;
 * the last-instruction pointers (FIP, FDP, FOP) are left out, as they name
 * addresses. Run with "xsave" only when CPUID advertises OSXSAVE. */
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <ucontext.h>
#include <unistd.h>
#include <sys/syscall.h>
#include "cpu_features.h"

#pragma GCC target("sse2")

typedef struct { uint8_t b[16]; } __attribute__((aligned(16))) v128;

static v128 pattern[8], other[8], readback[8];
static uint8_t area[4096] __attribute__((aligned(64)));

static void fill(v128 *v, uint32_t seed)
{
    for (int r = 0; r < 8; r++)
        for (int i = 0; i < 16; i++) {
            seed = seed * 1103515245u + 12345u;
            v[r].b[i] = (uint8_t)(seed >> 16);
        }
}

static void dump_xmm(const char *what, const uint8_t *x)
{
    for (int r = 0; r < 8; r++) {
        printf("%s xmm%d", what, r);
        for (int k = 15; k >= 0; k--) printf("%s%02x", k % 4 == 3 ? " " : "", x[16 * r + k]);
        printf("\n");
    }
}

/* The legacy (FXSAVE) image: FCW FSW FTW, MXCSR, MXCSR_MASK, ST0-7, XMM0-7. */
static void dump_fxsave(const char *what, const uint8_t *img)
{
    uint16_t fcw, fsw;
    uint32_t mxcsr, mask;
    memcpy(&fcw, img, 2);
    memcpy(&fsw, img + 2, 2);
    memcpy(&mxcsr, img + 24, 4);
    memcpy(&mask, img + 28, 4);
    /* MXCSR_MASK: the bits of MXCSR this CPU model supports; above bit 15
     * they are model-specific (AMD's misaligned-exception mask, bit 17) */
    printf("%s fcw %04x fsw %04x ftw %02x mxcsr %08x mxcsr_mask %04x\n", what, fcw, fsw, img[4], mxcsr, mask & 0xffff);
    for (int r = 0; r < 8; r++) {
        printf("%s st%d ", what, r);
        for (int k = 9; k >= 0; k--) printf("%02x", img[32 + 16 * r + k]);
        printf("\n");
    }
    dump_xmm(what, img + 160);
}

/* x87: fninit, a control word with a rounding mode, three values pushed
 * (1.5, pi, 1/3 with an inexact division); SSE: MXCSR with a rounding mode
 * and flags, XMM0-7 from `v`. */
#define LOAD_STATE(v)                                                                       \
    asm volatile("fninit\n\tfldcw %1\n\tfld1\n\tfldpi\n\tfld1\n\tfidivl %2\n\tldmxcsr %3\n\t" \
                 "movdqa 0(%0),%%xmm0\n\tmovdqa 16(%0),%%xmm1\n\tmovdqa 32(%0),%%xmm2\n\t"  \
                 "movdqa 48(%0),%%xmm3\n\tmovdqa 64(%0),%%xmm4\n\tmovdqa 80(%0),%%xmm5\n\t" \
                 "movdqa 96(%0),%%xmm6\n\tmovdqa 112(%0),%%xmm7"                           \
                 : : "r"(v), "m"(cw), "m"(three), "m"(mxcsr)                               \
                 : "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "memory")
#define STORE_XMM(v)                                                                        \
    asm volatile("movdqa %%xmm0,0(%0)\n\tmovdqa %%xmm1,16(%0)\n\tmovdqa %%xmm2,32(%0)\n\t"  \
                 "movdqa %%xmm3,48(%0)\n\tmovdqa %%xmm4,64(%0)\n\tmovdqa %%xmm5,80(%0)\n\t" \
                 "movdqa %%xmm6,96(%0)\n\tmovdqa %%xmm7,112(%0)" : : "r"(v) : "memory")

/* round down: 1/3 is inexact and rounded down (C1 clear, PE set) */
static const uint16_t cw = 0x077f;
static const int32_t three = 3;
static const uint32_t mxcsr = 0x5f80 | 0x3d; /* round toward zero, FTZ off, flags PE UE OE ZE IE */

static void fx(void)
{
    fill(pattern, 1);
    fill(other, 2);
    memset(area, 0, sizeof area);
    LOAD_STATE(pattern);
    asm volatile("fxsave %0" : "=m"(*(uint8_t(*)[512])area));
    dump_fxsave("fxsave", area);

    /* FXRSTOR of an image with other XMM registers, MXCSR and x87 values */
    memcpy(area + 160, other, sizeof other);
    uint32_t m2 = 0x1f80 | 0x2000 /* round up */;
    memcpy(area + 24, &m2, 4);
    area[32 + 16 * 0 + 0] ^= 1; /* st0's lowest mantissa bit */
    uint32_t got;
    uint8_t env[28];
    asm volatile("fxrstor %1\n\tfnstenv %3\n\tfldcw %3\n\tstmxcsr %0" : "=m"(got) : "m"(*(uint8_t(*)[512])area), "m"(*(uint8_t(*)[28])env), "m"(*(uint8_t(*)[28])env) : "memory");
    STORE_XMM(readback);
    uint16_t fcw, fsw, ftw;
    memcpy(&fcw, env, 2);
    memcpy(&fsw, env + 4, 2);
    memcpy(&ftw, env + 8, 2);
    printf("fxrstor mxcsr %08x fcw %04x fsw %04x ftw %04x\n", got, fcw, fsw, ftw);
    dump_xmm("fxrstor", readback[0].b);
    uint8_t st0[10];
    asm volatile("fstpt %0\n\tfninit" : "=m"(*(uint8_t(*)[10])st0));
    printf("fxrstor st0 ");
    for (int k = 9; k >= 0; k--) printf("%02x", st0[k]);
    printf("\n");
}

static void xs(void)
{
    unsigned a, b, c, d;
    __cpuid_count(0xd, 0, a, b, c, d);
    uint32_t lo, hi;
    asm volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    /* (the whole area depends on the components the host enables; XSAVE of
     * x87 and SSE alone writes the first 576 bytes) */
    printf("xcr0 x87 %u sse %u, xsave area at least 576: %s\n", lo & 1, (lo >> 1) & 1, b >= 576 ? "yes" : "no");
    fill(pattern, 3);
    fill(other, 4);
    memset(area, 0, sizeof area);
    LOAD_STATE(pattern);
    asm volatile("xsave %0" : "+m"(*(uint8_t(*)[4096])area) : "a"(3), "d"(0));
    dump_fxsave("xsave", area);
    uint64_t bv, comp;
    memcpy(&bv, area + 512, 8);
    memcpy(&comp, area + 520, 8);
    printf("xsave xstate_bv %llx xcomp_bv %llx\n", (unsigned long long)(bv & 3), (unsigned long long)comp);

    /* XRSTOR of other XMM registers and MXCSR */
    memcpy(area + 160, other, sizeof other);
    uint32_t m2 = 0x1f80 | 0x4000 /* round down */, got;
    memcpy(area + 24, &m2, 4);
    asm volatile("xrstor %1\n\tstmxcsr %0" : "=m"(got) : "m"(*(uint8_t(*)[4096])area), "a"(3), "d"(0) : "memory");
    STORE_XMM(readback);
    printf("xrstor mxcsr %08x\n", got);
    dump_xmm("xrstor", readback[0].b);

    /* XRSTOR with the SSE component marked initial: XMM registers zeroed;
     * MXCSR is still loaded from the image */
    uint64_t x87only = 1;
    memcpy(area + 512, &x87only, 8);
    LOAD_STATE(pattern);
    asm volatile("xrstor %1\n\tstmxcsr %0" : "=m"(got) : "m"(*(uint8_t(*)[4096])area), "a"(3), "d"(0) : "memory");
    STORE_XMM(readback);
    printf("xrstor sse-initial mxcsr %08x\n", got);
    dump_xmm("xrstor sse-initial", readback[0].b);
}

/* The frame a SIGUSR1 handler gets: its FXSAVE image, and what sigreturn
 * restores after the handler changed XMM1 and MXCSR there. */
static void on_usr1(int sig, siginfo_t *si, void *ctx)
{
    (void)sig;
    (void)si;
    ucontext_t *uc = ctx;
    uint8_t *fp = (uint8_t *)uc->uc_mcontext.fpregs;
    uint16_t magic;
    memcpy(&magic, fp + 110, 2);
    printf("frame magic %04x (0000: an FXSAVE image follows)\n", magic);
    uint8_t *fx = fp + 112;
    dump_fxsave("frame", fx);
    memset(fx + 160 + 16, 0x5a, 16);
    uint32_t m = 0x1f80 | 0x6000 /* toward zero */ | 0x20;
    memcpy(fx + 24, &m, 4);
}

static void frame(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_usr1;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGUSR1, &sa, NULL);
    fill(pattern, 5);
    pid_t pid = getpid();
    uint32_t got;
    LOAD_STATE(pattern);
    /* kill(getpid(), SIGUSR1) straight from the registers just loaded */
    asm volatile("int $0x80\n\tstmxcsr %0" : "=m"(got) : "a"(SYS_kill), "b"(pid), "c"(SIGUSR1) : "memory");
    STORE_XMM(readback);
    printf("after sigreturn mxcsr %08x\n", got);
    dump_xmm("after sigreturn", readback[0].b);
    asm volatile("fninit");
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOFBF, 1 << 16);
    fx();
    if (wanted(argc, argv, "xsave")) xs();
    frame();
    return 0;
}
