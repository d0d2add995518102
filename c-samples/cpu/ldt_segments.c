/* modify_ldt and the segments it describes: reading an empty LDT and the
 * default one, 32-bit data segments loaded into %fs and %es with their base
 * and limit applied, a 16-bit code segment called with a far call, the
 * descriptors read back (old mode clears the "available" bit), clearing an
 * entry, a not-present segment (#NP: SIGBUS) and the calls the kernel
 * refuses. (Segment limits are not enforced by the emulator: see the
 * README's limitations.) */
#define _GNU_SOURCE
#include <asm/ldt.h>
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

static sigjmp_buf env;

static void on_signal(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;
    printf("  signal %d code %d trapno %d err %#x\n", sig, si->si_code, (int)uc->uc_mcontext.gregs[REG_TRAPNO],
           (unsigned)uc->uc_mcontext.gregs[REG_ERR]);
    siglongjmp(env, 1);
}

static long modify_ldt(int func, void *ptr, unsigned long count)
{
    long r = syscall(SYS_modify_ldt, func, ptr, count);
    return r < 0 ? -errno : r;
}

static struct user_desc desc(unsigned entry, void *base, unsigned limit, int seg32, int contents, int not_present)
{
    struct user_desc d;
    memset(&d, 0, sizeof d);
    d.entry_number = entry;
    d.base_addr = (unsigned)(uintptr_t)base;
    d.limit = limit;
    d.seg_32bit = seg32;
    d.contents = contents;
    d.seg_not_present = not_present;
    d.useable = 1;
    return d;
}

#define SEL(entry) (((entry) << 3) | 7)

static unsigned char buffer[256] __attribute__((aligned(16)));

