/* Walking a directory tree the way tools do: nftw (physical, following
 * symlinks, depth-first removal) and fts with its chdir-based traversal.
 * Entries are collected and sorted, since directory order is the file
 * system's. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <fts.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char *seen[256];
static int nseen;

static int cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void flush(const char *title)
{
    qsort(seen, nseen, sizeof *seen, cmp);
    printf("%s (%d):\n", title, nseen);
    for (int i = 0; i < nseen; i++) {
        printf("  %s\n", seen[i]);
        free(seen[i]);
    }
    nseen = 0;
}

static int visit(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    const char *kind = flag == FTW_F ? "file" : flag == FTW_D ? "dir" : flag == FTW_DP ? "dir-post" :
                       flag == FTW_SL ? "symlink" : flag == FTW_SLN ? "dangling" : flag == FTW_DNR ? "unreadable" : "?";
    char *s;
    asprintf(&s, "%s %s depth %d size %lld", path, kind, ftw->level, S_ISREG(st->st_mode) ? (long long)st->st_size : 0LL);
    seen[nseen++] = s;
    return 0;
}

static int removal(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    int r = flag == FTW_DP ? rmdir(path) : unlink(path);
    char *s;
    asprintf(&s, "remove %s: %s", path, r == 0 ? "ok" : strerror(errno));
    seen[nseen++] = s;
    return 0;
}

static void make(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    write(fd, text, strlen(text));
    close(fd);
}

int main(void)
{
    mkdir("t", 0755);
    mkdir("t/a", 0755);
    mkdir("t/a/deep", 0755);
    mkdir("t/b", 0755);
    make("t/top.txt", "top\n");
    make("t/a/one.txt", "1\n");
    make("t/a/deep/two.txt", "22\n");
    make("t/b/three.txt", "333\n");
    symlink("a", "t/link-to-a");
    symlink("missing", "t/dangling");

    nftw("t", visit, 8, FTW_PHYS);
    flush("nftw physical");
    /* following links: the dangling one is reported as such (which of a and
     * link-to-a is walked depends on directory order, so only that is shown) */
    nftw("t", visit, 8, 0);
    for (int i = 0; i < nseen; i++) if (strstr(seen[i], "dangling ")) printf("following: %s\n", seen[i]);
    for (int i = 0; i < nseen; i++) free(seen[i]);
    nseen = 0;
    nftw("t", visit, 8, FTW_PHYS | FTW_DEPTH | FTW_CHDIR);
    flush("nftw depth-first with chdir");

    char *roots[] = { "t", NULL };
    FTS *fts = fts_open(roots, FTS_PHYSICAL, NULL);
    FTSENT *e;
    while ((e = fts_read(fts))) {
        if (e->fts_info == FTS_DP) continue;
        char *s;
        asprintf(&s, "%s level %d info %d", e->fts_path, e->fts_level, e->fts_info);
        seen[nseen++] = s;
    }
    fts_close(fts);
    flush("fts");

    char cwd[4096];
    getcwd(cwd, sizeof cwd);
    nftw("t", removal, 8, FTW_PHYS | FTW_DEPTH);
    flush("rm -r");
    char after[4096];
    getcwd(after, sizeof after);
    printf("cwd unchanged: %d, t gone: %d\n", strcmp(cwd, after) == 0, access("t", F_OK) != 0);
    return 0;
}
