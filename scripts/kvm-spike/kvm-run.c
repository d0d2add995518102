/*
 * A spike, not part of dsu: run a static i386 Linux program (ET_EXEC) in a
 * KVM virtual machine, guest code at native speed, with every int 0x80
 * leaving the VM so the host emulates the system call. It answers one
 * question for the performance issue: what would a KVM engine behind
 * emulator/engine/ give, and what would each system call cost?
 *
 * The machine is set up as an x86-64 Linux kernel runs an i386 program:
 * long mode, with the program in compatibility mode (a 32-bit code segment,
 * cs 0x23, ds/ss 0x2b, at ring 3) and 64-bit ring-0 stubs. That is also the
 * only way here: this host's nested hypervisor (kvm-pvm) supports guest
 * paging only in long mode and refuses 32-bit and PAE paging. 1 GiB of guest
 * memory is identity-mapped with 2 MiB pages (the first 2 MiB, which hold
 * the tables and stubs, supervisor-only). Vector 0x80 is a DPL-3 gate to a
 * stub that does `out` (a VM exit) and `iretq`; the host reads the
 * registers, runs the call, writes EAX. CPU exceptions go to stubs that
 * report the vector and stop.
 *
 * Only what a static glibc program needs is emulated (brk, mmap2 of
 * anonymous memory, set_thread_area, uname, write, exit, getppid, ...);
 * anything else answers ENOSYS.
 *
 * usage: kvm-run PROGRAM [ARGS...]
 *        kvm-run --raw64 BLOB   (flat 64-bit code at 0x08048000, ring 3:
 *                                does this host run long-mode user code natively?)
 */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#define MEM_SIZE (1u << 30)
#define PML4 0x1000u         /* long-mode page tables: PML4 -> PDPT -> one PD */
#define PDPT 0x2000u
#define PAGE_DIR 0x3000u     /* 512 entries of 2 MiB pages: 1 GiB, identity */
#define GDT_BASE 0x8000u
#define IDT_BASE 0x9000u     /* 256 16-byte gates */
#define TSS_BASE 0xa000u     /* 64-bit TSS: rsp0 */
#define STUBS 0xb000u        /* int 0x80 stub, then one stub per exception */
#define KSTACK_TOP 0x20000u
#define STACK_TOP 0x3ff00000u
#define MMAP_TOP 0x30000000u
#define PORT_SYSCALL 0xf0
#define PORT_FAULT 0xf1
#define PORT_UD 0xf2         /* #UD: on this host, int 0x80 from user mode arrives as #UD */

static uint8_t *mem;
static uint32_t brk_start, brk_cur, mmap_next = MMAP_TOP;
static int vcpu;
static struct kvm_run *run;

static void die(const char *what) { perror(what); exit(120); }

static void *guest(uint32_t a, uint32_t len)
{
    if (a >= MEM_SIZE || len > MEM_SIZE - a) return NULL;
    return mem + a;
}

/* A segment descriptor: base, limit (in 4 KiB units when g), access byte, flags nibble. */
static uint64_t descriptor(uint32_t base, uint32_t limit, uint8_t access, uint8_t flags)
{
    return (uint64_t)(limit & 0xffff) | (uint64_t)(base & 0xffffff) << 16 | (uint64_t)access << 40 |
           (uint64_t)((limit >> 16) & 0xf) << 48 | (uint64_t)(flags & 0xf) << 52 | (uint64_t)(base >> 24) << 56;
}

/* A long-mode interrupt gate (16 bytes) to 64-bit code at `handler`. */
static void gate(int vector, uint32_t handler, int dpl)
{
    uint64_t g[2] = {(handler & 0xffff) | (uint64_t)0x08 << 16 | (uint64_t)(0x8e | dpl << 5) << 40 |
                     (uint64_t)(handler >> 16) << 48, 0};
    memcpy(mem + IDT_BASE + 16 * vector, g, 16);
}

