/*
 * kvstore entry point: options, the listening socket and signal handling.
 * The work happens in event_loop(), which returns only once SIGINT or
 * SIGTERM has asked the server to stop.
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

#include "kvstore.h"

volatile sig_atomic_t kv_stop;

static void on_stop_signal(int sig)
{
    (void)sig;
    kv_stop = 1;
}

long long kv_now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void usage(const char *prog)
{
    fprintf(stderr, "usage: %s [-p PORT]\n", prog);
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
        perror("kvstore: socket");
        return -1;
    }
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0)
        perror("kvstore: setsockopt SO_REUSEADDR");

    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_ANY);
    sa.sin_port = htons((unsigned short)port);
    if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
        fprintf(stderr, "kvstore: bind to port %d: %s\n", port, strerror(errno));
        close(fd);
        return -1;
    }
    if (listen(fd, 511) < 0) {
        perror("kvstore: listen");
        close(fd);
        return -1;
    }
    return fd;
}

/* The port actually bound, which differs from the requested one for -p 0. */
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
    int opt, port = KV_DEFAULT_PORT, fd;

    while ((opt = getopt(argc, argv, "p:h")) != -1) {
        switch (opt) {
        case 'p':
            port = parse_port(optarg);
            if (port < 0) {
                fprintf(stderr, "kvstore: invalid port '%s'\n", optarg);
                return 2;
            }
            break;
        default:
            usage(argv[0]);
        }
    }
    if (optind != argc)
        usage(argv[0]);

    /* A client that goes away mid-reply must cost an EPIPE, not the server. */
    signal(SIGPIPE, SIG_IGN);

    /* No SA_RESTART: the signal interrupts epoll_wait and the loop exits. */
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    fd = listen_on(port);
    if (fd < 0)
        return 1;
    if (event_init() < 0)
        return 1;

    printf("kvstore listening on port %d\n", bound_port(fd));
    fflush(stdout);

    event_loop(fd);

    printf("kvstore: shutting down after %llu commands on %llu connections, %lu keys\n",
           commands_processed(), net_connections_total(), store_size());
    net_close_all();
    store_flush();
    close(fd);
    return 0;
}
