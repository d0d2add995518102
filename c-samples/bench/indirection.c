/*
 * Indirection benchmark kernel: the cost of one call to a small function
 * (x * 1103515245 + 12345), reached five ways:
 *   inline  the body in the loop, no call (the loop's own cost)
 *   direct  call rel32 to a function of the executable
 *   plt     call through the PLT into libindirection.so (jmp *GOT slot)
 *   got     call *GOT slot into libindirection.so (-fno-plt style)
 *   jump    call to a function whose entry was overwritten at start-up
 *           with "jmp rel32" to its replacement: what a patch leaves behind
 * The jump is written by the program into its own text (mprotect, write,
 * mprotect back) before timing, then checked to be in effect.
 * Built with -DINDIRECTION_STATIC (the .static variant) the callee is linked
 * in and the plt and got forms do not exist: they print n/a.
 *
 * usage: indirection N [REPEATS]
 * prints: "form NAME NS_PER_CALL" per form (best of REPEATS runs of N calls),
 *         then "checksum <hex>", the same for every runner.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#define STEP(x) ((x) * 1103515245u + 12345u)

unsigned lib_step_plt(unsigned x);
#ifdef INDIRECTION_STATIC
unsigned lib_step_got(unsigned x);
#else
unsigned lib_step_got(unsigned x) __attribute__((noplt));
#endif

__attribute__((noipa)) unsigned step_direct(unsigned x)
{
    return STEP(x);
}

__attribute__((noipa)) unsigned step_new(unsigned x)
{
    return STEP(x);
}

/* Different from step_new, so a jump that did not take effect shows. */
__attribute__((noipa)) unsigned step_old(unsigned x)
{
    return (x ^ 0x5a5a5a5au) * 2654435761u + 7u;
}

static int place_jump(void *from, void *to)
{
    uintptr_t page = (uintptr_t)from & ~(uintptr_t)4095;
    size_t len = (((uintptr_t)from + 5 - page) + 4095) & ~(size_t)4095;
    if (mprotect((void *)page, len, PROT_READ | PROT_WRITE | PROT_EXEC) != 0)
        return -1;
    unsigned char jmp[5] = {0xe9};
    int32_t rel = (int32_t)((uintptr_t)to - ((uintptr_t)from + 5));
    memcpy(jmp + 1, &rel, 4);
    memcpy(from, jmp, 5);
    return mprotect((void *)page, len, PROT_READ | PROT_EXEC);
}

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

enum form { INLINE, DIRECT, PLT, GOT, JUMP, FORMS };
static const char *const names[FORMS] = {"inline", "direct", "plt", "got", "jump"};

static unsigned run(enum form f, uint32_t n, unsigned x)
{
    switch (f) {
    case INLINE:
        for (uint32_t i = 0; i < n; i++) {
            x = STEP(x);
            __asm__ volatile("" : "+r"(x));
        }
        break;
    case DIRECT:
        for (uint32_t i = 0; i < n; i++) x = step_direct(x);
        break;
    case PLT:
        for (uint32_t i = 0; i < n; i++) x = lib_step_plt(x);
        break;
    case GOT:
        for (uint32_t i = 0; i < n; i++) x = lib_step_got(x);
        break;
    case JUMP:
        for (uint32_t i = 0; i < n; i++) x = step_old(x);
        break;
    default:
        break;
    }
    return x;
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: %s N [REPEATS]\n", argv[0]);
        return 2;
    }
    uint32_t n = (uint32_t)strtoul(argv[1], NULL, 10);
    int repeats = argc > 2 ? atoi(argv[2]) : 3;
    if (n == 0 || repeats < 1) {
        fprintf(stderr, "N and REPEATS must be positive\n");
        return 2;
    }
    if (place_jump((void *)step_old, (void *)step_new) != 0) {
        perror("mprotect");
        return 1;
    }
    if (step_old(1) != STEP(1u)) {
        fprintf(stderr, "the jump at step_old's entry is not in effect\n");
        return 1;
    }
    unsigned sum = 0, expected = 0;
    for (int f = 0; f < FORMS; f++) {
#ifdef INDIRECTION_STATIC
        if (f == PLT || f == GOT) {
            printf("form %s n/a\n", names[f]);
            continue;
        }
#endif
        double best = 0;
        unsigned x = 0;
        for (int r = 0; r < repeats; r++) {
            double t0 = now_ns();
            x = run((enum form)f, n, 1u);
            double t = (now_ns() - t0) / n;
            if (r == 0 || t < best)
                best = t;
        }
        /* every form computes the same chain of steps */
        if (f != INLINE && x != expected) {
            fprintf(stderr, "form %s computed %08x, the inlined loop %08x\n", names[f], x, expected);
            return 1;
        }
        expected = x;
        sum = sum * 31u + x;
        printf("form %s %.3f\n", names[f], best);
    }
    printf("checksum %08x\n", sum);
    return 0;
}
