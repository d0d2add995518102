/* Terminal queries on things that are not terminals (the test harness gives
 * pipes for stdin/stdout/stderr), FIONREAD, and the character devices. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#define SHOW(label, expr) do { long r_ = (long)(expr); \
    if (r_ < 0) printf("%s = -1 (%s)\n", label, strerror(errno)); else printf("%s = %ld\n", label, r_); } while (0)

static void tty(const char *label, int fd)
{
    errno = 0;
    int t = isatty(fd);
    int err = errno;
    printf("isatty(%s) = %d (%s)\n", label, t, strerror(err));
}

int main(void)
{
    tty("stdin", 0);
    tty("stdout", 1);
    tty("stderr", 2);
    int f = open("file", O_RDWR | O_CREAT | O_TRUNC, 0644);
    write(f, "0123456789", 10);
    lseek(f, 4, SEEK_SET);
    tty("file", f);
    struct termios tio;
    SHOW("tcgetattr(file)", tcgetattr(f, &tio));
    struct winsize ws;
    SHOW("TIOCGWINSZ(file)", ioctl(f, TIOCGWINSZ, &ws));
    int n = -1;
    int r = ioctl(f, FIONREAD, &n);
    printf("FIONREAD(file) = %d, %d bytes left\n", r, n);
    SHOW("unknown ioctl(file)", ioctl(f, 0x1234, 0));
    SHOW("ioctl(bad fd)", ioctl(99, TCGETS, &tio));
    int on = 1;
    r = ioctl(f, FIONBIO, &on);
    printf("FIONBIO = %d, O_NONBLOCK now %d\n", r, (fcntl(f, F_GETFL) & O_NONBLOCK) != 0);

    int null = open("/dev/null", O_RDWR);
    tty("/dev/null", null);
    printf("write /dev/null = %zd\n", write(null, "gone", 4));
    char buf[16];
    printf("read /dev/null = %zd\n", read(null, buf, sizeof buf));
    int zero = open("/dev/zero", O_RDONLY);
    memset(buf, 1, sizeof buf);
    ssize_t got = read(zero, buf, sizeof buf);
    printf("read /dev/zero = %zd, all zero %d\n", got, buf[0] == 0 && buf[15] == 0);
    int rnd = open("/dev/urandom", O_RDONLY);
    printf("read /dev/urandom = %zd\n", read(rnd, buf, sizeof buf));
    errno = 0;
    char *name = ttyname(1);
    int err = errno;
    printf("ttyname(stdout) = %s (%s)\n", name ? "a tty" : "NULL", strerror(err));
    if (isatty(1)) {
        /* only when run on a terminal (the tty test runs it under script(1)) */
        struct termios t, back;
        printf("tcgetattr(stdout) = %d\n", tcgetattr(1, &t));
        t.c_lflag ^= ECHO;
        printf("tcsetattr = %d\n", tcsetattr(1, TCSANOW, &t));
        tcgetattr(1, &back);
        printf("ECHO toggled: %d\n", (back.c_lflag & ECHO) == (t.c_lflag & ECHO));
        t.c_lflag ^= ECHO;
        tcsetattr(1, TCSANOW, &t);
        struct winsize w = { .ws_row = 33, .ws_col = 77 }, got;
        printf("TIOCSWINSZ = %d\n", ioctl(1, TIOCSWINSZ, &w));
        r = ioctl(1, TIOCGWINSZ, &got);
        printf("TIOCGWINSZ = %d: %dx%d\n", r, got.ws_row, got.ws_col);
        r = ioctl(1, FIONREAD, &n);
        printf("FIONREAD(stdout) = %d, %d\n", r, n);
        int tty = open("/dev/tty", O_RDWR);
        printf("/dev/tty: %s, isatty %d\n", tty >= 0 ? "opened" : strerror(errno), isatty(tty));
        printf("ttyname(stdout) starts with /dev/pts/: %d\n", strncmp(ttyname(1), "/dev/pts/", 9) == 0);
        int again = open(ttyname(1), O_WRONLY);
        printf("reopen the terminal for writing: %s\n", again >= 0 ? "ok" : strerror(errno));
    }
    return 0;
}
