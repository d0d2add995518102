#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include "bank.h"

static struct conn *conns[BANK_MAX_CONNS];
static int nconns;

struct conn *conn_get(int slot)
{
    return slot >= 0 && slot < BANK_MAX_CONNS ? conns[slot] : NULL;
}

int conn_count(void)
{
    return nconns;
}

static void conn_close(struct conn *c, int epfd)
{
    for (int i = 0; i < BANK_MAX_CONNS; i++)
        if (conns[i] == c)
            conns[i] = NULL;
    epoll_ctl(epfd, EPOLL_CTL_DEL, c->fd, NULL);
    close(c->fd);
    free(c);
    nconns--;
}

void conn_accept(int lfd, int epfd)
{
    for (;;) {
        int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        struct epoll_event ev;
        struct conn *c;
        int slot;

        if (fd < 0)
            return;
        for (slot = 0; slot < BANK_MAX_CONNS && conns[slot]; slot++)
            ;
        if (slot == BANK_MAX_CONNS || nconns >= config.max_conns) {
            close(fd);
            continue;
        }
        c = calloc(1, sizeof *c);
        c->fd = fd;
        conns[slot] = c;
        nconns++;
        ev.events = EPOLLIN;
        ev.data.ptr = c;
        epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev);
    }
}

static int send_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EAGAIN || errno == EINTR)
                continue;   /* replies are small: spin rather than buffer */
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

void conn_readable(struct conn *c, int epfd)
{
    char out[1024];
    ssize_t r = read(c->fd, c->in + c->inlen, sizeof c->in - c->inlen);
    char *start, *nl;

    if (r <= 0) {
        if (r < 0 && (errno == EAGAIN || errno == EINTR))
            return;
        conn_close(c, epfd);
        return;
    }
    c->inlen += (size_t)r;
    start = c->in;
    while ((nl = memchr(start, '\n', c->inlen - (size_t)(start - c->in))) != NULL) {
        *nl = '\0';
        if (nl > start && nl[-1] == '\r')
            nl[-1] = '\0';
        c->requests++;
        total_requests++;
        if (strcmp(start, "QUIT") == 0) {
            send_all(c->fd, "OK bye\n", 7);
            conn_close(c, epfd);
            return;
        }
        bank_command(c, start, out, sizeof out);
        if (send_all(c->fd, out, strlen(out)) < 0) {
            conn_close(c, epfd);
            return;
        }
        start = nl + 1;
    }
    c->inlen -= (size_t)(start - c->in);
    memmove(c->in, start, c->inlen);
    if (c->inlen == sizeof c->in) {
        send_all(c->fd, "ERR line too long\n", 18);
        conn_close(c, epfd);
    }
}
