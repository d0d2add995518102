/* Runs the file operations named by its arguments, one per argument, and
 * prints each result: "VERB:PATH[:PATH2]". Used as a conformance program
 * (fs_ops.args) and by the write-policy tests, which run it under --root. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int list(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) return -1;
    char *names[256];
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < 256)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) names[n++] = strdup(e->d_name);
    closedir(d);
    qsort(names, n, sizeof *names, cmp);
    printf("  [");
    for (int i = 0; i < n; i++) {
        printf("%s%s", i ? " " : "", names[i]);
        free(names[i]);
    }
    printf("]\n");
    return 0;
}

static int write_file(const char *path, int flags, const char *text)
{
    int fd = open(path, flags, 0644);
    if (fd < 0) return -1;
    int r = *text && write(fd, text, strlen(text)) < 0 ? -1 : 0;
    int saved = errno;
    close(fd);
    errno = saved;
    return r;
}

static int read_file(const char *path)
{
    char buf[256];
    int fd = open(path, O_RDONLY);
    if (fd < 0) return -1;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n < 0) return -1;
    buf[n] = 0;
    char *nl = strchr(buf, '\n');
    if (nl) *nl = 0;
    printf("  \"%s\"\n", buf);
    return 0;
}

static int cat(const char *path)
{
    char buf[4096];
    int fd = open(path, O_RDONLY);
    if (fd < 0) return -1;
    ssize_t n;
    fflush(stdout);
    while ((n = read(fd, buf, sizeof buf)) > 0) write(1, buf, n);
    close(fd);
    return n < 0 ? -1 : 0;
}

static int run(const char *verb, const char *a, const char *b)
{
    struct stat st;
    if (!strcmp(verb, "create")) return write_file(a, O_WRONLY | O_CREAT | O_TRUNC, "created\n");
    if (!strcmp(verb, "excl")) return write_file(a, O_WRONLY | O_CREAT | O_EXCL, "exclusive\n");
    if (!strcmp(verb, "write")) return write_file(a, O_WRONLY | O_TRUNC, "overwritten\n");
    if (!strcmp(verb, "append")) return write_file(a, O_WRONLY | O_APPEND, "appended\n");
    if (!strcmp(verb, "rdwr")) return write_file(a, O_RDWR, "");
    if (!strcmp(verb, "rdonly-creat")) return write_file(a, O_RDONLY | O_CREAT, "");
    if (!strcmp(verb, "read")) return read_file(a);
    if (!strcmp(verb, "cat")) return cat(a);
    if (!strcmp(verb, "unlink")) return unlink(a);
    if (!strcmp(verb, "mkdir")) return mkdir(a, 0755);
    if (!strcmp(verb, "rmdir")) return rmdir(a);
    if (!strcmp(verb, "rename")) return rename(a, b);
    if (!strcmp(verb, "link")) return link(a, b);
    if (!strcmp(verb, "symlink")) return symlink(a, b);
    if (!strcmp(verb, "chmod")) return chmod(a, 0600);
    if (!strcmp(verb, "chown")) return chown(a, getuid(), getgid());
    if (!strcmp(verb, "truncate")) return truncate(a, 1);
    if (!strcmp(verb, "utime")) return utimensat(AT_FDCWD, a, NULL, 0);
    if (!strcmp(verb, "mkfifo")) return mkfifo(a, 0600);
    if (!strcmp(verb, "access-w")) return access(a, W_OK);
    if (!strcmp(verb, "cd")) return chdir(a);
    if (!strcmp(verb, "ls")) return list(a);
    if (!strcmp(verb, "stat")) {
        if (stat(a, &st) < 0) return -1;
        printf("  %s size %lld\n", S_ISDIR(st.st_mode) ? "dir" : S_ISREG(st.st_mode) ? "file" : "other", (long long)st.st_size);
        return 0;
    }
    if (!strcmp(verb, "readlink")) {
        char buf[256];
        ssize_t n = readlink(a, buf, sizeof buf - 1);
        if (n < 0) return -1;
        printf("  -> %.*s\n", (int)n, buf);
        return 0;
    }
    if (!strcmp(verb, "at-create")) {
        int dir = open(a, O_RDONLY | O_DIRECTORY);
        if (dir < 0) return -1;
        int fd = openat(dir, b, O_WRONLY | O_CREAT, 0644);
        int saved = errno;
        close(dir);
        if (fd >= 0) close(fd);
        errno = saved;
        return fd < 0 ? -1 : 0;
    }
    if (!strcmp(verb, "reopen-w")) {
        /* open for reading, then again for writing through /proc/self/fd */
        int fd = open(a, O_RDONLY | O_NONBLOCK);
        if (fd < 0) return -1;
        char proc[64];
        snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
        int w = open(proc, O_WRONLY | O_NONBLOCK);
        int saved = errno;
        close(fd);
        if (w >= 0) close(w);
        errno = saved;
        return w < 0 ? -1 : 0;
    }
    if (!strcmp(verb, "fchmod-ro")) {
        int fd = open(a, O_RDONLY);
        if (fd < 0) return -1;
        int r = fchmod(fd, 0600);
        int saved = errno;
        close(fd);
        errno = saved;
        return r;
    }
    errno = EINVAL;
    return -1;
}

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        char op[1024];
        snprintf(op, sizeof op, "%s", argv[i]);
        char *verb = op, *a = strchr(op, ':'), *b = NULL;
        if (a) {
            *a++ = 0;
            b = strchr(a, ':');
            if (b) *b++ = 0;
        }
        errno = 0;
        int r = run(verb, a ? a : "", b ? b : "");
        printf("%s: %s\n", argv[i], r < 0 ? strerror(errno) : "ok");
    }
    return 0;
}