int main(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_signal;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGBUS, &sa, NULL);
    for (int i = 0; i < 256; i++) buffer[i] = (unsigned char)(i * 3 + 1);

    unsigned char table[64];
    memset(table, 0xaa, sizeof table);
    printf("read empty LDT: %ld\n", modify_ldt(0, table, sizeof table));
    long got = modify_ldt(2, table, sizeof table);
    printf("read default LDT: %ld, zeroed %d\n", got, table[0] == 0 && table[63] == 0);

    struct user_desc d = desc(0, buffer, 0xff, 1, 0, 0);
    printf("write entry 0 (data, base=buffer, limit 0xff): %ld\n", modify_ldt(0x11, &d, sizeof d));
    unsigned char b0, b200;
    asm volatile("movw %w2, %%fs\n\tmovb %%fs:0, %0\n\tmovb %%fs:200, %1\n\tmovw $0, %%ax\n\tmovw %%ax, %%fs"
                 : "=q"(b0), "=q"(b200) : "r"(SEL(0)) : "eax", "memory");
    printf("  %%fs:0 = %u, %%fs:200 = %u (buffer %u, %u)\n", b0, b200, buffer[0], buffer[200]);

    /* %es with an offset base: string instructions use it */
    d = desc(1, buffer + 16, 0xef, 1, 0, 0);
    printf("write entry 1 (data, base=buffer+16): %ld\n", modify_ldt(0x11, &d, sizeof d));
    unsigned char copy[8];
    unsigned short saved_es;
    asm volatile("movw %%es, %0" : "=r"(saved_es));
    asm volatile("pushl %%es\n\tmovw %w0, %%es\n\tmovl $4, %%edi\n\tmovl $0x11223344, %%eax\n\tstosl\n\tpopl %%es"
                 :: "r"(SEL(1)) : "eax", "edi", "memory");
    memcpy(copy, buffer + 20, 4);
    printf("  stosl through %%es wrote buffer[20..23] = %02x %02x %02x %02x\n", copy[0], copy[1], copy[2], copy[3]);

    /* a 16-bit code segment: mov $0x1234,%ax; lretl */
    unsigned char *code = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    const unsigned char sixteen[] = {0xb8, 0x34, 0x12, 0x66, 0xcb};
    memcpy(code + 0x40, sixteen, sizeof sixteen);
    d = desc(2, code, 0xfff, 0, 2, 0);
    printf("write entry 2 (16-bit code): %ld\n", modify_ldt(0x11, &d, sizeof d));
    unsigned int ax = 0;
    struct { uint32_t offset; uint16_t sel; } __attribute__((packed)) far = {0x40, SEL(2)};
    asm volatile("movl $0, %%eax\n\tlcall *%1" : "=a"(ax) : "m"(far) : "memory");
    printf("  far call into 16-bit code returned ax %#x\n", ax & 0xffff);

    unsigned int lar = 0, lsl = 0;
    asm volatile("larl %2, %0\n\tlsll %2, %1" : "=&r"(lar), "=&r"(lsl) : "r"((unsigned)SEL(2)));
    printf("  lar %#x lsl %#x\n", lar, lsl);

    /* old mode: the available bit is cleared */
    d = desc(3, buffer, 0x10, 1, 0, 0);
    printf("write entry 3 in old mode: %ld\n", modify_ldt(1, &d, sizeof d));
    uint32_t words[8];
    memset(words, 0, sizeof words);
    printf("read 4 entries: %ld\n", modify_ldt(0, words, sizeof words));
    uintptr_t bases[4] = {(uintptr_t)buffer, (uintptr_t)buffer, (uintptr_t)code, (uintptr_t)buffer};
    for (int i = 0; i < 4; i++) {
        uint32_t lo = words[2 * i], hi = words[2 * i + 1];
        uint32_t base = (lo >> 16) | ((hi & 0xff) << 16) | (hi & 0xff000000);
        /* the base as an offset from what it points at: addresses differ between runs */
        printf("  entry %d: flags and limit %08x %04x, base %+ld\n", i, hi & 0x00ffff00, lo & 0xffff, (long)(base - bases[i]));
    }
    unsigned char more[48];
    memset(more, 0xaa, sizeof more);
    got = modify_ldt(0, more, sizeof more);
    printf("read 48 bytes of a 4-entry LDT: %ld, tail zeroed %d\n", got, more[32] == 0 && more[47] == 0);

    /* clearing an entry, then loading it */
    struct user_desc empty;
    memset(&empty, 0, sizeof empty);
    empty.entry_number = 1;
    empty.read_exec_only = 1;
    empty.seg_not_present = 1;
    printf("clear entry 1: %ld\n", modify_ldt(0x11, &empty, sizeof empty));
    printf("  load the cleared entry:\n");
    fflush(stdout);
    if (sigsetjmp(env, 1) == 0) {
        asm volatile("movw %w0, %%fs" :: "r"(SEL(1)));
        printf("  no fault\n");
    }

    d = desc(4, buffer, 0xff, 1, 0, 1);
    printf("write entry 4 (not present): %ld\n", modify_ldt(0x11, &d, sizeof d));
    printf("  load it:\n");
    fflush(stdout);
    if (sigsetjmp(env, 1) == 0) {
        asm volatile("movw %w0, %%fs" :: "r"(SEL(4)));
        printf("  no fault\n");
    }
    asm volatile("movw $0, %%ax\n\tmovw %%ax, %%fs" ::: "eax");

    d = desc(8192, buffer, 0xff, 1, 0, 0);
    printf("entry 8192: %ld\n", modify_ldt(0x11, &d, sizeof d));
    d = desc(5, buffer, 0xff, 1, 3, 1);
    printf("contents 3 in old mode: %ld\n", modify_ldt(1, &d, sizeof d));
    d = desc(5, buffer, 0xff, 1, 3, 0);
    printf("contents 3 present: %ld\n", modify_ldt(0x11, &d, sizeof d));
    printf("short user_desc: %ld\n", modify_ldt(0x11, &d, sizeof d - 1));
    printf("func 5: %ld\n", modify_ldt(5, &d, sizeof d));
    printf("bad pointer: %ld\n", modify_ldt(0x11, (void *)16, sizeof d));
    d = desc(600, buffer, 0xff, 1, 0, 0);
    printf("entry 600: %ld\n", modify_ldt(0x11, &d, sizeof d));
    printf("LDT size now: %ld\n", modify_ldt(0, NULL, 0) == 0 ? (long)0 : -1);
    static unsigned char all[8 * 601];
    printf("read it all: %ld\n", modify_ldt(0, all, sizeof all));
    return 0;
}
