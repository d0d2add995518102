/* Signals meeting blocked socket calls: accept ends with EINTR without
 * SA_RESTART, and with SA_RESTART too when SO_RCVTIMEO is set (socket(7));
 * a restarted recv gets data a handler sent; MSG_WAITALL interrupted keeps
 * the bytes it had; a blocking send with a handler draining the peer; the
 * self-pipe trick with poll; SIGPIPE to a handler and MSG_NOSIGNAL. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
static int peer = -1, selfpipe[2] = { -1, -1 }, drain = -1;
static volatile sig_atomic_t hits, pipes;
static void onalrm(int s)
{
    (void)s; hits++;
    if (peer >= 0) send(peer, "late", 4, MSG_NOSIGNAL);
    if (selfpipe[1] >= 0) write(selfpipe[1], "!", 1);
    if (drain >= 0) { char b[65536]; while (recv(drain, b, sizeof b, MSG_DONTWAIT) > 0) ; }
}
static void onpipe(int s) { (void)s; pipes++; }
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
static void show(const char *what, long r) { if (r < 0) printf("%s: -1 %s\n", what, strerror(errno)); else printf("%s: %ld\n", what, r); }
int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = { .sin_family = AF_INET }; a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(s, (void *)&a, sizeof a); socklen_t al = sizeof a; getsockname(s, (void *)&a, &al); listen(s, 8);

    handler(0); alarm_ms(100);
    show("accept, no SA_RESTART", accept(s, NULL, NULL));
    handler(1);
    struct timeval tv = { 2, 0 };
    setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    alarm_ms(100);
    show("accept, SA_RESTART with SO_RCVTIMEO", accept(s, NULL, NULL));
    tv.tv_sec = 0; setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);

    int c = socket(AF_INET, SOCK_STREAM, 0);
    connect(c, (void *)&a, sizeof a);
    int k = accept(s, NULL, NULL);
    char buf[64];
    peer = c; alarm_ms(100);
    long n = recv(k, buf, sizeof buf, 0);
    printf("recv, SA_RESTART, data sent by the handler: %ld %.4s hits %d\n", n, buf, hits);
    peer = -1;
    send(c, "abcd", 4, 0);
    peer = c; alarm_ms(100);
    n = recv(k, buf, 10, MSG_WAITALL);
    printf("recv MSG_WAITALL interrupted after 4 bytes: %ld %.4s\n", n, buf);
    peer = -1;
    n = recv(k, buf, sizeof buf, 0);
    printf("then: %ld %.4s\n", n, buf);

    /* a blocking send into a full buffer, the handler drains the peer: the send finishes with everything */
    int sz = 4096;
    setsockopt(c, SOL_SOCKET, SO_SNDBUF, &sz, sizeof sz);
    static char big[1 << 20];
    drain = k; alarm_ms(100);
    struct itimerval it = { { 0, 50000 }, { 0, 50000 } };
    setitimer(ITIMER_REAL, &it, NULL);
    n = send(c, big, sizeof big, 0);
    memset(&it, 0, sizeof it); setitimer(ITIMER_REAL, &it, NULL);
    drain = -1;
    printf("send 1 MiB, SA_RESTART, handler drains: partial or all %d, some %d\n", n > 0 && n <= (long)sizeof big, n > 0);
    { char b[65536]; int fl = fcntl(k, F_GETFL); fcntl(k, F_SETFL, fl | O_NONBLOCK); while (recv(k, b, sizeof b, 0) > 0) ; fcntl(k, F_SETFL, fl); }

    /* self-pipe trick */
    pipe2(selfpipe, O_NONBLOCK | O_CLOEXEC);
    handler(1); alarm_ms(100);
    struct pollfd p[2] = { { s, POLLIN, 0 }, { selfpipe[0], POLLIN, 0 } };
    show("poll with SA_RESTART", poll(p, 2, 5000));
    show("poll again", poll(p, 2, 5000));
    printf("revents listen %#x pipe %#x\n", p[0].revents, p[1].revents);
    show("read pipe", read(selfpipe[0], buf, sizeof buf));
    close(selfpipe[1]); selfpipe[1] = -1;

    /* SIGPIPE with a handler */
    signal(SIGPIPE, onpipe);
    close(k);
    usleep(50000);
    show("send to closed peer", send(c, "x", 1, 0));
    show("send again", send(c, "x", 1, 0));
    printf("sigpipe handler ran %d\n", pipes);
    show("send MSG_NOSIGNAL", send(c, "x", 1, MSG_NOSIGNAL));
    printf("sigpipe handler ran %d\n", pipes);
    return 0;
}
