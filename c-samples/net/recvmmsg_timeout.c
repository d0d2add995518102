/* recvmmsg waits for vlen datagrams on a blocking socket unless
 * MSG_WAITFORONE is given; its timeout is checked only after each datagram
 * (a zero timeout returns one datagram even when more are queued; the time
 * left is written back), so a wait for the next datagram outlasts it until a
 * signal ends the call with the count so far. sendmmsg sends each message. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#define VLEN 3
static volatile sig_atomic_t hits;
static void onalrm(int s) { (void)s; hits++; }
static void alarm_ms(int ms)
{
    struct itimerval it = { { 0, 0 }, { ms / 1000, (ms % 1000) * 1000 } };
    setitimer(ITIMER_REAL, &it, NULL);
}
static char bufs[VLEN][32];
static struct iovec iov[VLEN];
static struct mmsghdr msgs[VLEN];
static void reset(void)
{
    memset(bufs, 0, sizeof bufs);
    for (int i = 0; i < VLEN; i++) {
        iov[i] = (struct iovec){ bufs[i], sizeof bufs[i] };
        msgs[i] = (struct mmsghdr){ .msg_hdr = { .msg_iov = &iov[i], .msg_iovlen = 1 } };
    }
}
static void show(const char *what, int r)
{
    if (r < 0) { printf("%s: -1 %s\n", what, strerror(errno)); return; }
    printf("%s: %d [", what, r);
    for (int i = 0; i < r; i++) printf(" %s(%u)", bufs[i], msgs[i].msg_len);
    printf(" ], handler ran %d\n", (int)hits);
    hits = 0;
}
static void feed(int s, int n)
{
    char m[16];
    for (int i = 0; i < n; i++) { snprintf(m, sizeof m, "m%d", i); send(s, m, strlen(m), 0); }
}
static void pair(int sv[2])
{
    socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
}
int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    struct sigaction sa = { .sa_handler = onalrm };
    sigemptyset(&sa.sa_mask);
    sigaction(SIGALRM, &sa, NULL);
    int sv[2];
    pair(sv);

    feed(sv[1], 3); reset();
    show("3 queued, vlen 3", recvmmsg(sv[0], msgs, VLEN, 0, NULL));
    feed(sv[1], 1); reset();
    show("1 queued, MSG_WAITFORONE", recvmmsg(sv[0], msgs, VLEN, MSG_WAITFORONE, NULL));
    reset();
    show("none queued, MSG_DONTWAIT", recvmmsg(sv[0], msgs, VLEN, MSG_DONTWAIT, NULL));
    feed(sv[1], 2); reset();
    show("2 queued, MSG_DONTWAIT", recvmmsg(sv[0], msgs, VLEN, MSG_DONTWAIT, NULL));

    feed(sv[1], 3); reset();
    struct timespec ts = { 0, 0 };
    show("3 queued, zero timeout", recvmmsg(sv[0], msgs, VLEN, 0, &ts));
    printf("time left %ld.%09ld\n", (long)ts.tv_sec, ts.tv_nsec);
    reset();
    show("2 left, MSG_DONTWAIT", recvmmsg(sv[0], msgs, VLEN, MSG_DONTWAIT, NULL));
    feed(sv[1], 3); reset();
    ts = (struct timespec){ 10, 0 };
    show("3 queued, 10 s timeout", recvmmsg(sv[0], msgs, VLEN, 0, &ts));
    printf("time left within (9, 10] s: %s\n", ts.tv_sec == 9 || (ts.tv_sec == 10 && ts.tv_nsec == 0) ? "yes" : "no");
    ts = (struct timespec){ 0, 1000000000 };
    reset();
    show("bad timeout", recvmmsg(sv[0], msgs, VLEN, 0, &ts));

    feed(sv[1], 2); reset();
    alarm_ms(200);
    show("2 queued, blocking, a signal ends the wait for the 3rd", recvmmsg(sv[0], msgs, VLEN, 0, NULL));
    /* the kernel keeps the interruption as the socket's pending error: start afresh */
    close(sv[0]); close(sv[1]);
    pair(sv);
    feed(sv[1], 1); reset();
    ts = (struct timespec){ 0, 100000000 };
    alarm_ms(400);
    show("1 queued, 100 ms timeout, the wait outlasts it", recvmmsg(sv[0], msgs, VLEN, 0, &ts));
    close(sv[0]); close(sv[1]);
    pair(sv);
    reset();
    alarm_ms(100);
    show("none queued, blocking, signal", recvmmsg(sv[0], msgs, VLEN, 0, NULL));

    struct mmsghdr out[VLEN];
    struct iovec oiov[VLEN];
    char text[VLEN][8];
    for (int i = 0; i < VLEN; i++) {
        snprintf(text[i], sizeof text[i], "s%d", i);
        oiov[i] = (struct iovec){ text[i], strlen(text[i]) };
        out[i] = (struct mmsghdr){ .msg_hdr = { .msg_iov = &oiov[i], .msg_iovlen = 1 } };
    }
    int r = sendmmsg(sv[1], out, VLEN, 0);
    printf("sendmmsg: %d, lengths %u %u %u\n", r, out[0].msg_len, out[1].msg_len, out[2].msg_len);
    reset();
    show("received", recvmmsg(sv[0], msgs, VLEN, 0, NULL));
    return 0;
}
