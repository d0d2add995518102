/* Self-modifying code, as JIT compilers in a program do it: code written
 * into a page is called, rewritten and called again, and each call must run
 * what was written last. Cases: a function rewritten in an RWX page many
 * times (different immediates, different lengths), a store into the
 * instruction stream just ahead of the running code, code patched inside a
 * loop that keeps calling it, data and code sharing a page, code made
 * executable with mprotect after writing (W^X), and a page unmapped and
 * mapped again at the same address with new code. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

typedef int (*fn0)(void);
typedef int (*fn1)(int);

/* mov $imm, %eax; ret */
static void emit_const(unsigned char *p, int32_t imm)
{
    p[0] = 0xb8;
    memcpy(p + 1, &imm, 4);
    p[5] = 0xc3;
}

/* mov 4(%esp),%eax; add $imm,%eax (times n); ret */
static int emit_adds(unsigned char *p, int32_t imm, int n)
{
    int at = 0;
    p[at++] = 0x8b; p[at++] = 0x44; p[at++] = 0x24; p[at++] = 0x04;
    for (int i = 0; i < n; i++) {
        p[at++] = 0x05;
        memcpy(p + at, &imm, 4);
        at += 4;
    }
    p[at++] = 0xc3;
    return at;
}

static void rewrite_many(unsigned char *page)
{
    long sum = 0, wrong = 0;
    for (int i = 0; i < 2000; i++) {
        emit_const(page, i * 7 + 1);
        int r = ((fn0)page)();
        sum += r;
        if (r != i * 7 + 1) wrong++;
    }
    printf("rewrite 2000 times: sum %ld, stale results %ld\n", sum, wrong);
}

static void rewrite_lengths(unsigned char *page)
{
    long wrong = 0;
    for (int n = 1; n < 200; n++) {
        int len = emit_adds(page + 64, 3, n % 17 + 1);
        (void)len;
        int r = ((fn1)(page + 64))(n);
        if (r != n + 3 * (n % 17 + 1)) wrong++;
    }
    printf("rewrite with changing lengths: stale results %ld\n", wrong);
}

/* the code stores a new immediate into an instruction further on in the same block */
static void patch_ahead(unsigned char *page)
{
    /* mov 4(%esp),%ecx; movl %ecx, next+1; next: mov $0,%eax; ret */
    unsigned char *p = page + 512;
    unsigned char *next = p + 10;
    int at = 0;
    p[at++] = 0x8b; p[at++] = 0x4c; p[at++] = 0x24; p[at++] = 0x04;
    p[at++] = 0x89; p[at++] = 0x0d;
    uint32_t target = (uint32_t)(uintptr_t)(next + 1);
    memcpy(p + at, &target, 4);
    at += 4;
    emit_const(p + at, 0);
    long wrong = 0;
    for (int i = 1; i <= 1000; i++)
        if (((fn1)p)(i) != i) wrong++;
    printf("store ahead into the running block: stale results %ld\n", wrong);
}

/* a loop calls the function while the caller keeps rewriting it */
static void loop_patch(unsigned char *page)
{
    unsigned char *f = page + 1024;
    long total = 0;
    for (int round = 0; round < 50; round++) {
        emit_const(f, round);
        for (int k = 0; k < 20; k++) total += ((fn0)f)();
    }
    printf("patched inside a loop: total %ld (expected %ld)\n", total, 20L * (49 * 50 / 2));
}

/* counters next to the code they count, on the same page */
static void data_beside_code(unsigned char *page)
{
    volatile int *counter = (volatile int *)(page + 3000);
    emit_const(page + 2048, 5);
    long sum = 0;
    for (int i = 0; i < 5000; i++) {
        *counter += 1;
        sum += ((fn0)(page + 2048))();
    }
    printf("data beside code: counter %d, sum %ld\n", *counter, sum);
}

static void write_then_protect(void)
{
    long wrong = 0;
    unsigned char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    for (int i = 0; i < 300; i++) {
        mprotect(p, 4096, PROT_READ | PROT_WRITE);
        emit_const(p, 1000 + i);
        mprotect(p, 4096, PROT_READ | PROT_EXEC);
        if (((fn0)p)() != 1000 + i) wrong++;
    }
    printf("W^X rewrite through mprotect: stale results %ld\n", wrong);
    munmap(p, 4096);
}

static void remap(void)
{
    long wrong = 0;
    unsigned char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    for (int i = 0; i < 200; i++) {
        emit_const(p, -i);
        if (((fn0)p)() != -i) wrong++;
        munmap(p, 4096);
        unsigned char *q = mmap(p, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
        if (q != p) { printf("remap moved\n"); return; }
    }
    printf("unmap and map again: stale results %ld\n", wrong);
    munmap(p, 4096);
}

int main(void)
{
    unsigned char *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (page == MAP_FAILED) { perror("mmap"); return 1; }
    rewrite_many(page);
    rewrite_lengths(page);
    patch_ahead(page);
    loop_patch(page);
    data_beside_code(page);
    write_then_protect();
    remap();
    return 0;
}
