/* Worker threads: each runs an epoll loop over the connections the
 * listener gave it; requests are parsed and executed as they complete. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>
#include "dsu.h"
#include "mtkv.h"

#define MAX_WORKERS 64

static int epfds[MAX_WORKERS];
static int workers;
static unsigned next_worker;

static void close_conn(int epfd, struct conn *c)
{
    epoll_ctl(epfd, EPOLL_CTL_DEL, c->fd, NULL);
    close(c->fd);
    free(c->in);
    free(c->out);
    free(c);
}

static void handle_input(struct conn *c)
{
    size_t used;
    int r;
    while ((r = resp_parse(c, &used)) == 1) {
        if (c->argc > 0)
            execute(c);
        memmove(c->in, c->in + used, c->in_len - used);
        c->in_len -= used;
        if (c->closing)
            return;
    }
    if (r < 0) {
        reply_error(c, "ERR Protocol error");
        c->closing = 1;
    }
}

/* 0 to keep the connection, -1 to close it */
static int serve(struct conn *c)
{
    if (c->in_cap - c->in_len < IO_CHUNK) {
        size_t cap = c->in_cap ? c->in_cap * 2 : IO_CHUNK * 2;
        char *p = realloc(c->in, cap);
        if (!p)
            return -1;
        c->in = p;
        c->in_cap = cap;
    }
    ssize_t n = read(c->fd, c->in + c->in_len, c->in_cap - c->in_len);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
        return -1;
    if (n > 0) {
        c->in_len += (size_t)n;
        handle_input(c);
    }
    while (c->out_sent < c->out_len) {
        ssize_t w = write(c->fd, c->out + c->out_sent, c->out_len - c->out_sent);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0 && errno == EAGAIN) {
            /* the client reads slowly: block this worker until it can take more */
            usleep(1000);
            continue;
        }
        if (w < 0)
            return -1;
        c->out_sent += (size_t)w;
    }
    c->out_len = c->out_sent = 0;
    return c->closing ? -1 : 0;
}

static void *worker_loop(void *arg)
{
    int epfd = (int)(long)arg;
    struct epoll_event ev[64];
    for (;;) {
        int n = epoll_wait(epfd, ev, 64, -1);
        for (int i = 0; i < n; i++) {
            struct conn *c = ev[i].data.ptr;
            if (serve(c) < 0)
                close_conn(epfd, c);
        }
        /* between requests: where `dsu run --update-points` may update */
        dsu_update_point();
    }
    return NULL;
}

void workers_start(int n)
{
    workers = n < MAX_WORKERS ? n : MAX_WORKERS;
    for (int i = 0; i < workers; i++) {
        pthread_t t;
        epfds[i] = epoll_create1(EPOLL_CLOEXEC);
        pthread_create(&t, NULL, worker_loop, (void *)(long)epfds[i]);
        pthread_detach(t);
    }
}

void worker_add(int fd)
{
    struct conn *c = calloc(1, sizeof *c);
    if (!c) {
        close(fd);
        return;
    }
    c->fd = fd;
    struct epoll_event ev = { .events = EPOLLIN, .data.ptr = c };
    int epfd = epfds[__atomic_fetch_add(&next_worker, 1, __ATOMIC_SEQ_CST) % (unsigned)workers];
    if (epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
        close(fd);
        free(c);
    }
}
