/* Resource limits are enforced, not only recorded: RLIMIT_FSIZE cuts a
 * write at the limit and then fails with EFBIG after SIGXFSZ (also for
 * pwrite, writev and ftruncate; not for pipes); RLIMIT_NOFILE bounds open and
 * dup2 (EMFILE, EBADF); RLIMIT_AS makes malloc, mmap and mremap fail with
 * ENOMEM; RLIMIT_DATA bounds sbrk; /proc/self/limits lists them. Last, SIGXFSZ's default action kills
 * the program (status 153). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/uio.h>
#include <unistd.h>

#define SHOW(label, expr) do { errno = 0; long r_ = (long)(expr); \
    printf("%s = %ld (%s) xfsz=%d\n", label, r_, r_ < 0 ? strerror(errno) : "ok", xfsz); } while (0)

static volatile int xfsz;
static void on_xfsz(int s) { (void)s; xfsz++; }

static void set(int resource, rlim_t soft)
{
    struct rlimit r;
    getrlimit(resource, &r);
    r.rlim_cur = soft;
    if (setrlimit(resource, &r) != 0) printf("setrlimit(%d) failed: %s\n", resource, strerror(errno));
}

int main(void)
{
    static char buf[4096];
    signal(SIGXFSZ, on_xfsz);
    set(RLIMIT_FSIZE, 1000);
    int fd = open("f", O_RDWR | O_CREAT | O_TRUNC, 0644);
    SHOW("write 1500 under a 1000-byte limit", write(fd, buf, 1500));
    SHOW("write at the limit", write(fd, buf, 10));
    SHOW("pwrite at 990, 100 bytes", pwrite(fd, buf, 100, 990));
    SHOW("pwrite at 2000", pwrite(fd, buf, 1, 2000));
    struct iovec iov[2] = { { buf, 5 }, { buf, 5 } };
    lseek(fd, 995, SEEK_SET);
    SHOW("writev at 995", writev(fd, iov, 2));
    SHOW("ftruncate(500)", ftruncate(fd, 500));
    SHOW("ftruncate(5000)", ftruncate(fd, 5000));
    SHOW("truncate(\"f\", 1001)", truncate("f", 1001));
    int p[2];
    pipe(p);
    SHOW("write 1500 to a pipe", write(p[1], buf, 1500));
    int a = open("appended", O_WRONLY | O_CREAT | O_APPEND, 0644);
    SHOW("O_APPEND write 900", write(a, buf, 900));
    SHOW("O_APPEND write 900 more", write(a, buf, 900));
    set(RLIMIT_FSIZE, RLIM_INFINITY);
    SHOW("write with no limit", write(fd, buf, 10));

    /* /proc/self/limits shows the limits as set */
    set(RLIMIT_CORE, 0);
    set(RLIMIT_FSIZE, 123456);
    /* a NOFILE of our own: dsu keeps some of the host's descriptors, so its default is lower */
    struct rlimit files = { 200, 200 };
    setrlimit(RLIMIT_NOFILE, &files);
    FILE *lim = fopen("/proc/self/limits", "r");
    char line[256];
    while (lim && fgets(line, sizeof line, lim)) fputs(line, stdout);
    if (lim) fclose(lim);
    set(RLIMIT_FSIZE, RLIM_INFINITY);

    set(RLIMIT_NOFILE, 16);
    int n = 0;
    while (open("/dev/null", O_RDONLY) >= 0) n++;
    printf("opened until %s\n", strerror(errno));
    SHOW("dup2 to fd 20", dup2(0, 20));
    SHOW("fcntl F_DUPFD 20", fcntl(0, F_DUPFD, 20));

    set(RLIMIT_AS, 96 << 20);
    void *big = malloc(200 << 20);
    printf("malloc 200 MiB under a 96 MiB address space: %s\n", big ? "ok" : "NULL");
    errno = 0;
    void *m = mmap(NULL, 120 << 20, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    printf("mmap 120 MiB: %s (%s)\n", m == MAP_FAILED ? "failed" : "ok", strerror(errno));
    char *small = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    printf("mmap 1 MiB: %s\n", small == MAP_FAILED ? "failed" : "ok");
    errno = 0;
    void *grown = mremap(small, 1 << 20, 150 << 20, MREMAP_MAYMOVE);
    printf("mremap to 150 MiB: %s (%s)\n", grown == MAP_FAILED ? "failed" : "ok", strerror(errno));
    set(RLIMIT_AS, RLIM_INFINITY);

    set(RLIMIT_DATA, 64 << 20);
    errno = 0;
    void *brk1 = sbrk(128 << 20);
    printf("sbrk 128 MiB under a 64 MiB data limit: %s (%s)\n", brk1 == (void *)-1 ? "failed" : "ok", strerror(errno));
    errno = 0;
    void *d = mmap(NULL, 100 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    printf("private writable mmap 100 MiB: %s (%s)\n", d == MAP_FAILED ? "failed" : "ok", strerror(errno));
    void *ro = mmap(NULL, 100 << 20, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    printf("read-only mmap 100 MiB (not data): %s\n", ro == MAP_FAILED ? "failed" : "ok");
    set(RLIMIT_DATA, RLIM_INFINITY);

    fflush(stdout);
    signal(SIGXFSZ, SIG_DFL);
    set(RLIMIT_FSIZE, 10);
    write(fd, buf, 100);
    printf("not reached\n");
    return 0;
}