static void build_machine(void)
{
    uint64_t *pml4 = (uint64_t *)(mem + PML4), *pdpt = (uint64_t *)(mem + PDPT), *pd = (uint64_t *)(mem + PAGE_DIR);
    pml4[0] = PDPT | 7;
    pdpt[0] = PAGE_DIR | 7;
    for (uint64_t i = 0; i < MEM_SIZE >> 21; i++)
        pd[i] = (i << 21) | 0x83 | (i > 0 ? 0x04 : 0); /* present, writable, 2 MiB, user above 2 MiB */
    uint64_t *gdt = (uint64_t *)(mem + GDT_BASE);
    gdt[1] = descriptor(0, 0xfffff, 0x9b, 0xa); /* 0x08 kernel code, 64-bit */
    gdt[2] = descriptor(0, 0xfffff, 0x93, 0xc); /* 0x10 kernel data */
    gdt[4] = descriptor(0, 0xfffff, 0xfb, 0xc); /* 0x23 user code, 32-bit */
    gdt[5] = descriptor(0, 0xfffff, 0xf3, 0xc); /* 0x2b user data */
    gdt[6] = descriptor(0, 0xfffff, 0xfb, 0xa); /* 0x33 user code, 64-bit (--raw64; TLS entries 6..8 otherwise) */
    gdt[9] = descriptor(TSS_BASE, 103, 0x89, 0x0); /* 0x48 TSS (64-bit: 16 bytes, high half 0) */
    gdt[10] = 0;
    memcpy(mem + TSS_BASE + 4, &(uint64_t){KSTACK_TOP}, 8); /* rsp0 */
    uint8_t *s = mem + STUBS;
    /* int 0x80: out %al, $PORT_SYSCALL; iretq */
    s[0] = 0xe6; s[1] = PORT_SYSCALL; s[2] = 0x48; s[3] = 0xcf;
    gate(0x80, STUBS, 3);
    for (int v = 0; v < 32; v++) {
        uint8_t *e = s + 16 + 16 * v; /* mov $v, %al; out %al, $PORT_FAULT; hlt */
        e[0] = 0xb0; e[1] = (uint8_t)v; e[2] = 0xe6; e[3] = PORT_FAULT; e[4] = 0xf4;
        gate(v, STUBS + 16 + 16 * v, 0);
    }
    /* #UD keeps the user's registers: out %al, $PORT_UD; iretq. The nested
       hypervisor here (kvm-pvm) turns a user-mode int 0x80 into #UD, so the
       host treats a #UD on the bytes cd 80 as a system call. */
    uint8_t *ud = s + 16 + 16 * 6;
    ud[0] = 0xe6; ud[1] = PORT_UD; ud[2] = 0x48; ud[3] = 0xcf;
}

static void seg(struct kvm_segment *k, uint16_t sel, int code, int dpl)
{
    memset(k, 0, sizeof *k);
    k->selector = sel; k->base = 0; k->limit = 0xffffffff; k->present = 1; k->dpl = dpl;
    k->db = 1; k->s = 1; k->g = 1; k->type = code ? 11 : 3;
}

static uint32_t load_elf(const char *path, Elf32_Ehdr *eh, uint32_t *phdr_addr)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0) die(path);
    struct stat st;
    fstat(fd, &st);
    uint8_t *f = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (f == MAP_FAILED) die("mmap program");
    memcpy(eh, f, sizeof *eh);
    if (memcmp(eh->e_ident, ELFMAG, SELFMAG) || eh->e_machine != EM_386 || eh->e_type != ET_EXEC) {
        fprintf(stderr, "kvm-run: %s: not a static i386 ET_EXEC program\n", path);
        exit(126);
    }
    uint32_t end = 0;
    *phdr_addr = 0;
    for (int i = 0; i < eh->e_phnum; i++) {
        Elf32_Phdr *p = (Elf32_Phdr *)(f + eh->e_phoff + i * eh->e_phentsize);
        if (p->p_type == PT_INTERP) { fprintf(stderr, "kvm-run: dynamic programs are not handled\n"); exit(126); }
        if (p->p_type != PT_LOAD) continue;
        uint8_t *dst = guest(p->p_vaddr, p->p_memsz);
        if (!dst || p->p_vaddr < (4u << 20)) { fprintf(stderr, "kvm-run: segment outside guest memory\n"); exit(126); }
        memcpy(dst, f + p->p_offset, p->p_filesz);
        if (p->p_offset == 0) *phdr_addr = p->p_vaddr + eh->e_phoff;
        if (p->p_vaddr + p->p_memsz > end) end = p->p_vaddr + p->p_memsz;
    }
    munmap(f, st.st_size);
    close(fd);
    return (end + 0xfff) & ~0xfffu;
}

