/* The current directory and *at() calls: getcwd/chdir/fchdir, relative
 * paths after a chdir, directory fds as bases, AT_EMPTY_PATH, and the
 * errors for bad bases. Paths are printed relative to the start directory. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char start[PATH_MAX];

static void where(const char *label)
{
    char buf[PATH_MAX];
    if (!getcwd(buf, sizeof buf)) {
        printf("%s: getcwd: %s\n", label, strerror(errno));
        return;
    }
    size_t n = strlen(start);
    printf("%s: .%s\n", label, strncmp(buf, start, n) == 0 ? buf + n : "(outside)");
}

#define TRY(label, expr) do { int r_ = (expr); \
    printf("%s: %s\n", label, r_ >= 0 ? "ok" : strerror(errno)); } while (0)

int main(void)
{
    getcwd(start, sizeof start);
    where("start");
    char tiny[2];
    char *got = getcwd(tiny, sizeof tiny);
    printf("getcwd small buffer: %s\n", got ? "ok" : strerror(errno));
    mkdir("a", 0755);
    mkdir("a/b", 0755);
    TRY("chdir a/b", chdir("a/b"));
    where("in a/b");
    close(open("here.txt", O_WRONLY | O_CREAT, 0644));
    TRY("chdir ..", chdir(".."));
    where("in a");
    TRY("access b/here.txt", access("b/here.txt", F_OK));
    TRY("chdir missing", chdir("missing"));
    TRY("chdir to a file", chdir("b/here.txt"));
    int a = open(".", O_RDONLY | O_DIRECTORY);
    TRY("chdir /", chdir("/"));
    where("at root");
    TRY("fchdir back", fchdir(a));
    where("after fchdir");
    int file = open("b/here.txt", O_RDONLY);
    TRY("fchdir to a file", fchdir(file));
    TRY("fchdir bad fd", fchdir(99));

    int b = openat(a, "b", O_RDONLY | O_DIRECTORY);
    TRY("openat relative to dirfd", openat(b, "here.txt", O_RDONLY));
    TRY("openat absolute ignores dirfd", openat(file, "/dev/null", O_RDONLY));
    TRY("openat with a file as dirfd", openat(file, "x", O_RDONLY));
    TRY("openat with a bad dirfd", openat(77, "x", O_RDONLY));
    TRY("mkdirat", mkdirat(b, "c", 0700));
    TRY("renameat", renameat(b, "here.txt", a, "moved.txt"));
    TRY("fstatat", ({ struct stat st; fstatat(a, "moved.txt", &st, 0); }));
    TRY("faccessat", faccessat(b, "c", W_OK, 0));
    TRY("linkat", linkat(a, "moved.txt", b, "c/linked", 0));
    TRY("unlinkat file", unlinkat(b, "c/linked", 0));
    TRY("unlinkat dir without flag", unlinkat(b, "c", 0));
    TRY("unlinkat dir", unlinkat(b, "c", AT_REMOVEDIR));
    TRY("unlinkat bad flag", unlinkat(b, "c", 0x4));
    struct stat st;
    TRY("fstatat AT_EMPTY_PATH", fstatat(b, "", &st, AT_EMPTY_PATH));
    printf("b is dir: %d\n", S_ISDIR(st.st_mode));
    int p = open("b", O_PATH);
    TRY("O_PATH read", read(p, &st, 1));
    TRY("O_PATH as dirfd", openat(p, "..", O_RDONLY | O_DIRECTORY));
    TRY("fchdir O_PATH", fchdir(p));
    where("after fchdir O_PATH");
    TRY("chdir through ..", chdir("../../a/./b/.."));
    where("normalised");
    TRY("rmdir cwd's child", rmdir("b"));
    TRY("chdir .. past root", chdir("/../../.."));
    where("root again");
    return 0;
}
