/* Temporary files: tmpfile() (O_TMPFILE in /tmp), mkstemp, an O_TMPFILE
 * given a name with linkat through /proc/self/fd, and mkfifo. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int main(void)
{
    FILE *t = tmpfile();
    printf("tmpfile: %s\n", t ? "ok" : strerror(errno));
    fputs("scratch data\n", t);
    rewind(t);
    char line[64] = "";
    fgets(line, sizeof line, t);
    printf("read back: %s", line);
    fclose(t);

    char name[] = "stemp.XXXXXX";
    int fd = mkstemp(name);
    struct stat st;
    fstat(fd, &st);
    printf("mkstemp: mode %04o, name keeps prefix %d\n", st.st_mode & 07777, strncmp(name, "stemp.", 6) == 0);
    write(fd, "abc", 3);
    close(fd);
    stat(name, &st);
    printf("mkstemp size %lld\n", (long long)st.st_size);
    unlink(name);

    fd = open(".", O_TMPFILE | O_RDWR, 0640);
    if (fd < 0) {
        printf("O_TMPFILE: %s\n", strerror(errno));
        return 0;
    }
    write(fd, "anonymous\n", 10);
    fstat(fd, &st);
    printf("O_TMPFILE: nlink %lu mode %04o size %lld\n", (unsigned long)st.st_nlink, st.st_mode & 07777, (long long)st.st_size);
    char proc[64];
    snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
    int r = linkat(AT_FDCWD, proc, AT_FDCWD, "named", AT_SYMLINK_FOLLOW);
    printf("linkat: %s\n", r == 0 ? "ok" : strerror(errno));
    stat("named", &st);
    printf("named: size %lld nlink %lu\n", (long long)st.st_size, (unsigned long)st.st_nlink);
    printf("O_TMPFILE read-only: %s\n", open(".", O_TMPFILE | O_RDONLY, 0600) < 0 ? strerror(errno) : "opened");

    r = mkfifo("fifo", 0600);
    printf("mkfifo: %s\n", r == 0 ? "ok" : strerror(errno));
    r = mkfifo("fifo", 0600);
    printf("mkfifo again: %s\n", r == 0 ? "ok" : strerror(errno));
    int rd = open("fifo", O_RDONLY | O_NONBLOCK);
    int wr = open("fifo", O_WRONLY | O_NONBLOCK);
    printf("fifo opened: %d %d\n", rd >= 0, wr >= 0);
    write(wr, "through the fifo", 16);
    memset(line, 0, sizeof line);
    ssize_t n = read(rd, line, sizeof line - 1);
    printf("fifo read %zd: %s\n", n, line);
    n = read(rd, line, 1);
    printf("empty fifo: %zd %s\n", n, n < 0 ? strerror(errno) : "");
    return 0;
}
