/*
 * Connections. Each one alternates between reading a request and sending
 * its response: while a response is going out (including a file body,
 * read in chunks as the socket drains) further input waits in the kernel,
 * and pipelined requests already received wait in the buffer. That keeps
 * responses in request order and memory per connection small.
 */
#define _GNU_SOURCE             /* accept4 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "httpd.h"

static struct conn *conns[HTTPD_MAX_CONNS];
static unsigned long nconns;

unsigned long conn_open_count(void)
{
    return nconns;
}

static void buf_reserve(struct buf *b, size_t total)
{
    size_t cap = b->cap ? b->cap : 1024;
    char *data;

    if (total <= b->cap)
        return;
    while (cap < total)
        cap *= 2;
    data = realloc(b->data, cap);
    if (data == NULL) {
        fprintf(stderr, "httpd: out of memory\n");
        abort();
    }
    b->data = data;
    b->cap = cap;
}

void buf_append(struct buf *b, const void *p, size_t n)
{
    buf_reserve(b, b->len + n);
    memcpy(b->data + b->len, p, n);
    b->len += n;
}

static void conn_close(unsigned long i)
{
    struct conn *c = conns[i];

    close(c->fd);
    if (c->file_fd >= 0)
        close(c->file_fd);
    free(c->out.data);
    free(c);
    conns[i] = conns[--nconns];
}

void conn_accept(int listen_fd)
{
    while (nconns < HTTPD_MAX_CONNS) {
        int fd = accept4(listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        struct conn *c;

        if (fd < 0) {
            if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR &&
                errno != ECONNABORTED)
                perror("httpd: accept");
            return;
        }
        c = calloc(1, sizeof(*c));
        if (c == NULL) {
            close(fd);
            return;
        }
        c->fd = fd;
        c->file_fd = -1;
        c->last_active_ms = httpd_now_ms();
        conns[nconns++] = c;
        stats_connection();
    }
}

/* Sends what is queued; -1 if the connection broke. */
static int send_output(struct conn *c)
{
    while (c->outpos < c->out.len) {
        ssize_t n = write(c->fd, c->out.data + c->outpos, c->out.len - c->outpos);

        if (n < 0) {
            if (errno == EINTR)
                continue;
            return (errno == EAGAIN || errno == EWOULDBLOCK) ? 0 : -1;
        }
        c->outpos += (size_t)n;
        stats_bytes((size_t)n);
        c->last_active_ms = httpd_now_ms();
    }
    c->outpos = c->out.len = 0;
    return 0;
}

/* Moves the next chunk of the file body into the output buffer. */
static int refill_from_file(struct conn *c)
{
    size_t want = c->file_left < HTTPD_FILE_CHUNK ? (size_t)c->file_left : HTTPD_FILE_CHUNK;
    ssize_t n;

    buf_reserve(&c->out, want);
    n = read(c->file_fd, c->out.data, want);
    if (n <= 0)
        return -1;              /* the file shrank: the length was a lie */
    c->out.len = (size_t)n;
    c->outpos = 0;
    c->file_left -= n;
    if (c->file_left == 0) {
        close(c->file_fd);
        c->file_fd = -1;
    }
    return 0;
}

/* Parses and answers one buffered request; 0 if none is complete. */
static int handle_request(struct conn *c)
{
    struct request req;
    size_t used = 0;
    int status = http_parse(c->in, c->inlen, &req, &used);

    if (status == HTTP_INCOMPLETE)
        return 0;
    stats_request();
    if (status == HTTP_PARSED)
        files_serve(c, &req);
    else if (status == 405)
        http_error(c, 405, 0, req.keep_alive);
    else
        http_error(c, status, 0, 0);
    if (c->closing) {
        c->inlen = 0;           /* nothing after this request is answered */
    } else {
        memmove(c->in, c->in + used, c->inlen - used);
        c->inlen -= used;
    }
    return 1;
}

/*
 * Closing after the last response, gently: shut down the write side (the
 * client reads the response, then end of file) and read and drop what
 * the client still sends until it closes too, for at most
 * HTTPD_LINGER_MS. A plain close() with unread input (a request body, a
 * pipelined request after "Connection: close") makes the kernel send a
 * reset, which can destroy the response before the client has read it.
 */
static void start_linger(struct conn *c)
{
    c->lingering = 1;
    c->inlen = 0;
    c->last_active_ms = httpd_now_ms();
    shutdown(c->fd, SHUT_WR);
}

/* -1 once the client has closed its side too. */
static int discard_input(struct conn *c)
{
    char scratch[4096];
    ssize_t n = read(c->fd, scratch, sizeof(scratch));

    if (n < 0)
        return (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) ? 0 : -1;
    return n == 0 ? -1 : 0;
}

/* Moves a connection as far as it can go without blocking; -1 to close. */
static int progress(struct conn *c)
{
    for (;;) {
        if (send_output(c) < 0)
            return -1;
        if (c->out.len > 0)
            return 0;           /* wait for POLLOUT */
        if (c->file_fd >= 0) {
            if (refill_from_file(c) < 0)
                return -1;
            continue;
        }
        if (c->closing) {
            start_linger(c);
            return 0;
        }
        if (!handle_request(c))
            return 0;           /* wait for POLLIN */
    }
}

static int read_input(struct conn *c)
{
    ssize_t n;

    if (c->inlen == sizeof(c->in))
        return 0;               /* full: the parser will reject it */
    n = read(c->fd, c->in + c->inlen, sizeof(c->in) - c->inlen);
    if (n < 0)
        return (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) ? 0 : -1;
    if (n == 0)
        return -1;              /* closed by the client */
    c->inlen += (size_t)n;
    c->last_active_ms = httpd_now_ms();
    return 0;
}

static short wanted_events(const struct conn *c)
{
    if (c->lingering)
        return POLLIN;
    return (c->out.len > 0 || c->file_fd >= 0) ? POLLOUT : POLLIN;
}

/* Fills one pollfd per connection; returns how many. */
int conn_poll_set(struct pollfd *pfds)
{
    for (unsigned long i = 0; i < nconns; i++) {
        pfds[i].fd = conns[i]->fd;
        pfds[i].events = wanted_events(conns[i]);
        pfds[i].revents = 0;
    }
    return (int)nconns;
}

/* One connection's poll result; returns -1 when it has to be closed. */
static int conn_event(struct conn *c, short revents, long long now)
{
    if (c->lingering) {
        if (revents != 0 && discard_input(c) < 0)
            return -1;
        return now - c->last_active_ms > HTTPD_LINGER_MS ? -1 : 0;
    }
    if (revents & POLLIN) {
        if (read_input(c) < 0)
            return -1;
    } else if (revents & (POLLERR | POLLHUP | POLLNVAL)) {
        return -1;
    }
    if (revents != 0)
        return progress(c);
    return now - c->last_active_ms > HTTPD_IDLE_MS ? -1 : 0;
}

/* Handles the poll results of the n connections conn_poll_set() listed. */
HTTPD_PATCHABLE void conn_handle_events(const struct pollfd *pfds, int n, long long now)
{
    /* Walk backwards: closing swaps the last connection into slot i. */
    for (unsigned long i = (unsigned long)n; i-- > 0;)
        if (conn_event(conns[i], pfds[i].revents, now) < 0)
            conn_close(i);
}

void conn_close_all(void)
{
    while (nconns > 0)
        conn_close(nconns - 1);
}
