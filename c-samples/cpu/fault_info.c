/* What the kernel reports for each CPU exception a 32-bit program can raise:
 * the signal, si_code, si_addr, and the trap number, error code and EIP of
 * the sigcontext, all printed relative to the faulting code so that native
 * and emulated runs print the same text. Privileged instructions (cli, hlt,
 * in/out, control and debug registers, descriptor-table loads) fault with
 * SIGSEGV/SI_KERNEL and trap 13; int $N outside 3, 4 and 0x80 faults at the
 * int itself with error code N*8+2; page faults carry the hardware error
 * code (user, write, present, instruction fetch); x87 and SSE exceptions
 * unmasked in the control word or MXCSR raise SIGFPE with the si_code of
 * the first unmasked flag (trap 16 and 19). */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

static sigjmp_buf env;
static volatile int caught;
static struct { int sig, code, trapno, err; uintptr_t addr, eip, cr2; } seen;

static void on_signal(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;
    seen.sig = sig;
    seen.code = si->si_code;
    seen.addr = (uintptr_t)si->si_addr;
    seen.trapno = uc->uc_mcontext.gregs[REG_TRAPNO];
    seen.err = uc->uc_mcontext.gregs[REG_ERR];
    seen.eip = uc->uc_mcontext.gregs[REG_EIP];
    seen.cr2 = uc->uc_mcontext.cr2;
    caught = 1;
    siglongjmp(env, 1);
}

