/* CPU faults caught by handlers: a NULL dereference (SEGV_MAPERR, si_addr 0),
 * a write to a read-only page that the handler makes writable and retries
 * (SEGV_ACCERR), an integer division by zero (FPE_INTDIV), an invalid
 * instruction (SIGILL) and a breakpoint (SIGTRAP); the first handler to see
 * a NULL dereference a second time ends the program with _exit. */
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
static char *page;
static volatile int fixes;

static void install(int sig, void (*fn)(int, siginfo_t *, void *))
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = fn;
    sa.sa_flags = SA_SIGINFO;
    sigaction(sig, &sa, NULL);
}

static void on_fault(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;
    uintptr_t eip = uc->uc_mcontext.gregs[REG_EIP];
    if (sig == SIGSEGV && page && si->si_addr >= (void *)page && si->si_addr < (void *)(page + 4096)) {
        printf("SIGSEGV code %d (ACCERR %d) at page offset %ld, trapno %d, fixing\n", si->si_code,
               si->si_code == SEGV_ACCERR, (long)((char *)si->si_addr - page), (int)uc->uc_mcontext.gregs[REG_TRAPNO]);
        fixes++;
        mprotect(page, 4096, PROT_READ | PROT_WRITE);
        return;
    }
    if (sig == SIGSEGV) {
        printf("SIGSEGV code %d (MAPERR %d) addr %p, trapno %d, cr2 %lu\n", si->si_code, si->si_code == SEGV_MAPERR,
               si->si_addr, (int)uc->uc_mcontext.gregs[REG_TRAPNO], (unsigned long)uc->uc_mcontext.cr2);
    } else if (sig == SIGFPE) {
        printf("SIGFPE code %d (INTDIV %d), si_addr is the faulting instruction %d, trapno %d\n", si->si_code,
               si->si_code == FPE_INTDIV, (uintptr_t)si->si_addr == eip, (int)uc->uc_mcontext.gregs[REG_TRAPNO]);
    } else if (sig == SIGILL) {
        printf("SIGILL code %d (ILLOPN %d), si_addr is the instruction %d, trapno %d\n", si->si_code,
               si->si_code == ILL_ILLOPN, (uintptr_t)si->si_addr == eip, (int)uc->uc_mcontext.gregs[REG_TRAPNO]);
    } else {
        /* int3 is a trap: returning resumes after it */
        printf("SIGTRAP code %d (SI_KERNEL %d) addr %p, trapno %d\n", si->si_code, si->si_code == SI_KERNEL,
               si->si_addr, (int)uc->uc_mcontext.gregs[REG_TRAPNO]);
        return;
    }
    siglongjmp(env, sig);
}

static void second_null(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    printf("second NULL dereference: signal %d addr %p; exiting from the handler\n", sig, si->si_addr);
    fflush(stdout);
    _exit(3);
}

int main(int argc, char **argv)
{
    (void)argv;
    setvbuf(stdout, NULL, _IONBF, 0);
    install(SIGSEGV, on_fault);
    install(SIGFPE, on_fault);
    install(SIGILL, on_fault);
    install(SIGTRAP, on_fault);

    volatile int *null = (volatile int *)(uintptr_t)(argc - 1);
    if (sigsetjmp(env, 1) == 0) {
        int v = *null;
        printf("not reached %d\n", v);
    }

    page = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    volatile char *target = page + 100;
    *target = 42;
    printf("write retried after the fix: %d (fixes %d)\n", page[100], fixes);

    volatile int zero = argc - 1, num = 7;
    if (sigsetjmp(env, 1) == 0) {
        int q = num / zero;
        printf("not reached %d\n", q);
    }
    volatile int min = INT32_MIN, minus1 = -1;
    if (sigsetjmp(env, 1) == 0) {
        int q = min / minus1;
        printf("not reached %d\n", q);
    }
    if (sigsetjmp(env, 1) == 0) {
        __asm__ volatile("ud2");
    }

    __asm__ volatile("int3");
    printf("continued after the breakpoint\n");

    install(SIGSEGV, second_null);
    return *null;
}
