/* What lstat says about /proc/self entries, and the files getlogin and
 * getauxval users read: /proc/self/fd/N links carry the open mode in their
 * owner bits (r-x read, -wx write, none for O_PATH) and a size of 64, the
 * other /proc links a size of 0; fd/ is dr-x------, auxv and environ are
 * 0400 (its size, the number of open fds, is left out: it is new in
 * Linux 6.2). /proc/self/auxv holds the start-up auxiliary vector getauxval
 * answers from; getlogin without a login uid fails with ENXIO. The access
 * mode of the standard streams is how the parent opened them. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <unistd.h>

static void show_lstat(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0) {
        printf("%s: %s\n", path, strerror(errno));
        return;
    }
    /* a directory's size is not printed: /proc/self/fd's is the number of open fds since Linux 6.2 */
    long long size = S_ISDIR(st.st_mode) ? 0 : (long long)st.st_size;
    printf("%s: type %o mode %03o size %lld\n", path, st.st_mode & S_IFMT, st.st_mode & 07777, size);
}

static void show_fd(int fd, const char *what)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    struct stat st;
    if (lstat(path, &st) != 0) {
        printf("fd %s: %s\n", what, strerror(errno));
        return;
    }
    printf("fd %s: mode %03o size %lld\n", what, st.st_mode & 0777, (long long)st.st_size);
}

static void auxv_file(void)
{
    int fd = open("/proc/self/auxv", O_RDONLY);
    if (fd < 0) {
        printf("auxv: %s\n", strerror(errno));
        return;
    }
    unsigned long v[2];
    int pairs = 0, checked = 0, bad = 0, terminated = 0;
    while (read(fd, v, sizeof v) == (ssize_t)sizeof v) {
        pairs++;
        if (v[0] == AT_NULL) {
            terminated = 1;
            break;
        }
        /* values differ from run to run: compared, never printed; glibc
         * answers AT_HWCAP from its own CPU feature bits, not the vector */
        checked++;
        if (v[0] != AT_HWCAP && getauxval(v[0]) != v[1]) {
            bad++;
            printf("auxv type %lu differs from getauxval\n", v[0]);
        }
    }
    close(fd);
    printf("auxv: AT_NULL-terminated %d, %s, %d mismatches\n", terminated, checked >= 10 ? "10 or more entries" : "too few entries", bad);
    printf("auxv: pagesz %lu, phent %lu, clktck %lu, secure %lu\n", getauxval(AT_PAGESZ), getauxval(AT_PHENT), getauxval(AT_CLKTCK), getauxval(AT_SECURE));
    (void)pairs;
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    int fd = open("f.txt", O_CREAT | O_WRONLY | O_TRUNC, 0644);
    show_fd(fd, "O_WRONLY");
    close(fd);
    fd = open("f.txt", O_RDONLY);
    show_fd(fd, "O_RDONLY");
    close(fd);
    fd = open("f.txt", O_RDWR | O_APPEND);
    show_fd(fd, "O_RDWR|O_APPEND");
    printf("F_GETFL accmode %d append %d\n", fcntl(fd, F_GETFL) & O_ACCMODE, (fcntl(fd, F_GETFL) & O_APPEND) != 0);
    close(fd);
    fd = open(".", O_PATH | O_DIRECTORY);
    show_fd(fd, "O_PATH");
    close(fd);
    int p[2];
    if (pipe(p) == 0) {
        show_fd(p[0], "pipe read end");
        show_fd(p[1], "pipe write end");
    }
    for (int s = 0; s < 3; s++) {
        int fl = fcntl(s, F_GETFL);
        printf("std fd %d: accmode %d append %d\n", s, fl & O_ACCMODE, (fl & O_APPEND) != 0);
    }
    const char *paths[] = { "/proc/self", "/proc/thread-self", "/proc/self/exe", "/proc/self/cwd", "/proc/self/root",
                            "/proc/self/fd", "/proc/self/auxv", "/proc/self/environ", "/proc/self/cmdline", "/proc/self/maps" };
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) show_lstat(paths[i]);
    auxv_file();
    errno = 0;
    char *login = getlogin();
    printf("getlogin: %s (%s)\n", login ? "a name" : "NULL", strerror(errno));
    char buf[32];
    fd = open("/proc/self/loginuid", O_RDONLY);
    ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof buf - 1);
    printf("loginuid readable: %d\n", n > 0);
    return 0;
}
