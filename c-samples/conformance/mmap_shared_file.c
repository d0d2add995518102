/* MAP_SHARED file mappings are the file: stores through the mapping are seen
 * by read() at once (no msync) and write()/pwrite() are seen through the
 * mapping; two mappings of one file see each other; bytes stored past the end
 * of the file never reach it; a page wholly past the end raises SIGBUS
 * (BUS_ADRERR) until ftruncate grows the file, and again after it shrinks;
 * mremap keeps the file behind a moved or grown mapping; the mapping
 * outlives close(); PROT_WRITE on a read-only descriptor's mapping is
 * refused (EACCES); read() into a mapping and write() from a page past the
 * end (EFAULT); /dev/zero maps as zeroed memory. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static sigjmp_buf jb;
static volatile int got_sig, got_code;

static void handler(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    got_sig = sig;
    got_code = si->si_code;
    siglongjmp(jb, 1);
}

/* Read one byte, reporting a signal instead of crashing. */
static void probe(const char *label, volatile char *p)
{
    got_sig = 0;
    if (sigsetjmp(jb, 1) == 0) {
        char c = *p;
        printf("%s: read '%c'\n", label, c ? c : '0');
    } else {
        printf("%s: signal %d code %d\n", label, got_sig, got_code);
    }
}

static void poke(const char *label, volatile char *p, char v)
{
    got_sig = 0;
    if (sigsetjmp(jb, 1) == 0) {
        *p = v;
        printf("%s: stored\n", label);
    } else {
        printf("%s: signal %d code %d\n", label, got_sig, got_code);
    }
}

static long file_size(int fd)
{
    struct stat st;
    fstat(fd, &st);
    return (long)st.st_size;
}

int main(void)
{
    long pg = sysconf(_SC_PAGESIZE);
    struct sigaction sa = { 0 };
    sa.sa_sigaction = handler;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGBUS, &sa, NULL);
    sigaction(SIGSEGV, &sa, NULL);

    int fd = open("data", O_RDWR | O_CREAT | O_TRUNC, 0644);
    write(fd, "0123456789abcdefghij", 20);
    char *a = mmap(NULL, 3 * pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    char *b = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    printf("mapped twice at different places: %d\n", a != MAP_FAILED && b != MAP_FAILED && a != b);

    a[0] = 'A';
    char buf[64] = { 0 };
    pread(fd, buf, 20, 0);
    printf("read() after a store, no msync: %.20s\n", buf);
    printf("the other mapping: %.20s\n", b);
    pwrite(fd, "WW", 2, 4);
    printf("mapping after pwrite: %.8s\n", a);
    lseek(fd, 0, SEEK_END);
    write(fd, "+tail", 5);
    printf("mapping after an append: %.25s\n", a);

    a[100] = 'X';
    printf("msync: %d\n", msync(a, pg, MS_SYNC));
    printf("size after a store past the end: %ld\n", file_size(fd));
    probe("page 2 (past the end)", a + pg + 5);
    poke("store to page 3", a + 2 * pg, 'Z');

    ftruncate(fd, 2 * pg + 10);
    probe("page 2 after growing the file", a + pg + 5);
    poke("store to page 3 after growing", a + 2 * pg, 'Z');
    pread(fd, buf, 1, 2 * pg);
    printf("file byte at page 3: %c\n", buf[0]);
    pread(fd, buf, 1, 100);
    printf("byte 100 now within the file: %c\n", buf[0] ? buf[0] : '0');

    ftruncate(fd, 10);
    probe("page 2 after shrinking", a + pg);
    probe("page 1 after shrinking", a + 5);
    probe("page 1 past the new end", a + 50);
    ftruncate(fd, pg + 1);
    a[pg] = 'G';
    pread(fd, buf, 1, pg);
    printf("grown again, store reaches the file: %c\n", buf[0]);

    /* mremap: grow in place or move, the file stays behind it */
    ftruncate(fd, 6 * pg);
    char *g = mremap(a, 3 * pg, 6 * pg, MREMAP_MAYMOVE);
    g[5 * pg] = 'M';
    pread(fd, buf, 1, 5 * pg);
    printf("mremap grow: ok %d, store reaches the file: %c, old bytes: %.4s\n", g != MAP_FAILED, buf[0], g);
    char *far = mmap(NULL, 16 * pg, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    char *moved = mremap(g, 6 * pg, 6 * pg, MREMAP_MAYMOVE | MREMAP_FIXED, far + 4 * pg);
    moved[1] = 'V';
    pread(fd, buf, 4, 0);
    printf("mremap move: at %d, read back %.4s\n", moved == far + 4 * pg, buf);

    /* a hole in the middle, then the mapping outlives the descriptor */
    munmap(moved + pg, pg);
    probe("unmapped middle page", moved + pg);
    close(fd);
    moved[2 * pg] = 'C';
    fd = open("data", O_RDONLY);
    pread(fd, buf, 1, 2 * pg);
    printf("store after close reaches the file: %c\n", buf[0]);

    /* read-only descriptor */
    char *ro = mmap(NULL, pg, PROT_READ, MAP_SHARED, fd, 0);
    errno = 0;
    int r = mprotect(ro, pg, PROT_READ | PROT_WRITE);
    printf("mprotect(PROT_WRITE) on a read-only file's mapping: %d %s\n", r, strerror(errno));
    errno = 0;
    int failed = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) == MAP_FAILED;
    printf("mmap(PROT_WRITE, MAP_SHARED) of a read-only fd: %s %s\n", failed ? "failed" : "ok", strerror(errno));
    char *priv = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    priv[0] = 'p';
    printf("private copy written: %c, file still %c\n", priv[0], ro[0]);

    /* the kernel fills a mapping through read(); write() from past the end fails */
    int other = open("other", O_RDWR | O_CREAT | O_TRUNC, 0644);
    write(other, "from read()", 11);
    lseek(other, 0, SEEK_SET);
    printf("read() into the mapping: %zd -> %.11s\n", read(other, moved + 3 * pg, 11), moved + 3 * pg);
    int small = open("small", O_RDWR | O_CREAT | O_TRUNC, 0644);
    write(small, "x", 1);
    char *s = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE, MAP_SHARED, small, 0);
    errno = 0;
    ssize_t w = write(other, s + pg, 4);
    printf("write() from a page past the end: %zd %s\n", w, strerror(errno));

    /* /proc/self/maps marks shared mappings */
    FILE *maps = fopen("/proc/self/maps", "r");
    char line[512];
    int shared = 0;
    while (fgets(line, sizeof line, maps))
        if (strstr(line, "/data") && strstr(line, "rw-s")) shared++;
    fclose(maps);
    printf("rw-s lines for the file: %d\n", shared > 0);

    /* /dev/zero: private and shared mappings are zeroed memory */
    int z = open("/dev/zero", O_RDWR);
    char *zp = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE, z, 0);
    char *zs = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED, z, 0);
    printf("/dev/zero: %d %d", zp != MAP_FAILED && zp[100] == 0, zs != MAP_FAILED && zs[100] == 0);
    zp[0] = 1;
    zs[0] = 2;
    printf(" writable %d %d\n", zp[0], zs[0]);
    return 0;
}
