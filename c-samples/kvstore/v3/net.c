/*
 * Clients: accepting connections, reading requests into the input buffer,
 * running the complete ones, and writing replies without ever blocking.
 */
#define _GNU_SOURCE             /* accept4 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "kvstore.h"

#define READ_CHUNK (16 * 1024)

static struct client *clients;          /* list of all clients */
static unsigned long nclients;
static unsigned long long next_client_id = 1;
static unsigned long long connections_total;
static int accept_paused;               /* out of descriptors */
static int paused_listen_fd = -1;

unsigned long net_clients_count(void)
{
    return nclients;
}

unsigned long long net_connections_total(void)
{
    return connections_total;
}

static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n);

    if (q == NULL) {
        fprintf(stderr, "kvstore: out of memory (%zu bytes)\n", n);
        abort();
    }
    return q;
}

static void buf_reserve(struct buf *b, size_t extra)
{
    size_t cap = b->cap ? b->cap : 256;

    if (b->len + extra <= b->cap)
        return;
    while (cap < b->len + extra)
        cap *= 2;
    b->data = xrealloc(b->data, cap);
    b->cap = cap;
}

void buf_append(struct buf *b, const void *p, size_t n)
{
    buf_reserve(b, n);
    memcpy(b->data + b->len, p, n);
    b->len += n;
}

static void client_free(struct client *c)
{
    event_unwatch(c->fd);
    close(c->fd);
    if (c->prev)
        c->prev->next = c->next;
    else
        clients = c->next;
    if (c->next)
        c->next->prev = c->prev;
    nclients--;
    free(c->in.data);
    free(c->out.data);
    free(c->argv);
    free(c->name);
    free(c);

    if (accept_paused) {
        /* A descriptor is free again: resume accepting. */
        accept_paused = 0;
        event_modify(paused_listen_fd, NULL, EPOLLIN);
    }
}

void net_close_all(void)
{
    while (clients)
        client_free(clients);
}

void net_accept(int listen_fd)
{
    /* Level-triggered: a bounded batch per wakeup, the rest comes next round. */
    for (int i = 0; i < 64; i++) {
        struct sockaddr_in sa;
        socklen_t salen = sizeof(sa);
        struct client *c;
        int fd, one = 1;
        char ip[INET_ADDRSTRLEN];

        fd = accept4(listen_fd, (struct sockaddr *)&sa, &salen,
                     SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EMFILE || errno == ENFILE) {
                /* Stop polling the listener until a client goes away,
                 * otherwise level-triggered epoll would spin on it. */
                fprintf(stderr, "kvstore: accept: %s; pausing\n", strerror(errno));
                accept_paused = 1;
                paused_listen_fd = listen_fd;
                event_modify(listen_fd, NULL, 0);
            } else if (errno != EAGAIN && errno != EWOULDBLOCK &&
                       errno != EINTR && errno != ECONNABORTED) {
                perror("kvstore: accept");
            }
            return;
        }
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));

        c = calloc(1, sizeof(*c));
        if (c == NULL) {
            close(fd);
            return;
        }
        c->fd = fd;
        c->id = next_client_id++;
        if (inet_ntop(AF_INET, &sa.sin_addr, ip, sizeof(ip)) == NULL)
            strcpy(ip, "?");
        snprintf(c->addr, sizeof(c->addr), "%s:%u", ip, ntohs(sa.sin_port));
        c->events = EPOLLIN;
        if (event_watch(fd, c, c->events) < 0) {
            perror("kvstore: epoll_ctl add");
            close(fd);
            free(c);
            continue;
        }
        c->next = clients;
        if (clients)
            clients->prev = c;
        clients = c;
        nclients++;
        connections_total++;
    }
}

static size_t pending_output(const struct client *c)
{
    return c->out.len - c->outpos;
}

/*
 * Runs the complete requests in the input buffer, in order, until the
 * output reaches the high-water mark. Returns 1 if it stopped there with
 * input left over: the caller must come back once output has drained,
 * even if the client sends nothing more (it may be waiting for replies).
 */
