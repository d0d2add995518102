/* sigaltstack: handlers with SA_ONSTACK run on the alternate stack, see
 * SS_ONSTACK there, cannot change it while on it; SS_AUTODISARM; and a
 * stack overflow caught by a SIGSEGV handler running on the alternate stack. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>
#include <unistd.h>

#ifndef SS_AUTODISARM
#define SS_AUTODISARM (1U << 31)
#endif

static char *alt;
static size_t alt_size = 64 * 1024;
static volatile int on_alt, flags_in_handler, change_refused, uc_flags_onstack;

static int within(void *p) { return (char *)p >= alt && (char *)p < alt + alt_size; }

static void handler(int sig, siginfo_t *si, void *ucv)
{
    (void)sig; (void)si;
    ucontext_t *uc = ucv;
    int local;
    stack_t now, other;
    on_alt = within(&local);
    sigaltstack(NULL, &now);
    flags_in_handler = now.ss_flags;
    memset(&other, 0, sizeof other);
    other.ss_sp = alt;
    other.ss_size = alt_size;
    change_refused = sigaltstack(&other, NULL) == -1 && errno == EPERM;
    uc_flags_onstack = uc->uc_stack.ss_flags;
}

static void install(int sig, void (*fn)(int, siginfo_t *, void *), int flags)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = fn;
    sa.sa_flags = SA_SIGINFO | flags;
    sigaction(sig, &sa, NULL);
}

static volatile int depth_reached;

static void overflow_handler(int sig, siginfo_t *si, void *uc)
{
    (void)uc; (void)si;
    int local;
    printf("SIGSEGV on overflow: sig %d, handler on alternate stack %d, deep recursion %d\n", sig, within(&local),
           depth_reached > 1000);
    fflush(stdout);
    _exit(0);
}

static volatile int keep_going = 1;

static int recurse(int n)
{
    volatile char pad[1024];
    pad[0] = (char)n;
    depth_reached = n;
    return keep_going ? recurse(n + 1) + pad[0] : 0;
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    stack_t ss, old;

    sigaltstack(NULL, &old);
    printf("initially: flags SS_DISABLE %d size %zu\n", (old.ss_flags & SS_DISABLE) != 0, old.ss_size);

    alt = malloc(alt_size);
    ss.ss_sp = alt;
    ss.ss_size = alt_size;
    ss.ss_flags = 0;
    printf("set: %d\n", sigaltstack(&ss, NULL));
    sigaltstack(NULL, &old);
    printf("read back: sp ok %d size ok %d flags %d\n", old.ss_sp == alt, old.ss_size == alt_size, old.ss_flags);

    ss.ss_size = 100;
    int r = sigaltstack(&ss, NULL);
    printf("too small: %d %s\n", r, errno == ENOMEM ? "ENOMEM" : "?");
    ss.ss_size = alt_size;
    ss.ss_flags = 12345;
    r = sigaltstack(&ss, NULL);
    printf("bad flags: %d %s\n", r, errno == EINVAL ? "EINVAL" : "?");

    install(SIGUSR1, handler, SA_ONSTACK);
    raise(SIGUSR1);
    printf("SA_ONSTACK: on alternate stack %d, flags in handler SS_ONSTACK %d, change refused %d, uc_stack flags %d\n",
           on_alt, flags_in_handler == SS_ONSTACK, change_refused, uc_flags_onstack);

    install(SIGUSR2, handler, 0);
    raise(SIGUSR2);
    printf("without SA_ONSTACK: on alternate stack %d, flags %d\n", on_alt, flags_in_handler);

    /* SS_AUTODISARM: the stack is disabled while the handler runs, restored after */
    ss.ss_sp = alt;
    ss.ss_size = alt_size;
    ss.ss_flags = SS_AUTODISARM;
    printf("autodisarm set: %d\n", sigaltstack(&ss, NULL));
    raise(SIGUSR1);
    printf("autodisarm: on alternate stack %d, flags in handler %d (SS_DISABLE %d)\n", on_alt, flags_in_handler,
           (flags_in_handler & SS_DISABLE) != 0);
    sigaltstack(NULL, &old);
    printf("after handler: flags 0x%x\n", (unsigned)old.ss_flags);

    ss.ss_flags = SS_DISABLE;
    printf("disable: %d\n", sigaltstack(&ss, NULL));
    sigaltstack(NULL, &old);
    printf("disabled: flags %d size %zu\n", old.ss_flags, old.ss_size);

    /* a stack overflow: only a handler on another stack can run */
    ss.ss_sp = alt;
    ss.ss_size = alt_size;
    ss.ss_flags = 0;
    sigaltstack(&ss, NULL);
    install(SIGSEGV, overflow_handler, SA_ONSTACK);
    return recurse(0);
}
