/* Symbolic and hard links: readlink, dangling and looping links, links to
 * directories, O_NOFOLLOW, link counts, realpath. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define TRY(label, expr) do { int r_ = (expr); \
    printf("%s: %s\n", label, r_ >= 0 ? "ok" : strerror(errno)); } while (0)

static void rl(const char *path)
{
    char buf[PATH_MAX];
    ssize_t n = readlink(path, buf, sizeof buf);
    if (n < 0) printf("readlink %s: %s\n", path, strerror(errno));
    else printf("readlink %s: %.*s (%zd)\n", path, (int)n, buf, n);
}

static unsigned long nlink(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0 ? (unsigned long)st.st_nlink : 0;
}

int main(void)
{
    int fd = open("target", O_WRONLY | O_CREAT, 0644);
    write(fd, "contents\n", 9);
    close(fd);
    mkdir("dir", 0755);
    close(open("dir/inner", O_WRONLY | O_CREAT, 0644));

    TRY("symlink", symlink("target", "sym"));
    TRY("symlink exists", symlink("target", "sym"));
    TRY("symlink to dir", symlink("dir", "dirlink"));
    TRY("dangling", symlink("nowhere", "dangling"));
    TRY("loop a", symlink("loopb", "loopa"));
    TRY("loop b", symlink("loopa", "loopb"));
    TRY("relative up", symlink("../target", "dir/up"));
    TRY("absolute", symlink("/dev/null", "abs"));
    rl("sym");
    rl("dirlink");
    rl("dangling");
    rl("dir/up");
    rl("abs");
    rl("target");
    rl("missing");
    char small[4];
    ssize_t n0;
    printf("readlink truncated: %zd\n", readlink("sym", small, sizeof small));
    n0 = readlink("sym", small, 0);
    printf("readlink size 0: %zd %s\n", n0, strerror(errno));

    char buf[32] = {0};
    fd = open("sym", O_RDONLY);
    read(fd, buf, sizeof buf - 1);
    close(fd);
    printf("read through symlink: %s", buf);
    memset(buf, 0, sizeof buf);
    fd = open("dir/up", O_RDONLY);
    read(fd, buf, sizeof buf - 1);
    close(fd);
    printf("read through ../ link: %s", buf);
    TRY("open dangling", open("dangling", O_RDONLY));
    TRY("open loop", open("loopa", O_RDONLY));
    TRY("O_NOFOLLOW on link", open("sym", O_RDONLY | O_NOFOLLOW));
    TRY("O_NOFOLLOW|O_PATH on link", open("sym", O_RDONLY | O_NOFOLLOW | O_PATH));
    TRY("open through dirlink", open("dirlink/inner", O_RDONLY));
    TRY("create through dangling", open("dangling", O_WRONLY | O_CREAT, 0600));
    printf("nowhere exists now: %d\n", access("nowhere", F_OK) == 0);
    TRY("O_CREAT|O_EXCL on link", open("sym", O_WRONLY | O_CREAT | O_EXCL, 0600));

    struct stat st;
    lstat("dirlink", &st);
    printf("lstat dirlink is link: %d, size %lld\n", S_ISLNK(st.st_mode), (long long)st.st_size);
    stat("dirlink", &st);
    printf("stat dirlink is dir: %d\n", S_ISDIR(st.st_mode));
    TRY("lstat dirlink/", lstat("dirlink/", &st));
    printf("dirlink/ is dir: %d\n", S_ISDIR(st.st_mode));

    printf("nlink before: %lu\n", nlink("target"));
    TRY("link", link("target", "hard"));
    TRY("link exists", link("target", "hard"));
    TRY("link dir", link("dir", "dirhard"));
    TRY("link missing", link("missing", "x"));
    printf("nlink after: %lu %lu\n", nlink("target"), nlink("hard"));
    TRY("linkat to symlink itself", linkat(AT_FDCWD, "sym", AT_FDCWD, "symhard", 0));
    lstat("symhard", &st);
    printf("symhard is link: %d\n", S_ISLNK(st.st_mode));
    TRY("linkat follow", linkat(AT_FDCWD, "sym", AT_FDCWD, "followhard", AT_SYMLINK_FOLLOW));
    printf("nlink now: %lu\n", nlink("target"));
    fd = open("hard", O_WRONLY | O_APPEND);
    write(fd, "more\n", 5);
    close(fd);
    stat("target", &st);
    printf("target grew through the hard link: %lld\n", (long long)st.st_size);
    unlink("target");
    printf("after unlink: nlink %lu, sym dangling %d\n", nlink("hard"), access("sym", F_OK) != 0);

    char *rp = realpath("dirlink/inner", NULL);
    char cwd[PATH_MAX];
    getcwd(cwd, sizeof cwd);
    printf("realpath: %s\n", rp && strncmp(rp, cwd, strlen(cwd)) == 0 ? rp + strlen(cwd) : "(outside)");
    free(rp);
    rp = realpath("loopa", NULL);
    int err = errno;
    printf("realpath loop: %s %s\n", rp ? rp : "NULL", strerror(err));

    TRY("symlinkat", symlinkat("inner", open("dir", O_RDONLY | O_DIRECTORY), "rel"));
    rl("dir/rel");
    fd = open("dir", O_RDONLY | O_DIRECTORY);
    ssize_t n = readlinkat(fd, "rel", buf, sizeof buf);
    printf("readlinkat: %.*s\n", (int)n, buf);
    return 0;
}