/* The initial stack as execve leaves it: argc, argv, envp, auxv, strings. */
static uint32_t build_stack(int argc, char **argv, Elf32_Ehdr *eh, uint32_t phdr)
{
    uint32_t sp = STACK_TOP;
    uint32_t ptrs[64];
    for (int i = argc - 1; i >= 0; i--) {
        size_t n = strlen(argv[i]) + 1;
        sp -= n;
        memcpy(mem + sp, argv[i], n);
        ptrs[i] = sp;
    }
    sp -= 16;
    uint32_t random = sp;
    for (int i = 0; i < 16; i++) mem[sp + i] = (uint8_t)(i * 37 + 11);
    sp &= ~15u;
    uint32_t aux[][2] = {
        {AT_PHDR, phdr}, {AT_PHENT, eh->e_phentsize}, {AT_PHNUM, eh->e_phnum}, {AT_PAGESZ, 4096},
        {AT_ENTRY, eh->e_entry}, {AT_UID, getuid()}, {AT_EUID, geteuid()}, {AT_GID, getgid()},
        {AT_EGID, getegid()}, {AT_SECURE, 0}, {AT_RANDOM, random}, {AT_CLKTCK, 100}, {AT_NULL, 0},
    };
    int naux = sizeof aux / sizeof aux[0];
    int words = 1 + argc + 1 + 1 + 2 * naux;
    sp -= 4 * words;
    sp &= ~15u;
    uint32_t *w = (uint32_t *)(mem + sp);
    *w++ = argc;
    for (int i = 0; i < argc; i++) *w++ = ptrs[i];
    *w++ = 0; /* argv end */
    *w++ = 0; /* no environment */
    for (int i = 0; i < naux; i++) { *w++ = aux[i][0]; *w++ = aux[i][1]; }
    return sp;
}

static int32_t sys_set_thread_area(uint32_t uinfo)
{
    uint32_t *u = guest(uinfo, 16);
    if (!u) return -EFAULT;
    int entry = (int32_t)u[0];
    if (entry == -1) u[0] = entry = 6;
    if (entry < 6 || entry > 8) return -EINVAL;
    uint32_t base = u[1], limit = u[2], flags = u[3];
    int seg32 = flags & 1, limit_pages = (flags >> 4) & 1;
    uint64_t d = descriptor(base, limit, 0xf3, (limit_pages ? 8 : 0) | (seg32 ? 4 : 0));
    memcpy(mem + GDT_BASE + 8 * entry, &d, 8);
    return 0;
}

static long syscalls, exits_io, exits_ud;

