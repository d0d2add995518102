/* A blocking connect to a Unix stream listener whose backlog is full waits:
 * it ends with EAGAIN once SO_SNDTIMEO has passed, with EINTR under a
 * handler without SA_RESTART, and under SA_RESTART it is restarted and
 * connects once the handler has accepted a pending connection. A
 * non-blocking one says EAGAIN at once. Also sendfile into a full blocking
 * socket: restarted under SA_RESTART, EINTR without. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
static int listener = -1, drain = -1, accepted = -1;
static void onalrm(int s)
{
    (void)s;
    if (listener >= 0) accepted = accept(listener, NULL, NULL);
    if (drain >= 0) { char b[65536]; while (recv(drain, b, sizeof b, MSG_DONTWAIT) > 0) ; }
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
static long now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000L + t.tv_nsec / 1000000;
}
static void show(const char *what, long r) { if (r < 0) printf("%s: -1 %s\n", what, strerror(errno)); else printf("%s: %ld\n", what, r); }
int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    struct sockaddr_un a = { .sun_family = AF_UNIX };
    strcpy(a.sun_path, "backlog.sock");
    int l = socket(AF_UNIX, SOCK_STREAM, 0);
    bind(l, (void *)&a, sizeof a);
    listen(l, 1);
    int pending = 0;
    for (;;) {
        int c = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
        if (connect(c, (void *)&a, sizeof a) < 0) { show("non-blocking connect, backlog full", -1); close(c); break; }
        pending++;
    }
    printf("pending connections: %d\n", pending);

    int c = socket(AF_UNIX, SOCK_STREAM, 0);
    struct timeval tv = { 0, 300000 };
    setsockopt(c, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    long t0 = now_ms();
    show("blocking connect with SO_SNDTIMEO 300 ms", connect(c, (void *)&a, sizeof a));
    printf("waited at least 200 ms: %s\n", now_ms() - t0 >= 200 ? "yes" : "no");
    tv.tv_usec = 0;
    setsockopt(c, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);

    handler(0); alarm_ms(100);
    show("blocking connect, no SA_RESTART", connect(c, (void *)&a, sizeof a));
    handler(1); alarm_ms(100);
    listener = l;
    show("blocking connect, SA_RESTART, handler accepts", connect(c, (void *)&a, sizeof a));
    listener = -1;
    printf("handler accepted: %s\n", accepted >= 0 ? "yes" : "no");
    write(c, "hi", 2);

    int sv[2];
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    int f = open("data", O_RDWR | O_CREAT | O_TRUNC, 0600);
    char page[4096];
    memset(page, 'y', sizeof page);
    write(f, page, sizeof page);
    lseek(f, 0, SEEK_SET);
    fcntl(sv[0], F_SETFL, O_NONBLOCK);
    while (send(sv[0], page, sizeof page, 0) > 0) ;
    fcntl(sv[0], F_SETFL, 0);
    handler(0); alarm_ms(100);
    show("sendfile into a full socket, no SA_RESTART", sendfile(sv[0], f, NULL, 4096));
    printf("file position %ld\n", (long)lseek(f, 0, SEEK_CUR));
    drain = sv[1];
    handler(1); alarm_ms(100);
    show("sendfile into a full socket, SA_RESTART (restarted)", sendfile(sv[0], f, NULL, 4096));
    printf("file position %ld\n", (long)lseek(f, 0, SEEK_CUR));
    unlink("backlog.sock");
    return 0;
}
