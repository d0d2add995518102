/* The deterministic part of file metadata: type, permission bits, size,
 * link count, timestamps the program sets itself, and the umask's effect;
 * through stat, lstat, fstat, fstatat and statx. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/time.h>
#include <unistd.h>

#define SHOW(label, expr) do { long r_ = (long)(expr); \
    if (r_ < 0) printf("%s: -1 %s\n", label, strerror(errno)); else printf("%s: %ld\n", label, r_); } while (0)

static const char *type_of(mode_t m)
{
    return S_ISREG(m) ? "regular" : S_ISDIR(m) ? "directory" : S_ISLNK(m) ? "symlink" :
           S_ISFIFO(m) ? "fifo" : S_ISCHR(m) ? "chardev" : "other";
}

static void show(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0) {
        printf("%s: %s\n", path, strerror(errno));
        return;
    }
    printf("%s: %s mode %04o size %lld nlink %lu blocks>0 %d\n", path, type_of(st.st_mode), st.st_mode & 07777,
           (long long)st.st_size, (unsigned long)st.st_nlink, st.st_blocks > 0);
}

int main(void)
{
    mode_t old = umask(027);
    printf("old umask %03o\n", old);
    int fd = open("a.txt", O_WRONLY | O_CREAT, 0666);
    write(fd, "0123456789", 10);
    close(fd);
    show("a.txt");
    umask(0);
    fd = open("b.txt", O_WRONLY | O_CREAT, 0777);
    close(fd);
    show("b.txt");
    mkdir("d", 0751);
    show("d");
    umask(022);
    mkdir("d/sub", 0777);
    show("d/sub");
    show("d");
    symlink("a.txt", "link");
    show("link");
    link("a.txt", "hard");
    show("a.txt");
    mkfifo("fifo", 0640);
    show("fifo");
    show("missing");
    show("a.txt/x");
    show("/dev/null");

    struct stat st, st2;
    stat("link", &st);
    printf("stat through link: %s size %lld\n", type_of(st.st_mode), (long long)st.st_size);
    fd = open("a.txt", O_RDONLY);
    fstat(fd, &st2);
    printf("fstat same inode as stat: %d\n", st.st_ino == st2.st_ino && st.st_dev == st2.st_dev);
    fstatat(AT_FDCWD, "link", &st, AT_SYMLINK_NOFOLLOW);
    printf("fstatat nofollow: %s\n", type_of(st.st_mode));
    fstatat(fd, "", &st, AT_EMPTY_PATH);
    printf("fstatat empty path: %s size %lld\n", type_of(st.st_mode), (long long)st.st_size);
    SHOW("fstatat empty without flag", fstatat(fd, "", &st, 0));
    SHOW("fstatat empty at cwd", fstatat(AT_FDCWD, "", &st, 0));
    close(fd);

    struct statx sx;
    if (statx(AT_FDCWD, "a.txt", 0, STATX_BASIC_STATS, &sx) == 0)
        printf("statx: mode %06o size %llu nlink %u mask-has-size %d\n", sx.stx_mode, (unsigned long long)sx.stx_size,
               sx.stx_nlink, (sx.stx_mask & STATX_SIZE) != 0);
    SHOW("statx both sync flags", statx(AT_FDCWD, "a.txt", AT_STATX_FORCE_SYNC | AT_STATX_DONT_SYNC, 0, &sx));

    chmod("a.txt", 0604);
    show("a.txt");
    fchmodat(AT_FDCWD, "b.txt", 0400, 0);
    show("b.txt");
    truncate("a.txt", 3);
    show("a.txt");

    /* times the program sets itself are deterministic */
    struct timespec ts[2] = { { 1000000000, 123456789 }, { 1234567890, 987654321 } };
    utimensat(AT_FDCWD, "a.txt", ts, 0);
    stat("a.txt", &st);
    printf("atime %ld.%09ld mtime %ld.%09ld\n", (long)st.st_atim.tv_sec, st.st_atim.tv_nsec,
           (long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
    struct timespec omit[2] = { { 5, UTIME_OMIT }, { 42, 0 } };
    utimensat(AT_FDCWD, "a.txt", omit, 0);
    stat("a.txt", &st);
    printf("after omit: atime %ld mtime %ld\n", (long)st.st_atim.tv_sec, (long)st.st_mtim.tv_sec);
    struct timeval tv[2] = { { 100, 5 }, { 200, 7 } };
    utimes("b.txt", tv);
    stat("b.txt", &st);
    printf("utimes: %ld.%09ld %ld.%09ld\n", (long)st.st_atim.tv_sec, st.st_atim.tv_nsec, (long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
    struct timespec bad[2] = { { 0, 2000000000 }, { 0, 0 } };
    SHOW("bad nsec", utimensat(AT_FDCWD, "a.txt", bad, 0));
    fd = open("a.txt", O_RDONLY);
    struct timespec fts[2] = { { 77, 0 }, { 88, 0 } };
    futimens(fd, fts);
    fstat(fd, &st);
    printf("futimens: %ld %ld\n", (long)st.st_atim.tv_sec, (long)st.st_mtim.tv_sec);
    close(fd);

    printf("access R_OK a.txt: %d\n", access("a.txt", R_OK));
    SHOW("access F_OK missing", access("missing", F_OK));
    SHOW("access bad mode", access("a.txt", 0100));
    printf("faccessat X_OK d: %d\n", faccessat(AT_FDCWD, "d", X_OK, 0));

    struct statfs a, b;
    statfs(".", &a);
    fd = open(".", O_RDONLY);
    fstatfs(fd, &b);
    printf("statfs same fs: %d namelen %ld\n", a.f_type == b.f_type, (long)a.f_namelen);
    close(fd);
    return 0;
}
