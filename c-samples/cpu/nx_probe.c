/* No-execute pages: a small function (mov $42,%eax; ret) copied into
 * memory of every kind and called. Natively, a 32-bit program on a 64-bit
 * kernel with NX runs it only from executable mappings: the stack (unless
 * the program asks for an executable stack), the heap, .data, .rodata and
 * read/write or read-only mappings fault with SIGSEGV/SEGV_ACCERR, error
 * code 0x15 (present, user, instruction fetch). A program without
 * PT_GNU_STACK gets READ_IMPLIES_EXEC: everything readable runs. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <ucontext.h>
#include <unistd.h>

static sigjmp_buf env;
static void *target;

static void on_segv(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;
    printf("  SIGSEGV(%d) code %d, at the code %d, err %#x, trapno %d\n", sig, si->si_code, si->si_addr == target,
           (unsigned)uc->uc_mcontext.gregs[REG_ERR], (int)uc->uc_mcontext.gregs[REG_TRAPNO]);
    siglongjmp(env, 1);
}

static const unsigned char ret42[] = {0xb8, 42, 0, 0, 0, 0xc3};
static const unsigned char in_rodata[16] = {0xb8, 42, 0, 0, 0, 0xc3};
static unsigned char in_data[16] = {0xb8, 42, 0, 0, 0, 0xc3};

static void call(const char *what, void *p, int copy)
{
    if (copy) memcpy(p, ret42, sizeof ret42);
    target = p;
    printf("%s:\n", what);
    fflush(stdout);
    if (sigsetjmp(env, 1) == 0) printf("  ran: %d\n", ((int (*)(void))p)());
    fflush(stdout);
}

int main(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigaction(SIGSEGV, &sa, NULL);
    printf("READ_IMPLIES_EXEC %d\n", (personality(0xffffffff) & READ_IMPLIES_EXEC) != 0);

    unsigned char stackbuf[64];
    call("stack", stackbuf, 1);
    call("heap", malloc(64), 1);
    call(".data", in_data, 0);
    call(".rodata", (void *)in_rodata, 0);
    unsigned char *rw = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    call("read/write mmap", rw, 1);
    mprotect(rw, 4096, PROT_READ);
    call("read-only mmap", rw, 0);
    mprotect(rw, 4096, PROT_READ | PROT_EXEC);
    call("made executable with mprotect", rw, 0);
    mprotect(rw, 4096, PROT_READ | PROT_WRITE);
    call("executable taken away again", rw, 0);
    unsigned char *rwx = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    call("read/write/exec mmap", rwx, 1);
    /* a file mapped without PROT_EXEC */
    char path[] = "nx_probe_XXXXXX";
    int fd = mkstemp(path);
    if (fd >= 0) {
        unlink(path);
        if (write(fd, ret42, sizeof ret42) == (ssize_t)sizeof ret42) {
            void *f = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0);
            call("file mapped read-only", f, 0);
            void *fx = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0);
            call("file mapped read+exec", fx, 0);
        }
        close(fd);
    }
    return 0;
}
