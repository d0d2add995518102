/* Calls real programs make that have no better home: memfd_create (a
 * shared mapping of it, seals, its /proc/self/fd name), wait/waitpid/waitid
 * with no children (ECHILD), preadv2/pwritev2 (offset -1 is the file
 * position), readahead, mlock2, membarrier, and extended attributes
 * (user.* set/get/list/remove with their error cases; the file system of the
 * temporary directory decides whether it has them at all). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#define SHOW(label, expr) do { errno = 0; long r_ = (long)(expr); \
    printf("%s = %ld (%s)\n", label, r_, r_ < 0 ? strerror(errno) : "ok"); } while (0)

int main(void)
{
    int m = memfd_create("scratch", MFD_CLOEXEC | MFD_ALLOW_SEALING);
    printf("memfd_create ok %d, cloexec %d\n", m >= 0, fcntl(m, F_GETFD));
    SHOW("ftruncate(memfd)", ftruncate(m, 8192));
    char *p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, m, 0);
    strcpy(p + 4096, "through the mapping");
    char buf[64] = { 0 };
    pread(m, buf, 19, 4096);
    printf("pread(memfd): %s\n", buf);
    char link[64], fdpath[32];
    snprintf(fdpath, sizeof fdpath, "/proc/self/fd/%d", m);
    ssize_t n = readlink(fdpath, link, sizeof link - 1);
    link[n > 0 ? n : 0] = 0;
    printf("memfd link: %s\n", link);
    SHOW("F_GET_SEALS", fcntl(m, F_GET_SEALS));
    SHOW("F_ADD_SEALS(SHRINK|GROW)", fcntl(m, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW));
    SHOW("F_GET_SEALS", fcntl(m, F_GET_SEALS));
    SHOW("ftruncate(sealed)", ftruncate(m, 100));
    SHOW("memfd_create(bad flags)", memfd_create("x", 0x100));
    int plain = memfd_create("plain", 0);
    SHOW("F_GET_SEALS without ALLOW_SEALING", fcntl(plain, F_GET_SEALS));
    SHOW("F_ADD_SEALS on a regular file", fcntl(open("reg", O_RDWR | O_CREAT, 0644), F_ADD_SEALS, F_SEAL_WRITE));

    int status;
    SHOW("wait", wait(&status));
    SHOW("waitpid(-1, WNOHANG)", waitpid(-1, &status, WNOHANG));
    SHOW("waitpid(bad options)", waitpid(-1, &status, 0x40));
    siginfo_t si;
    SHOW("waitid(P_ALL, WEXITED)", waitid(P_ALL, 0, &si, WEXITED));
    SHOW("waitid(no event)", waitid(P_ALL, 0, &si, WNOHANG));

    int f = open("vec", O_RDWR | O_CREAT | O_TRUNC, 0644);
    struct iovec out[2] = { { "ab", 2 }, { "cdef", 4 } };
    SHOW("pwritev2 at 10", pwritev2(f, out, 2, 10, 0));
    SHOW("pwritev2 at -1 (position)", pwritev2(f, out, 2, -1, 0));
    SHOW("lseek(SEEK_CUR)", lseek(f, 0, SEEK_CUR));
    char in[8] = { 0 };
    struct iovec iv = { in, 6 };
    SHOW("preadv2 at 10", preadv2(f, &iv, 1, 10, 0));
    printf("read: %.6s\n", in);
    SHOW("preadv2 bad flags", preadv2(f, &iv, 1, 0, 0x10000));
    SHOW("readahead", readahead(f, 0, 4096));
    SHOW("readahead(pipe)", ({ int pp[2]; pipe(pp); readahead(pp[0], 0, 10); }));
    SHOW("readahead(bad fd)", readahead(99, 0, 10));
    SHOW("mlock2", mlock2(in, sizeof in, 0));
    SHOW("mlock2(bad flags)", mlock2(in, sizeof in, 8));
    long q = syscall(SYS_membarrier, 0, 0);
    printf("membarrier query: %s\n", q > 0 ? "some commands" : "none");

    int x = open("attrs", O_RDWR | O_CREAT, 0644);
    errno = 0;
    int r = setxattr("attrs", "user.colour", "blue", 4, 0);
    printf("setxattr: %d (%s)\n", r, strerror(errno));
    if (r == 0) {
        char v[16] = { 0 };
        SHOW("getxattr size", getxattr("attrs", "user.colour", NULL, 0));
        SHOW("getxattr", getxattr("attrs", "user.colour", v, sizeof v));
        printf("value: %s\n", v);
        SHOW("getxattr small buffer", getxattr("attrs", "user.colour", v, 2));
        SHOW("setxattr CREATE existing", setxattr("attrs", "user.colour", "red", 3, XATTR_CREATE));
        SHOW("setxattr REPLACE missing", setxattr("attrs", "user.size", "1", 1, XATTR_REPLACE));
        SHOW("fsetxattr", fsetxattr(x, "user.size", "12", 2, 0));
        char list[128];
        ssize_t len = listxattr("attrs", list, sizeof list);
        printf("listxattr = %zd:", len);
        for (ssize_t i = 0; i < len; i += strlen(list + i) + 1) printf(" %s", list + i);
        printf("\n");
        SHOW("flistxattr size", flistxattr(x, NULL, 0));
        SHOW("removexattr", removexattr("attrs", "user.colour"));
        SHOW("removexattr again", removexattr("attrs", "user.colour"));
        SHOW("fgetxattr removed", fgetxattr(x, "user.colour", v, sizeof v));
        symlink("attrs", "attrs-link");
        SHOW("lgetxattr on the link", lgetxattr("attrs-link", "user.size", v, sizeof v));
        SHOW("getxattr through the link", getxattr("attrs-link", "user.size", v, sizeof v));
    }
    SHOW("getxattr missing file", getxattr("nope", "user.a", NULL, 0));
    SHOW("getxattr empty name", getxattr("attrs", "", NULL, 0));
    SHOW("setxattr bad flags", setxattr("attrs", "user.a", "1", 1, 4));
    SHOW("getxattr unknown namespace", getxattr("attrs", "bogus.a", NULL, 0));
    SHOW("getxattr /proc/self/status", getxattr("/proc/self/status", "user.a", NULL, 0));
    return 0;
}
