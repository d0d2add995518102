/* A daemon-style server: stdin closed, so the listening socket is fd 0
 * (select and accept on fd 0); inetd style, the connection dup2'ed onto
 * stdout, written with printf and read with stdio through a dup; an epoll
 * registration of the dup'ed fd, gone once every fd of the socket is closed. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
int main(void)
{
    int err = dup(2);
    FILE *log = fdopen(err, "w"); setvbuf(log, NULL, _IONBF, 0);
    close(0);
    int devnull = open("/dev/null", O_RDWR);
    fprintf(log, "devnull fd %d\n", devnull);
    close(0);
    int s = socket(AF_INET, SOCK_STREAM, 0);
    fprintf(log, "listen socket fd %d\n", s);
    struct sockaddr_in a = { .sin_family = AF_INET }; a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(s, (void *)&a, sizeof a); socklen_t al = sizeof a; getsockname(s, (void *)&a, &al); listen(s, 4);
    int c = socket(AF_INET, SOCK_STREAM, 0);
    connect(c, (void *)&a, sizeof a);
    fd_set r; FD_ZERO(&r); FD_SET(0, &r);
    struct timeval tv = { 2, 0 };
    fprintf(log, "select on fd 0: %d isset %d\n", select(1, &r, NULL, NULL, &tv), FD_ISSET(0, &r));
    int k = accept(0, NULL, NULL);
    /* inetd style: the connection becomes stdin and stdout */
    dup2(k, 1); close(k);
    int k0 = dup(1);
    fprintf(log, "dup of stdout socket fd %d\n", k0);
    struct stat st; fstat(1, &st); fprintf(log, "stdout is socket %d\n", S_ISSOCK(st.st_mode));
    printf("hello through stdout\n"); fflush(stdout);
    char buf[64] = {0};
    ssize_t n = recv(c, buf, sizeof buf, 0);
    fprintf(log, "client got %zd: %s", n, buf);
    send(c, "line from client\n", 17, 0);
    FILE *in = fdopen(k0, "r");
    if (fgets(buf, sizeof buf, in)) fprintf(log, "server read via stdio: %s", buf);
    int ep = epoll_create1(0);
    struct epoll_event ev = { .events = EPOLLIN, .data.u64 = 0x1122334455667788ULL };
    fprintf(log, "epoll add dup'd fd %d\n", epoll_ctl(ep, EPOLL_CTL_ADD, 1, &ev));
    send(c, "x", 1, 0);
    struct epoll_event out[4];
    int m = epoll_wait(ep, out, 4, 1000);
    fprintf(log, "epoll_wait %d data %llx\n", m, m > 0 ? (unsigned long long)out[0].data.u64 : 0ULL);
    fclose(in);
    close(1);
    m = epoll_wait(ep, out, 4, 0);
    fprintf(log, "after closing both: %d\n", m);
    shutdown(c, SHUT_RDWR);
    return 0;
}
