/*
 * A page that was written, then made read-only or unmapped, must fault on
 * the next write: the emulated CPU may not keep a stale translation of it.
 * Each case catches its SIGSEGV and goes on with siglongjmp.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

static sigjmp_buf env;

static void on_segv(int sig)
{
    (void)sig;
    siglongjmp(env, 1);
}

static void attempt(const char *what, volatile int *p, int change)
{
    p[0] = 1; /* the page is now in the CPU's translation cache, writable */
    if (change == 0)
        mprotect((void *)p, 4096, PROT_READ);
    else if (change == 1)
        munmap((void *)p, 4096);
    else
        mprotect((void *)p, 4096, PROT_NONE);
    if (sigsetjmp(env, 1) == 0) {
        p[0] = 2;
        printf("%s: no fault (stale translation)\n", what);
    } else {
        printf("%s: SIGSEGV as expected\n", what);
    }
}

int main(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_segv;
    sigaction(SIGSEGV, &sa, NULL);
    for (int change = 0; change < 3; change++) {
        volatile int *p = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        attempt(change == 0 ? "mprotect read-only" : change == 1 ? "munmap" : "mprotect none", p, change);
    }
    /* reading after PROT_NONE must fault too */
    volatile int *q = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    q[0] = 5;
    mprotect((void *)q, 4096, PROT_NONE);
    if (sigsetjmp(env, 1) == 0)
        printf("read after PROT_NONE: no fault, got %d\n", q[0]);
    else
        printf("read after PROT_NONE: SIGSEGV as expected\n");
    return 0;
}