/* Runs one system call; returns 1 when the program is gone. */
static int do_syscall(struct kvm_regs *r, int *status)
{
    uint32_t nr = r->rax, a = r->rbx, b = r->rcx, c = r->rdx;
    int32_t ret = -ENOSYS;
    syscalls++;
    switch (nr) {
    case 1: case 252: *status = a & 0xff; return 1;              /* exit, exit_group */
    case 4: {                                                      /* write */
        void *p = guest(b, c);
        ret = p ? (int32_t)write(a, p, c) : -EFAULT;
        if (ret < 0) ret = -errno;
        break;
    }
    case 45:                                                       /* brk */
        if (a >= brk_start && a < mmap_next) brk_cur = a;
        ret = brk_cur;
        break;
    case 64: ret = getppid(); break;                               /* getppid */
    case 122: {                                                    /* uname */
        struct utsname u;
        uname(&u);
        char *p = guest(a, 390);
        if (!p) { ret = -EFAULT; break; }
        memset(p, 0, 390);
        strcpy(p, "Linux"); strcpy(p + 65, u.nodename); strcpy(p + 130, u.release);
        strcpy(p + 195, u.version); strcpy(p + 260, "i686");
        ret = 0;
        break;
    }
    case 192: {                                                    /* mmap2: anonymous only */
        uint32_t len = (b + 0xfff) & ~0xfffu;
        if ((r->rsi & 0x20) == 0) { ret = -ENODEV; break; }
        mmap_next -= len;
        memset(mem + mmap_next, 0, len);
        ret = mmap_next;
        break;
    }
    case 91: case 125: ret = 0; break;                             /* munmap, mprotect */
    case 243: ret = sys_set_thread_area(a); break;                 /* set_thread_area */
    case 258: ret = 1; break;                                      /* set_tid_address */
    case 311: ret = 0; break;                                      /* set_robust_list */
    case 355: {                                                    /* getrandom */
        uint8_t *p = guest(a, b);
        if (!p) { ret = -EFAULT; break; }
        for (uint32_t i = 0; i < b; i++) p[i] = (uint8_t)rand();
        ret = b;
        break;
    }
    case 85: ret = -ENOENT; break;                                 /* readlink */
    case 54: ret = -ENOTTY; break;                                 /* ioctl */
    case 197: {                                                    /* fstat64: a pipe */
        uint8_t *p = guest(b, 96);
        if (!p) { ret = -EFAULT; break; }
        memset(p, 0, 96);
        uint32_t mode = S_IFIFO | 0600;
        memcpy(p + 16, &mode, 4);
        ret = 0;
        break;
    }
    default: break;                                                /* statx, rseq, ...: ENOSYS */
    }
    r->rax = (uint32_t)ret;
    return 0;
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    if (argc < 2) { fprintf(stderr, "usage: %s PROGRAM [ARGS...]\n", argv[0]); return 2; }
    double t0 = now();
    int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    if (kvm < 0) die("/dev/kvm");
    int vm = ioctl(kvm, KVM_CREATE_VM, 0);
    if (vm < 0) die("KVM_CREATE_VM");
    mem = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (mem == MAP_FAILED) die("mmap guest memory");
    struct kvm_userspace_memory_region region = { .slot = 0, .guest_phys_addr = 0, .memory_size = MEM_SIZE, .userspace_addr = (uint64_t)mem };
    if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &region) < 0) die("KVM_SET_USER_MEMORY_REGION");
    vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
    if (vcpu < 0) die("KVM_CREATE_VCPU");
    int run_size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
    run = mmap(NULL, run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
    if (run == MAP_FAILED) die("mmap kvm_run");

    /* the host's CPUID as KVM supports it, so glibc picks its SSE2 paths */
    struct { struct kvm_cpuid2 h; struct kvm_cpuid_entry2 e[100]; } cpuid = { .h.nent = 100 };
    if (ioctl(kvm, KVM_GET_SUPPORTED_CPUID, &cpuid) < 0) die("KVM_GET_SUPPORTED_CPUID");
    if (ioctl(vcpu, KVM_SET_CPUID2, &cpuid) < 0) die("KVM_SET_CPUID2");

    build_machine();
    Elf32_Ehdr eh;
    uint32_t phdr, sp;
    int raw64 = strcmp(argv[1], "--raw64") == 0 && argc == 3;
    if (raw64) {
        FILE *f = fopen(argv[2], "rb");
        if (!f) die(argv[2]);
        size_t n = fread(mem + 0x08048000u, 1, 1 << 20, f);
        fclose(f);
        memset(&eh, 0, sizeof eh);
        eh.e_entry = 0x08048000u;
        brk_start = brk_cur = (0x08048000u + n + 0xfff) & ~0xfffu;
        sp = STACK_TOP;
    } else {
        brk_start = brk_cur = load_elf(argv[1], &eh, &phdr);
        sp = build_stack(argc - 1, argv + 1, &eh, phdr);
    }

    struct kvm_sregs sr;
    if (ioctl(vcpu, KVM_GET_SREGS, &sr) < 0) die("KVM_GET_SREGS");
    seg(&sr.cs, 0x23, 1, 3); /* compatibility mode: l = 0, db = 1 */
    if (raw64) { sr.cs.l = 1; sr.cs.db = 0; sr.cs.selector = 0x33; }
    seg(&sr.ds, 0x2b, 0, 3);
    sr.es = sr.fs = sr.gs = sr.ss = sr.ds;
    sr.gdt.base = GDT_BASE; sr.gdt.limit = 16 * 8 - 1;
    sr.idt.base = IDT_BASE; sr.idt.limit = 256 * 16 - 1;
    memset(&sr.tr, 0, sizeof sr.tr);
    sr.tr.selector = 0x48; sr.tr.base = TSS_BASE; sr.tr.limit = 103; sr.tr.type = 11; sr.tr.present = 1;
    sr.cr3 = PML4;
    sr.cr4 = 0x20 | 0x200 | 0x400;                   /* PAE, OSFXSR, OSXMMEXCPT */
    sr.cr0 = 0x80000000u | 0x20 | 0x2 | 0x1 | 0x10000; /* PG, NE, MP, PE, WP */
    sr.efer = 0x500;                                  /* LME, LMA */
    if (ioctl(vcpu, KVM_SET_SREGS, &sr) < 0) die("KVM_SET_SREGS");
    /* x87 and SSE state enabled in XCR0 (SSE instructions raise #UD here otherwise) */
    struct kvm_xcrs xcrs = { .nr_xcrs = 1, .xcrs = { { .xcr = 0, .value = 3 } } };
    if (ioctl(vcpu, KVM_SET_XCRS, &xcrs) < 0) die("KVM_SET_XCRS");
    struct kvm_regs r = { .rip = eh.e_entry, .rsp = sp, .rflags = 0x202 };
    if (ioctl(vcpu, KVM_SET_REGS, &r) < 0) die("KVM_SET_REGS");
    double t_ready = now();

    int status = 0;
    for (;;) {
        if (ioctl(vcpu, KVM_RUN, 0) < 0) die("KVM_RUN");
        if (run->exit_reason == KVM_EXIT_IO && run->io.port == PORT_SYSCALL) {
            exits_io++;
            if (ioctl(vcpu, KVM_GET_REGS, &r) < 0) die("KVM_GET_REGS");
            if (do_syscall(&r, &status)) break;
            if (ioctl(vcpu, KVM_SET_REGS, &r) < 0) die("KVM_SET_REGS");
            continue;
        }
        if (run->exit_reason == KVM_EXIT_IO && run->io.port == PORT_UD) {
            uint64_t *frame = (uint64_t *)(mem + KSTACK_TOP - 40); /* rip, cs, rflags, rsp, ss */
            uint32_t rip = (uint32_t)frame[0];
            uint8_t *insn = guest(rip, 2);
            if (insn && insn[0] == 0xcd && insn[1] == 0x80) {
                exits_ud++;
                if (ioctl(vcpu, KVM_GET_REGS, &r) < 0) die("KVM_GET_REGS");
                if (do_syscall(&r, &status)) break;
                if (ioctl(vcpu, KVM_SET_REGS, &r) < 0) die("KVM_SET_REGS");
                frame[0] = rip + 2;
                continue;
            }
            fprintf(stderr, "kvm-run: invalid instruction at %08x\n", rip);
            return 132;
        }
        if (run->exit_reason == KVM_EXIT_IO && run->io.port == PORT_FAULT) {
            ioctl(vcpu, KVM_GET_REGS, &r);
            ioctl(vcpu, KVM_GET_SREGS, &sr);
            uint64_t *ks = (uint64_t *)(mem + KSTACK_TOP);
            if (getenv("KVM_RUN_DEBUG")) for (int i = 1; i <= 8; i++) fprintf(stderr, "  ks[-%d] = %016llx\n", i, (unsigned long long)ks[-i]);
            fprintf(stderr, "kvm-run: guest exception %u (cr2 %#llx) at eip %08x error %08x\n",
                    (unsigned)(r.rax & 0xff), (unsigned long long)sr.cr2, (unsigned)ks[-5], (unsigned)ks[-6]);
            return 139;
        }
        ioctl(vcpu, KVM_GET_REGS, &r);
        ioctl(vcpu, KVM_GET_SREGS, &sr);
        fprintf(stderr, "kvm-run: unexpected exit %u at eip %#llx esp %#llx cs %#x cr0 %#llx cr2 %#llx\n", run->exit_reason,
                (unsigned long long)r.rip, (unsigned long long)r.rsp, sr.cs.selector, (unsigned long long)sr.cr0, (unsigned long long)sr.cr2);
        return 121;
    }
    double t_end = now();
    if (getenv("KVM_RUN_STATS"))
        fprintf(stderr, "kvm-run: set-up %.2f ms, run %.2f ms, %ld syscalls (%ld through the int 0x80 gate, %ld through #UD)\n",
                (t_ready - t0) * 1e3, (t_end - t_ready) * 1e3, syscalls, exits_io, exits_ud);
    return status;
}
