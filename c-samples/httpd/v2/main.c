/*
 * httpd entry point: options, the served directory, the listening socket
 * and signals. loop_run() returns once SIGINT or SIGTERM asks it to.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "httpd.h"

volatile sig_atomic_t httpd_stop;

static void on_stop_signal(int sig)
{
    (void)sig;
    httpd_stop = 1;
}

long long httpd_now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void usage(const char *prog)
{
    fprintf(stderr, "usage: %s [-p PORT] [-d DIR]\n", prog);
    exit(2);
}

static int parse_port(const char *s)
{
    char *end;
    long v;

    errno = 0;
    v = strtol(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v < 0 || v > 65535)
        return -1;
    return (int)v;
}

static int listen_on(int port)
{
    struct sockaddr_in sa;
    int fd, one = 1;

    fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        perror("httpd: socket");
        return -1;
    }
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0)
        perror("httpd: setsockopt SO_REUSEADDR");
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_ANY);
    sa.sin_port = htons((unsigned short)port);
    if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
        fprintf(stderr, "httpd: bind to port %d: %s\n", port, strerror(errno));
        close(fd);
        return -1;
    }
    if (listen(fd, 511) < 0) {
        perror("httpd: listen");
        close(fd);
        return -1;
    }
    return fd;
}

static int bound_port(int fd)
{
    struct sockaddr_in sa;
    socklen_t len = sizeof(sa);

    if (getsockname(fd, (struct sockaddr *)&sa, &len) < 0)
        return -1;
    return ntohs(sa.sin_port);
}

int main(int argc, char **argv)
{
    struct sigaction sa;
    const char *dir = ".";
    int opt, port = HTTPD_DEFAULT_PORT, fd;

    while ((opt = getopt(argc, argv, "p:d:h")) != -1) {
        switch (opt) {
        case 'p':
            port = parse_port(optarg);
            if (port < 0) {
                fprintf(stderr, "httpd: invalid port '%s'\n", optarg);
                return 2;
            }
            break;
        case 'd':
            dir = optarg;
            break;
        default:
            usage(argv[0]);
        }
    }
    if (optind != argc)
        usage(argv[0]);

    signal(SIGPIPE, SIG_IGN);
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_stop_signal;     /* no SA_RESTART: poll returns EINTR */
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    if (files_open_root(dir) < 0) {
        fprintf(stderr, "httpd: cannot open directory '%s': %s\n", dir, strerror(errno));
        return 1;
    }
    fd = listen_on(port);
    if (fd < 0)
        return 1;
    printf("httpd listening on port %d, serving %s\n", bound_port(fd), dir);
    fflush(stdout);

    loop_run(fd);

    printf("httpd: shutting down after %llu requests on %llu connections\n",
           stats_requests(), stats_connections());
    close(fd);
    return 0;
}