/* Each case is a function whose code lies between NAME_start and NAME_end. */
#define CASE(name, insns)                                                          \
    extern char name##_start[], name##_end[];                                      \
    __attribute__((noinline, noipa)) static void name(void)                        \
    {                                                                              \
        asm volatile(".globl " #name "_start\n" #name "_start:\n\t" insns "\n"     \
                     ".globl " #name "_end\n" #name "_end:\n" ::: "eax", "ecx", "edx", "edi", "memory"); \
    }

/* where: an address described relative to the case's code or to a page */
static void where(const char *what, uintptr_t a, uintptr_t start, uintptr_t end, uintptr_t page)
{
    if (a == 0)
        printf(" %s=0", what);
    else if (a >= start && a <= end)
        printf(" %s=start+%lu", what, (unsigned long)(a - start));
    else if (page && a >= page && a < page + 4096)
        printf(" %s=page+%lu", what, (unsigned long)(a - page));
    else
        printf(" %s=%#lx", what, (unsigned long)a);
}

static const char *signame(int sig)
{
    switch (sig) {
    case SIGSEGV: return "SIGSEGV";
    case SIGILL: return "SIGILL";
    case SIGFPE: return "SIGFPE";
    case SIGTRAP: return "SIGTRAP";
    case SIGBUS: return "SIGBUS";
    default: return "?";
    }
}

static void run(const char *label, void (*fn)(void), char *start, char *end, uintptr_t page)
{
    caught = 0;
    memset(&seen, 0, sizeof seen);
    if (sigsetjmp(env, 1) == 0)
        fn();
    printf("%-14s", label);
    if (!caught) {
        printf(" no signal\n");
        return;
    }
    printf(" %s code=%d trapno=%d err=%#x", signame(seen.sig), seen.code, seen.trapno, seen.err);
    where("addr", seen.addr, (uintptr_t)start, (uintptr_t)end, page);
    where("eip", seen.eip, (uintptr_t)start, (uintptr_t)end, page);
    if (seen.sig == SIGSEGV) where("cr2", seen.cr2, (uintptr_t)start, (uintptr_t)end, page);
    printf("\n");
    fflush(stdout);
}

#define RUN(name) run(#name, name, name##_start, name##_end, 0)
#define RUNP(name, page) run(#name, name, name##_start, name##_end, (uintptr_t)(page))

/* privileged instructions */
CASE(p_cli, "cli")
CASE(p_sti, "sti")
CASE(p_hlt, "hlt")
CASE(p_in, "inb $0x60, %%al")
CASE(p_out, "outb %%al, $0x80")
CASE(p_in_dx, "movw $0x3f8, %%dx\n\tinb %%dx, %%al")
/* ins with %edi on a writable buffer: the engine stores before it checks the port */
CASE(p_insb, "movw $0x3f8, %%dx\n\tleal -16(%%esp), %%edi\n\tinsb")
CASE(p_mov_cr0, "movl %%cr0, %%eax\n\tmovl %%eax, %%cr0")
CASE(p_wr_cr3, "xorl %%eax, %%eax\n\tmovl %%eax, %%cr3")
CASE(p_mov_dr7, "xorl %%eax, %%eax\n\tmovl %%eax, %%dr7")
CASE(p_lgdt, "subl $8, %%esp\n\tlgdt (%%esp)\n\taddl $8, %%esp")
CASE(p_lidt, "subl $8, %%esp\n\tlidt (%%esp)\n\taddl $8, %%esp")
CASE(p_lldt, "xorl %%eax, %%eax\n\tlldt %%ax")
CASE(p_ltr, "movl $0x28, %%eax\n\tltr %%ax")
CASE(p_clts, "clts")
CASE(p_invd, "invd")
CASE(p_wbinvd, "wbinvd")
CASE(p_rdmsr, "movl $0x10, %%ecx\n\trdmsr")
CASE(p_wrmsr, "movl $0x10, %%ecx\n\txorl %%eax, %%eax\n\txorl %%edx, %%edx\n\twrmsr")
CASE(p_invlpg, "invlpg (%%esp)")
CASE(p_lmsw, "xorl %%eax, %%eax\n\tlmsw %%ax")
CASE(p_rdpmc, "xorl %%ecx, %%ecx\n\trdpmc")
CASE(p_iret_bad, "pushl $0\n\tpushl $0x1b\n\tpushl $0\n\tiret")
CASE(s_ds_bad, "movw $0x1234, %%ax\n\tmovw %%ax, %%ds")
CASE(s_ss_null, "xorl %%eax, %%eax\n\tmovw %%ax, %%ss")
CASE(s_cs_far, "ljmp $0x10, $0")
/* int $N: only 3, 4 and 0x80 are open to user mode */
CASE(i_int1, "int $1")
CASE(i_int3, "int $3")
CASE(i_int4, "int $4")
CASE(i_int5, "int $5")
CASE(i_int13, "int $13")
CASE(i_int14, "int $14")
CASE(i_int32, "int $0x20")
CASE(i_int81, "int $0x81")
CASE(i_intff, "int $0xff")
CASE(i_int3b, "int3")
/* other exceptions */
CASE(e_into, "movl $0x7fffffff, %%eax\n\taddl $1, %%eax\n\t.byte 0xce")
CASE(e_bound, "subl $8, %%esp\n\tmovl $0, (%%esp)\n\tmovl $10, 4(%%esp)\n\tmovl $11, %%eax\n\tboundl %%eax, (%%esp)\n\taddl $8, %%esp")
CASE(e_ud2, "ud2")
CASE(e_div0, "xorl %%edx, %%edx\n\tmovl $1, %%eax\n\txorl %%ecx, %%ecx\n\tdivl %%ecx")
CASE(e_idiv_ovf, "movl $0x80000000, %%eax\n\tcltd\n\tmovl $-1, %%ecx\n\tidivl %%ecx")
CASE(e_aam0, ".byte 0xd4, 0x00")
CASE(e_step, "pushfl\n\torl $0x100, (%%esp)\n\tpopfl\n\tnop\n\tnop")
CASE(e_lock_bad, ".byte 0xf0, 0x90")
CASE(e_sse_div0, "subl $4, %%esp\n\tstmxcsr (%%esp)\n\tandl $0xfffffdff, (%%esp)\n\tldmxcsr (%%esp)\n\tpcmpeqd %%xmm1, %%xmm1\n\tpsrld $25, %%xmm1\n\tpslld $23, %%xmm1\n\txorps %%xmm0, %%xmm0\n\tdivss %%xmm0, %%xmm1\n\taddl $4, %%esp")
CASE(e_ldmxcsr_bad, "subl $4, %%esp\n\tmovl $0x10000, (%%esp)\n\tldmxcsr (%%esp)\n\taddl $4, %%esp")
CASE(e_x87_div0, "subl $4, %%esp\n\tfnstcw (%%esp)\n\tandw $0xfffb, (%%esp)\n\tfldcw (%%esp)\n\tfld1\n\tfldz\n\tfdivrp\n\tfwait\n\taddl $4, %%esp")
/* every other unmasked x87 and SSE exception (the x87's at the fwait after it) */
#define X87_CASE(name, mask, body) \
    CASE(name, "fninit\n\tsubl $4, %%esp\n\tmovl $(0x37f & ~" #mask "), (%%esp)\n\tfldcw (%%esp)\n\taddl $4, %%esp\n\t" body "\n\tfwait")
X87_CASE(e_x87_inv, 0x01, "fld1\n\tfchs\n\tfsqrt")
X87_CASE(e_x87_ovf, 0x08, "pushl $0x7ffe\n\tpushl $-1\n\tpushl $-1\n\tfldt (%%esp)\n\taddl $12, %%esp\n\tfmul %%st(0), %%st")
X87_CASE(e_x87_und, 0x10, "pushl $1\n\tpushl $0x80000000\n\tpushl $0\n\tfldt (%%esp)\n\taddl $12, %%esp\n\tfmul %%st(0), %%st")
X87_CASE(e_x87_res, 0x20, "fld1\n\tfldpi\n\tfdivrp")
X87_CASE(e_x87_res_host, 0x20, "fldpi\n\tfsqrt")
#define SSE_CASE(name, mask, a, b, insn)                                                             \
    CASE(name, "subl $4, %%esp\n\tmovl $(0x1f80 & ~" #mask "), (%%esp)\n\tldmxcsr (%%esp)\n\t"      \
               "movl $" #a ", (%%esp)\n\tmovss (%%esp), %%xmm0\n\tmovl $" #b ", (%%esp)\n\tmovss (%%esp), %%xmm1\n\t" \
               "addl $4, %%esp\n\t" insn)
SSE_CASE(e_sse_inv, 0x80, 0xbf800000, 0, "sqrtss %%xmm0, %%xmm0")
SSE_CASE(e_sse_ovf, 0x400, 0x7f7fffff, 0, "mulss %%xmm0, %%xmm0")
SSE_CASE(e_sse_und, 0x800, 0x00800000, 0, "mulss %%xmm0, %%xmm0")
SSE_CASE(e_sse_res, 0x1000, 0x3f800000, 0x40400000, "divss %%xmm1, %%xmm0")
SSE_CASE(e_sse_den, 0x100, 0x00000001, 0x3f800000, "addss %%xmm0, %%xmm1")
SSE_CASE(e_cvt_inv, 0x80, 0x4f000000, 0, "cvtss2si %%xmm0, %%eax")

/* page faults: the address comes in %ecx */
extern char m_read_start[], m_read_end[], m_write_start[], m_write_end[], m_call_start[], m_call_end[];
__attribute__((noinline, noipa)) static void m_read(void *p)
{
    asm volatile(".globl m_read_start\nm_read_start:\n\tmovl (%0), %%eax\n.globl m_read_end\nm_read_end:\n" :: "c"(p) : "eax", "memory");
}
__attribute__((noinline, noipa)) static void m_write(void *p)
{
    asm volatile(".globl m_write_start\nm_write_start:\n\tmovl $1, (%0)\n.globl m_write_end\nm_write_end:\n" :: "c"(p) : "memory");
}
__attribute__((noinline, noipa)) static void m_call(void *p)
{
    asm volatile(".globl m_call_start\nm_call_start:\n\tcall *%0\n.globl m_call_end\nm_call_end:\n" :: "c"(p) : "eax", "edx", "memory");
}

static void *target;
static void t_read(void) { m_read(target); }
static void t_write(void) { m_write(target); }
static void t_call(void) { m_call(target); }

static void memory_case(const char *label, void (*fn)(void), char *start, char *end, void *p, void *page)
{
    target = p;
    run(label, fn, start, end, (uintptr_t)page);
}

int main(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_signal;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    int sigs[] = {SIGSEGV, SIGILL, SIGFPE, SIGTRAP, SIGBUS};
    for (unsigned i = 0; i < sizeof sigs / sizeof *sigs; i++) sigaction(sigs[i], &sa, NULL);

    unsigned short cs, ds, ss, es;
    asm volatile("movw %%cs, %0\n\tmovw %%ds, %1\n\tmovw %%ss, %2\n\tmovw %%es, %3" : "=r"(cs), "=r"(ds), "=r"(ss), "=r"(es));
    printf("selectors cs=%#x ds=%#x ss=%#x es=%#x\n", cs, ds, ss, es);
    unsigned long flags;
    asm volatile("pushfl\n\tpopl %0" : "=r"(flags));
    printf("eflags IF=%lu IOPL=%lu\n", (flags >> 9) & 1, (flags >> 12) & 3);
    /* far transfers through the program's own code selector (the targets
     * found with call/pop, so that a PIE has no text relocations) */
    unsigned back = 0;
    asm volatile("call 3f\n3:\tpopl %%eax\n\taddl $(1f-3b), %%eax\n\tpushl %%cs\n\tpushl %%eax\n\tlret\n1:\tmovl $1, %0"
                 : "=r"(back) : : "eax", "memory");
    struct { unsigned off; unsigned short sel; } __attribute__((packed)) far;
    asm volatile("call 4f\n4:\tpopl %%eax\n\taddl $(2f-4b), %%eax\n\tmovl %%eax, %0\n\tmovw %%cs, %1\n\tljmp *%0\n2:\tincl %2"
                 : "=m"(far.off), "=m"(far.sel), "+r"(back) : : "eax", "memory");
    printf("push %%cs; lret and ljmp through %%cs: %u of 2 came back\n", back);

    RUN(p_cli); RUN(p_sti); RUN(p_hlt); RUN(p_in); RUN(p_out); RUN(p_in_dx); RUN(p_insb);
    RUN(p_mov_cr0); RUN(p_wr_cr3); RUN(p_mov_dr7); RUN(p_lgdt); RUN(p_lidt); RUN(p_lldt); RUN(p_ltr);
    RUN(p_clts); RUN(p_invd); RUN(p_wbinvd); RUN(p_rdmsr); RUN(p_wrmsr); RUN(p_invlpg); RUN(p_lmsw);
    RUN(p_rdpmc); RUN(p_iret_bad);
    RUN(s_ds_bad); RUN(s_ss_null); RUN(s_cs_far);
    RUN(i_int1); RUN(i_int3); RUN(i_int4); RUN(i_int5); RUN(i_int13); RUN(i_int14); RUN(i_int32);
    RUN(i_int81); RUN(i_intff); RUN(i_int3b);
    RUN(e_into); RUN(e_bound); RUN(e_ud2); RUN(e_div0); RUN(e_idiv_ovf); RUN(e_aam0); RUN(e_step);
    RUN(e_lock_bad);
    RUN(e_x87_div0);
    RUN(e_x87_inv); RUN(e_x87_ovf); RUN(e_x87_und); RUN(e_x87_res); RUN(e_x87_res_host);
    asm volatile("fninit");
    RUN(e_sse_div0);
    RUN(e_sse_inv); RUN(e_sse_ovf); RUN(e_sse_und); RUN(e_sse_res); RUN(e_sse_den); RUN(e_cvt_inv);
    unsigned mx = 0x1f80;
    asm volatile("ldmxcsr %0" :: "m"(mx));
    RUN(e_ldmxcsr_bad);

    char *ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    char *rw = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    char *none = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    char *gone = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    munmap(gone, 4096);
    volatile char touch = ro[0];
    (void)touch;
    rw[0] = (char)0xc3; /* ret */
    memory_case("read_unmapped", t_read, m_read_start, m_read_end, gone + 16, gone);
    memory_case("write_unmapped", t_write, m_write_start, m_write_end, gone + 32, gone);
    memory_case("write_readonly", t_write, m_write_start, m_write_end, ro + 48, ro);
    memory_case("read_protnone", t_read, m_read_start, m_read_end, none + 64, none);
    memory_case("write_protnone", t_write, m_write_start, m_write_end, none + 64, none);
    memory_case("exec_rw_page", t_call, m_call_start, m_call_end, rw, rw);
    memory_case("exec_unmapped", t_call, m_call_start, m_call_end, gone, gone);
    memory_case("exec_protnone", t_call, m_call_start, m_call_end, none, none);
    memory_case("read_null", t_read, m_read_start, m_read_end, (void *)0, 0);
    memory_case("read_top", t_read, m_read_start, m_read_end, (void *)0xfffff800, 0);
    memory_case("write_top", t_write, m_write_start, m_write_end, (void *)0xffffff00, 0);
    return 0;
}
