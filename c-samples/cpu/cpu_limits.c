/* What dsu's CPU still does differently from a native process (README,
 * Limitations), one line each; the test expects exactly these lines to
 * differ, so it fails once one of them is fixed (and the README must then
 * say so).
 *  1. a denormal operand is not reported (DE) by the instructions left to
 *     Unicorn's softfloat (here FLD of a float);
 *  2. neither is C1 set when they round a result up (1/3 rounded up);
 *  3. stack overflow is not detected: a ninth push should give IE|SF, C1
 *     and the indefinite NaN;
 *  4. an unmasked exception is raised at the next FWAIT only, where the CPU
 *     raises it at the next waiting x87 instruction too;
 *  5. alignment checking: with EFLAGS.AC set, a misaligned load raises
 *     SIGBUS (BUS_ADRALN) natively (Linux sets CR0.AM) and nothing in dsu;
 *  6. SGDT shows the emulated machine's table, where Linux (on a CPU with
 *     UMIP) emulates it with a dummy base and limit. SIDT and STR give
 *     those dummies, as on a CPU with UMIP; natively without UMIP they show
 *     the kernel's own tables, and differ;
 *  7. an MMX instruction that writes a register leaves the upper 16 bits of
 *     its 80-bit x87 slot as they were, where the CPU sets them to all ones
 *     (seen by FSTP, FNSTENV's tags, FXSAVE and signal frames). */
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>

static sigjmp_buf env;
static volatile int caught_sig, caught_code;
static void on_fpe(int sig) { (void)sig; siglongjmp(env, 1); }
static void on_bus(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    caught_sig = sig;
    caught_code = si->si_code;
    siglongjmp(env, 1);
}

int main(void)
{
    unsigned short sw, cw;
    static const unsigned tiny = 1; /* the smallest float denormal */
    asm volatile("fninit\n\tflds %1\n\tfnstsw %0\n\tfninit" : "=m"(sw) : "m"(tiny));
    printf("denormal load: sw %04x\n", sw & 0x47ff);

    cw = 0x0b7f; /* round up */
    asm volatile("fninit\n\tfldcw %1\n\tfld1\n\tfld1\n\tfld1\n\tfaddp\n\tfaddp\n\tfld1\n\tfdivp\n\tfnstsw %0\n\tfninit" : "=m"(sw) : "m"(cw));
    printf("1/3 rounded up: sw %04x\n", sw & 0x47ff);

    unsigned char st0[10];
    asm volatile("fninit\n\tfld1\n\tfld1\n\tfld1\n\tfld1\n\tfld1\n\tfld1\n\tfld1\n\tfld1\n\tfld1\n\tfnstsw %0\n\tfstpt %1\n\tfninit"
                 : "=m"(sw), "=m"(st0));
    printf("ninth push: sw %04x st0 %02x%02x.%02x%02x...\n", sw & 0x47ff, st0[9], st0[8], st0[7], st0[6]);

    signal(SIGFPE, on_fpe);
    volatile int step = 0;
    if (sigsetjmp(env, 1) == 0) {
        cw = 0x037b; /* divide by zero unmasked */
        asm volatile("fninit\n\tfldcw %0\n\tfld1\n\tfldz\n\tfdivrp" : : "m"(cw));
        step = 1;
        asm volatile("fld1"); /* a waiting x87 instruction */
        step = 2;
        asm volatile("fwait");
        step = 3;
    }
    printf("unmasked divide by zero: SIGFPE after step %d\n", step);
    asm volatile("fninit");

    struct sigaction sa = {0};
    sa.sa_sigaction = on_bus;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGBUS, &sa, NULL);
    static char buf[16] __attribute__((aligned(16)));
    if (sigsetjmp(env, 1) == 0) {
        asm volatile("pushfl\n\torl $0x40000, (%%esp)\n\tpopfl\n\tmovl 1(%0), %%eax\n\t"
                     "pushfl\n\tandl $~0x40000, (%%esp)\n\tpopfl" : : "r"(buf) : "eax", "memory", "cc");
        printf("alignment check: a misaligned load with EFLAGS.AC ran\n");
    } else {
        asm volatile("pushfl\n\tandl $~0x40000, (%%esp)\n\tpopfl" : : : "memory", "cc");
        printf("alignment check: a misaligned load with EFLAGS.AC raised signal %d code %d\n", caught_sig, caught_code);
    }

    unsigned char gdtr[6], idtr[6];
    unsigned short tr;
    asm volatile("sgdt %0\n\tsidt %1\n\tstr %2" : "=m"(gdtr), "=m"(idtr), "=r"(tr));
    printf("sgdt: %02x%02x%02x%02x/%02x%02x\n", gdtr[5], gdtr[4], gdtr[3], gdtr[2], gdtr[1], gdtr[0]);
    /* (not a difference on a CPU with UMIP, where Linux gives these dummies) */
    printf("sidt, str: %02x%02x%02x%02x/%02x%02x %04x\n", idtr[5], idtr[4], idtr[3], idtr[2], idtr[1], idtr[0], tr);

    unsigned char st[10];
    asm volatile("fninit\n\tmovl $0x12345678, %%eax\n\tmovd %%eax, %%mm0\n\tfstpt %0\n\temms\n\tfninit" : "=m"(st) : : "eax");
    printf("mmx write seen as x87: %02x%02x.%02x%02x%02x%02x%02x%02x%02x%02x\n", st[9], st[8], st[7], st[6], st[5], st[4], st[3], st[2],
           st[1], st[0]);

    /* a control: the same status word on both */
    asm volatile("fninit\n\tfld1\n\tfldz\n\tfdivrp\n\tfnstsw %0\n\tfninit" : "=m"(sw));
    printf("masked 1/0: sw %04x\n", sw & 0x47ff);
    return 0;
}
