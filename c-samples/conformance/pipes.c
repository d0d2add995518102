/* Pipes within one process: data in order, EOF once the write end is
 * closed, O_NONBLOCK's EAGAIN, the 64 KiB capacity in the kernel's page
 * accounting, FIONREAD, F_GETPIPE_SZ/F_SETPIPE_SZ, EPIPE with SIGPIPE
 * ignored, and what fstat and lseek say about a pipe. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#define SHOW(label, expr) do { long r_ = (long)(expr); \
    if (r_ < 0) printf("%s: -1 %s\n", label, strerror(errno)); else printf("%s: %ld\n", label, r_); } while (0)

static long fill(int fd, size_t chunk)
{
    static char buf[70000];
    long total = 0;
    for (;;) {
        ssize_t n = write(fd, buf, chunk);
        if (n < 0) {
            printf("  stopped with %s\n", strerror(errno));
            return total;
        }
        total += n;
    }
}

static void show_poll(const char *label, int rd, int wr)
{
    struct pollfd p[2] = { { rd, POLLIN, 0 }, { wr, POLLOUT, 0 } };
    int n = poll(p, 2, 0);
    printf("poll %s: %d ready, read end %#x, write end %#x\n", label, n, p[0].revents, p[1].revents);
}

static void drain(int fd)
{
    char buf[4096];
    while (read(fd, buf, sizeof buf) > 0) {}
}

int main(void)
{
    int p[2];
    SHOW("pipe", pipe(p));
    SHOW("write", write(p[1], "hello", 5));
    SHOW("write", write(p[1], " pipe", 5));
    int avail = -1;
    ioctl(p[0], FIONREAD, &avail);
    printf("FIONREAD: %d\n", avail);
    char buf[64] = {0};
    SHOW("read 3", read(p[0], buf, 3));
    SHOW("read rest", read(p[0], buf + 3, sizeof buf - 4));
    printf("got [%s]\n", buf);
    SHOW("F_GETFL read end", fcntl(p[0], F_GETFL));
    SHOW("F_GETFL write end", fcntl(p[1], F_GETFL));
    SHOW("write on read end", write(p[0], "x", 1));
    SHOW("read on write end", read(p[1], buf, 1));
    SHOW("lseek", lseek(p[0], 0, SEEK_SET));
    SHOW("pread", pread(p[0], buf, 1, 0));
    struct stat st;
    fstat(p[0], &st);
    printf("fifo: %d mode %o size %lld\n", S_ISFIFO(st.st_mode), st.st_mode & 0777, (long long)st.st_size);
    SHOW("F_GETPIPE_SZ", fcntl(p[1], F_GETPIPE_SZ));

    fcntl(p[0], F_SETFL, O_NONBLOCK);
    SHOW("empty non-blocking read", read(p[0], buf, 1));
    fcntl(p[1], F_SETFL, O_NONBLOCK);
    printf("fill with 4096-byte writes:\n");
    printf("  total %ld\n", fill(p[1], 4096));
    drain(p[0]);
    printf("fill with 1000-byte writes:\n");
    printf("  total %ld\n", fill(p[1], 1000));
    drain(p[0]);
    printf("fill with 1-byte writes:\n");
    printf("  total %ld\n", fill(p[1], 1));
    drain(p[0]);
    printf("fill with 70000-byte writes:\n");
    printf("  total %ld\n", fill(p[1], 70000));
    SHOW("F_SETPIPE_SZ below contents", fcntl(p[1], F_SETPIPE_SZ, 4096));
    drain(p[0]);
    SHOW("F_SETPIPE_SZ 5000", fcntl(p[1], F_SETPIPE_SZ, 5000));
    SHOW("F_GETPIPE_SZ", fcntl(p[0], F_GETPIPE_SZ));
    printf("fill resized pipe:\n");
    printf("  total %ld\n", fill(p[1], 3000));
    drain(p[0]);
    SHOW("F_SETPIPE_SZ on a file", fcntl(open(".", O_RDONLY), F_SETPIPE_SZ, 4096));

    SHOW("close write end", close(p[1]));
    SHOW("read at EOF", read(p[0], buf, 1));

    signal(SIGPIPE, SIG_IGN);
    int q[2];
    pipe2(q, O_CLOEXEC);
    SHOW("pipe2 cloexec", fcntl(q[0], F_GETFD));
    close(q[0]);
    SHOW("write with no reader", write(q[1], "x", 1));
    close(q[1]);
    SHOW("pipe2 bad flags", pipe2(q, O_APPEND));

    int r[2];
    pipe2(r, O_NONBLOCK);
    SHOW("pipe2 nonblock flags", fcntl(r[1], F_GETFL));
    int d = dup(r[1]);
    close(r[1]);
    write(d, "still open", 10);
    close(d);
    memset(buf, 0, sizeof buf);
    SHOW("read after dup closed", read(r[0], buf, sizeof buf - 1));
    printf("got [%s]\n", buf);
    SHOW("then EOF", read(r[0], buf, 1));

    int t[2];
    pipe(t);
    show_poll("empty", t[0], t[1]);
    write(t[1], "x", 1);
    show_poll("with data", t[0], t[1]);
    fcntl(t[1], F_SETFL, O_NONBLOCK);
    fill(t[1], 4096);
    show_poll("full", t[0], t[1]);
    close(t[1]);
    show_poll("no writer", t[0], -1);
    drain(t[0]);
    show_poll("no writer, drained", t[0], -1);
    int u[2];
    pipe(u);
    close(u[0]);
    show_poll("no reader", -1, u[1]);
    close(u[1]);
    close(t[0]);

    /* a pipe through stdio */
    int s[2];
    pipe(s);
    FILE *w = fdopen(s[1], "w");
    FILE *rd = fdopen(s[0], "r");
    for (int i = 0; i < 3; i++) fprintf(w, "record %d\n", i);
    fclose(w);
    char line[32];
    while (fgets(line, sizeof line, rd)) printf("stdio: %s", line);
    fclose(rd);
    return 0;
}
