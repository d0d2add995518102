/* Signals meeting blocked pipe writes and sendfile into a pipe. A write
 * interrupted after part of it went in returns that count (with or without
 * SA_RESTART); one interrupted before any byte went in is restarted under
 * SA_RESTART and ends with EINTR without it. sendfile into a pipe moves what
 * fits and returns; into a full pipe it waits, and is restarted likewise.
 * The reader end is non-blocking and only a SIGALRM handler drains it. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <unistd.h>
static int rd = -1;
static volatile long drained;
static void onalrm(int s)
{
    (void)s;
    char b[8192];
    long n;
    while ((n = read(rd, b, sizeof b)) > 0) drained += n;
}
static void handler(int restart)
{
    struct sigaction sa = { .sa_handler = onalrm, .sa_flags = restart ? SA_RESTART : 0 };
    sigemptyset(&sa.sa_mask);
    sigaction(SIGALRM, &sa, NULL);
}
static void alarm_ms(int ms)
{
    struct itimerval it = { { 0, 0 }, { ms / 1000, (ms % 1000) * 1000 } };
    setitimer(ITIMER_REAL, &it, NULL);
}
static void show(const char *what, long r)
{
    if (r < 0) printf("%s: -1 %s", what, strerror(errno));
    else printf("%s: %ld", what, r);
    printf(", handler drained %ld\n", drained);
    drained = 0;
}
static void drain_now(void) { onalrm(0); drained = 0; }
static void fill(int w)
{
    int fl = fcntl(w, F_GETFL);
    fcntl(w, F_SETFL, fl | O_NONBLOCK);
    char b[4096] = { 0 };
    while (write(w, b, sizeof b) > 0) ;
    fcntl(w, F_SETFL, fl);
}
static char big[200000];
int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    int p[2];
    pipe(p);
    rd = p[0];
    fcntl(rd, F_SETFL, O_NONBLOCK);
    memset(big, 'x', sizeof big);

    handler(1); alarm_ms(100);
    show("write 100000, SA_RESTART, interrupted after 64 KiB", write(p[1], big, 100000));
    drain_now();
    handler(0); alarm_ms(100);
    show("write 100000, no SA_RESTART, interrupted after 64 KiB", write(p[1], big, 100000));
    drain_now();

    fill(p[1]);
    handler(0); alarm_ms(100);
    show("write 10 into a full pipe, no SA_RESTART", write(p[1], big, 10));
    fill(p[1]);
    handler(1); alarm_ms(100);
    show("write 10 into a full pipe, SA_RESTART (restarted)", write(p[1], big, 10));
    drain_now();

    struct iovec iov[2] = { { big, 50000 }, { big + 50000, 50000 } };
    handler(1); alarm_ms(100);
    show("writev 2 x 50000, SA_RESTART, interrupted after 64 KiB", writev(p[1], iov, 2));
    drain_now();

    int f = open("data", O_RDWR | O_CREAT | O_TRUNC, 0600);
    write(f, big, sizeof big);
    lseek(f, 0, SEEK_SET);
    show("sendfile 150000 into an empty pipe", sendfile(p[1], f, NULL, 150000));
    printf("file position %ld\n", (long)lseek(f, 0, SEEK_CUR));
    drain_now();
    fill(p[1]);
    handler(0); alarm_ms(100);
    show("sendfile 4096 into a full pipe, no SA_RESTART", sendfile(p[1], f, NULL, 4096));
    printf("file position %ld\n", (long)lseek(f, 0, SEEK_CUR));
    fill(p[1]);
    handler(1); alarm_ms(100);
    off_t off = 1000;
    show("sendfile 4096 at offset 1000 into a full pipe, SA_RESTART (restarted)", sendfile(p[1], f, &off, 4096));
    printf("offset %ld, file position %ld\n", (long)off, (long)lseek(f, 0, SEEK_CUR));
    drain_now();
    off = 1000;
    show("sendfile 100000 at offset 1000 into an empty pipe", sendfile(p[1], f, &off, 100000));
    printf("offset %ld\n", (long)off);
    return 0;
}
