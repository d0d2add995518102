/* Directories: creating, listing (sorted here, since the order entries come
 * in is the file system's), telldir/seekdir/rewinddir, renaming, removing,
 * and the errors each of these reports. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define TRY(label, expr) do { int r_ = (expr); \
    printf("%s: %s\n", label, r_ == 0 ? "ok" : strerror(errno)); } while (0)

static int cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void list(const char *path)
{
    DIR *d = opendir(path);
    if (!d) {
        printf("opendir %s: %s\n", path, strerror(errno));
        return;
    }
    char *names[64];
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < 64) {
        char t = e->d_type == DT_DIR ? 'd' : e->d_type == DT_REG ? 'f' : e->d_type == DT_LNK ? 'l' : '?';
        char *s;
        asprintf(&s, "%s(%c)", e->d_name, t);
        names[n++] = s;
    }
    closedir(d);
    qsort(names, n, sizeof *names, cmp);
    printf("%s:", path);
    for (int i = 0; i < n; i++) {
        printf(" %s", names[i]);
        free(names[i]);
    }
    printf("\n");
}

static void touch(const char *path)
{
    close(open(path, O_WRONLY | O_CREAT, 0644));
}

int main(void)
{
    TRY("mkdir top", mkdir("top", 0755));
    TRY("mkdir again", mkdir("top", 0755));
    TRY("mkdir trailing slash", mkdir("top/a/", 0755));
    TRY("mkdir missing parent", mkdir("nope/x", 0755));
    TRY("mkdir under file", (touch("file"), mkdir("file/x", 0755)));
    for (int i = 0; i < 12; i++) {
        char p[32];
        snprintf(p, sizeof p, "top/f%02d", i);
        touch(p);
    }
    symlink("f00", "top/ln");
    list("top");
    list("top/a");
    list("missing");
    list("file");

    DIR *d = opendir("top");
    int count = 0;
    long mark = -1;
    char marked[256] = "";
    struct dirent *e;
    while ((e = readdir(d))) {
        if (++count == 5) {
            mark = telldir(d);
        }
        if (count == 6) strcpy(marked, e->d_name);
    }
    printf("entries: %d\n", count);
    seekdir(d, mark);
    e = readdir(d);
    printf("seekdir returns the same entry: %d\n", e && strcmp(e->d_name, marked) == 0);
    rewinddir(d);
    int again = 0;
    while (readdir(d)) again++;
    printf("after rewinddir: %d\n", again);
    printf("dirfd is a directory: %d\n", fcntl(dirfd(d), F_GETFL) >= 0);
    closedir(d);

    struct dirent **sorted;
    int n = scandir("top", &sorted, NULL, alphasort);
    printf("scandir:");
    for (int i = 0; i < n; i++) {
        printf(" %s", sorted[i]->d_name);
        free(sorted[i]);
    }
    printf("\n");
    free(sorted);

    /* the raw calls: getdents64 and the old getdents agree with readdir */
    int dfd = open("top", O_RDONLY | O_DIRECTORY);
    char raw[128];
    for (int wide = 1; wide >= 0; wide--) {
        lseek(dfd, 0, SEEK_SET);
        int entries = 0, calls = 0;
        long got;
        while ((got = syscall(wide ? SYS_getdents64 : SYS_getdents, dfd, raw, sizeof raw)) > 0) {
            calls++;
            for (long at = 0; at < got; at += *(unsigned short *)(raw + at + (wide ? 16 : 8))) entries++;
        }
        printf("%s: %d entries, more than one call %d, end %ld\n", wide ? "getdents64" : "getdents", entries, calls > 1, got);
    }
    long tiny = syscall(SYS_getdents64, dfd, raw, 8);
    printf("getdents64 with a tiny buffer: %ld %s\n", tiny, tiny < 0 ? strerror(errno) : "");
    lseek(dfd, 0, SEEK_SET);
    tiny = syscall(SYS_getdents64, dfd, raw, 8);
    printf("getdents64 with a tiny buffer: %ld %s\n", tiny, tiny < 0 ? strerror(errno) : "");
    int notdir = open("file", O_RDONLY);
    long bad = syscall(SYS_getdents64, notdir, raw, sizeof raw);
    printf("getdents64 on a file: %ld %s\n", bad, bad < 0 ? strerror(errno) : "");
    close(notdir);
    close(dfd);

    TRY("rmdir non-empty", rmdir("top"));
    TRY("rmdir missing", rmdir("top/zz"));
    TRY("rmdir a file", rmdir("file"));
    TRY("rmdir dot", rmdir("top/a/."));
    TRY("unlink a directory", unlink("top/a"));
    TRY("unlink missing", unlink("top/zz"));
    TRY("rename file", rename("top/f00", "top/renamed"));
    TRY("rename onto existing", rename("top/f01", "top/f02"));
    TRY("rename missing", rename("top/zz", "top/yy"));
    TRY("rename dir into itself", rename("top", "top/a/inside"));
    TRY("rename dir onto file", rename("top/a", "top/f03"));
    TRY("rename file onto dir", rename("top/f03", "top/a"));
    mkdir("other", 0700);
    touch("other/x");
    TRY("rename onto non-empty dir", rename("top/a", "other"));
    TRY("rename dir", rename("top/a", "moved"));
    TRY("renameat2 noreplace", renameat2(AT_FDCWD, "top/f04", AT_FDCWD, "top/f05", RENAME_NOREPLACE));
    TRY("renameat2 exchange", renameat2(AT_FDCWD, "top/f04", AT_FDCWD, "moved", RENAME_EXCHANGE));
    list(".");
    list("top");
    TRY("unlink symlink", unlink("top/ln"));
    for (int i = 0; i < 12; i++) {
        char p[32];
        snprintf(p, sizeof p, "top/f%02d", i);
        unlink(p);
    }
    unlink("top/renamed");
    list("top");
    TRY("rmdir exchanged dir", rmdir("top/f04"));
    TRY("rmdir it again", rmdir("top/f04"));
    TRY("unlinkat removedir", unlinkat(AT_FDCWD, "moved", AT_REMOVEDIR));
    TRY("unlink exchanged file", unlink("moved"));
    TRY("rmdir top", rmdir("top"));
    list(".");
    return 0;
}
