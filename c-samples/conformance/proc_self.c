/* /proc/self describes the program itself: exe, cmdline, comm, maps, fd/,
 * fdinfo/, cwd, environ, status and stat. Only what is the same natively and
 * under emulation is printed (paths relative to known places, yes/no). */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

static size_t slurp(const char *path, char *buf, size_t size)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        printf("open %s: %s\n", path, strerror(errno));
        return 0;
    }
    size_t total = 0;
    ssize_t n;
    while (total < size - 1 && (n = read(fd, buf + total, size - 1 - total)) > 0) total += n;
    buf[total] = 0;
    close(fd);
    return total;
}

static char *field(char *text, const char *key)
{
    char *p = strstr(text, key);
    if (!p) return "(missing)";
    p += strlen(key);
    while (*p == '\t' || *p == ' ') p++;
    char *end = strchr(p, '\n');
    if (end) *end = 0;
    return p;
}

int main(int argc, char **argv)
{
    static char buf[1 << 16];
    char exe[PATH_MAX], real[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    exe[n < 0 ? 0 : n] = 0;
    realpath(argv[0], real);
    printf("exe is the program: %d\n", strcmp(exe, real) == 0);
    struct stat a, b;
    stat("/proc/self/exe", &a);
    stat(argv[0], &b);
    printf("exe stat is the program's: %d\n", a.st_ino == b.st_ino && a.st_dev == b.st_dev);

    slurp("/proc/self/maps", buf, sizeof buf);
    printf("maps names the program: %d\n", strstr(buf, real) != NULL);
    printf("maps has [stack]: %d\n", strstr(buf, "[stack]") != NULL);
    unsigned long lo, hi;
    char perms[8];
    printf("maps first line parses: %d\n", sscanf(buf, "%lx-%lx %7s", &lo, &hi, perms) == 3 && lo < hi);
    int found_main = 0;
    for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
        if (sscanf(line, "%lx-%lx %7s", &lo, &hi, perms) == 3 && (unsigned long)&main >= lo && (unsigned long)&main < hi)
            found_main = perms[2] == 'x';
    }
    printf("main is in an executable mapping: %d\n", found_main);

    n = slurp("/proc/self/cmdline", buf, sizeof buf);
    printf("cmdline bytes match argv: %d\n", n > 0 && strcmp(buf, argv[0]) == 0);
    for (char *p = buf + strlen(buf) + 1; p < buf + n; p += strlen(p) + 1) printf("cmdline arg: %s\n", p);

    slurp("/proc/self/comm", buf, sizeof buf);
    char *base = strrchr(argv[0], '/');
    char expect[32];
    snprintf(expect, sizeof expect, "%.15s\n", base ? base + 1 : argv[0]);
    printf("comm is the program name: %d\n", strcmp(buf, expect) == 0);
    prctl(PR_SET_NAME, "renamed-thread");
    slurp("/proc/self/comm", buf, sizeof buf);
    printf("comm after PR_SET_NAME: %s", buf);
    slurp("/proc/self/status", buf, sizeof buf);
    printf("status Name: %s\n", field(buf, "Name:"));
    slurp("/proc/self/status", buf, sizeof buf);
    printf("status Pid matches: %d\n", atoi(field(buf, "\nPid:")) == getpid());
    slurp("/proc/self/status", buf, sizeof buf);
    printf("status Threads: %s\n", field(buf, "Threads:"));
    slurp("/proc/self/stat", buf, sizeof buf);
    int pid = 0;
    char comm[64] = "";
    char state = '?';
    sscanf(buf, "%d (%63[^)]) %c", &pid, comm, &state);
    printf("stat: pid matches %d, comm %s, state %c\n", pid == getpid(), comm, state);

    slurp("/proc/self/environ", buf, sizeof buf);
    int seen = 0;
    for (char *p = buf; *p; p += strlen(p) + 1) if (strcmp(p, "PROC_SELF_TEST=environ works") == 0) seen = 1;
    printf("environ has the test variable: %d\n", seen);

    int fd = open("opened.txt", O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    char link[64], target[PATH_MAX], cwd[PATH_MAX];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    n = readlink(link, target, sizeof target - 1);
    target[n < 0 ? 0 : n] = 0;
    getcwd(cwd, sizeof cwd);
    printf("fd link: %s\n", strncmp(target, cwd, strlen(cwd)) == 0 ? target + strlen(cwd) : target);
    n = readlink("/proc/self/cwd", target, sizeof target - 1);
    target[n < 0 ? 0 : n] = 0;
    printf("cwd link is getcwd: %d\n", strcmp(target, cwd) == 0);

    DIR *d = opendir("/proc/self/fd");
    int listed_open = 1, has_fd = 0, has_stdio = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        int n = atoi(e->d_name);
        if (fcntl(n, F_GETFD) < 0) listed_open = 0;
        if (n == fd) has_fd = 1;
        if (n <= 2) has_stdio++;
    }
    closedir(d);
    printf("fd dir: every entry is open %d, has 0-2 %d, has the file %d\n", listed_open, has_stdio == 3, has_fd);

    char info[64];
    snprintf(info, sizeof info, "/proc/self/fdinfo/%d", fd);
    slurp(info, buf, sizeof buf);
    printf("fdinfo flags: %s\n", field(buf, "flags:"));
    write(fd, "abc", 3);
    slurp(info, buf, sizeof buf);
    printf("fdinfo pos: %s\n", field(buf, "pos:"));

    int again = open(link, O_RDONLY);
    n = read(again, buf, 10);
    printf("reopened via /proc/self/fd: read %zd\n", n);
    printf("/proc/self/fd/99: %s\n", open("/proc/self/fd/99", O_RDONLY) < 0 ? strerror(errno) : "opened");
    printf("/proc/self/nonexistent: %s\n", access("/proc/self/nonexistent", F_OK) < 0 ? strerror(errno) : "exists");
    struct stat ps;
    stat("/proc/self", &ps);
    printf("/proc/self is a directory: %d\n", S_ISDIR(ps.st_mode));
    lstat("/proc/self", &ps);
    printf("lstat /proc/self is a link: %d\n", S_ISLNK(ps.st_mode));
    n = readlink("/proc/self", target, sizeof target - 1);
    target[n < 0 ? 0 : n] = 0;
    printf("/proc/self -> pid: %d\n", atoi(target) == getpid());
    char mine[64];
    snprintf(mine, sizeof mine, "/proc/%d/comm", getpid());
    slurp(mine, buf, sizeof buf);
    printf("/proc/<pid>/comm: %s", buf);
    printf("cpuinfo readable: %d\n", slurp("/proc/cpuinfo", buf, sizeof buf) > 0);
    return 0;
}