static int process_input(struct client *c)
{
    int held_back = 0;

    while (!c->closing && c->inpos < c->in.len) {
        if (pending_output(c) >= KV_OUTPUT_HIGHWATER) {
            held_back = 1;
            break;
        }
        const char *err = NULL;
        enum resp_status st = resp_parse(c, &err);

        if (st == RESP_INCOMPLETE)
            break;
        if (st == RESP_ERROR) {
            /* Like Redis: report the protocol error, then hang up. */
            reply_error(c, "ERR Protocol error: %s", err);
            c->closing = 1;
            break;
        }
        if (c->argc > 0)
            commands_dispatch(c);
    }
    /* Drop what was consumed; keep a partial request at the front. */
    if (c->inpos > 0) {
        memmove(c->in.data, c->in.data + c->inpos, c->in.len - c->inpos);
        c->in.len -= c->inpos;
        c->inpos = 0;
    }
    return held_back;
}

/* Returns -1 when the connection failed and must be dropped. */
static int flush_output(struct client *c)
{
    while (c->outpos < c->out.len) {
        ssize_t n = write(c->fd, c->out.data + c->outpos, c->out.len - c->outpos);

        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                break;
            return -1;          /* EPIPE, ECONNRESET: the client is gone */
        }
        c->outpos += (size_t)n;
    }
    if (c->outpos == c->out.len) {
        c->outpos = c->out.len = 0;
        /* Do not keep a huge reply buffer around for an idle client. */
        if (c->out.cap > 64 * 1024) {
            free(c->out.data);
            c->out.data = NULL;
            c->out.cap = 0;
        }
    }
    return 0;
}

/*
 * Closing after a protocol error or QUIT, gently: once the reply is out,
 * shut down the write side (the client reads the reply, then end of
 * file) and read and drop whatever the client still sends until it
 * closes too, for at most KV_LINGER_MS. A plain close() with unread input
 * makes the kernel send a reset, which can destroy the reply before the
 * client has read it.
 */
static void client_linger(struct client *c)
{
    c->lingering = 1;
    c->linger_until = kv_now_ms() + KV_LINGER_MS;
    c->in.len = c->inpos = 0;
    shutdown(c->fd, SHUT_WR);
}

/* Returns -1 once the client has closed its side too. */
static int discard_input(struct client *c)
{
    char scratch[4096];
    ssize_t n = read(c->fd, scratch, sizeof(scratch));

    if (n < 0)
        return (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) ? 0 : -1;
    return n == 0 ? -1 : 0;
}

/* Called every tick by the event loop: ends overdue lingering closes. */
void net_cron(void)
{
    long long now = kv_now_ms();
    struct client *c = clients, *next;

    for (; c != NULL; c = next) {
        next = c->next;
        if (c->lingering && now >= c->linger_until)
            client_free(c);
    }
}

/*
 * Registers the interest that matches the client's state. Input held back
 * by the high-water mark asks for EPOLLOUT even when the output has just
 * drained: the socket is writable, so the next round calls back at once.
 */
static void update_interest(struct client *c, int held_back)
{
    uint32_t want = 0;

    if (c->lingering ||
        (!c->closing && pending_output(c) < KV_OUTPUT_HIGHWATER))
        want |= EPOLLIN;
    if (pending_output(c) > 0 || held_back)
        want |= EPOLLOUT;
    if (want != c->events) {
        c->events = want;
        event_modify(c->fd, c, want);
    }
}

/* Returns -1 on end of file or error. */
static int read_input(struct client *c)
{
    ssize_t n;

    buf_reserve(&c->in, READ_CHUNK);
    n = read(c->fd, c->in.data + c->in.len, READ_CHUNK);
    if (n < 0)
        return (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) ? 0 : -1;
    if (n == 0)
        return -1;              /* the client hung up, maybe mid-request */
    c->in.len += (size_t)n;
    return 0;
}

void net_client_event(struct client *c, uint32_t events)
{
    int held_back;

    if (c->lingering) {
        if ((events & (EPOLLIN | EPOLLERR | EPOLLHUP)) && discard_input(c) < 0)
            client_free(c);
        return;
    }
    if (events & EPOLLIN) {
        if (read_input(c) < 0) {
            client_free(c);
            return;
        }
        if (c->in.len > KV_MAX_QUERYBUF) {
            fprintf(stderr, "kvstore: client %s: query buffer over %d bytes, closing\n",
                    c->addr, KV_MAX_QUERYBUF);
            client_free(c);
            return;
        }
    } else if (events & (EPOLLERR | EPOLLHUP)) {
        client_free(c);
        return;
    }
    /* Also after a write: requests held back by the high-water mark. */
    held_back = process_input(c);
    if (flush_output(c) < 0) {
        client_free(c);
        return;
    }
    if (c->closing && pending_output(c) == 0)
        client_linger(c);
    update_interest(c, held_back);
}
