/* RESP2: requests (multibulk and inline) and replies. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "mtkv.h"

static int grow(char **buf, size_t *cap, size_t need)
{
    if (need <= *cap)
        return 0;
    size_t n = *cap ? *cap : 4096;
    while (n < need)
        n *= 2;
    char *p = realloc(*buf, n);
    if (!p)
        return -1;
    *buf = p;
    *cap = n;
    return 0;
}

void reply_raw(struct conn *c, const char *s, size_t n)
{
    if (grow(&c->out, &c->out_cap, c->out_len + n) < 0) {
        c->closing = 1;
        return;
    }
    memcpy(c->out + c->out_len, s, n);
    c->out_len += n;
}

static void reply_text(struct conn *c, char kind, const char *s)
{
    reply_raw(c, &kind, 1);
    reply_raw(c, s, strlen(s));
    reply_raw(c, "\r\n", 2);
}

static void reply_number(struct conn *c, char kind, long long v)
{
    char buf[32];
    int n = snprintf(buf, sizeof buf, "%c%lld\r\n", kind, v);
    reply_raw(c, buf, (size_t)n);
}

void reply_status(struct conn *c, const char *s) { reply_text(c, '+', s); }
void reply_error(struct conn *c, const char *s) { reply_text(c, '-', s); }
void reply_int(struct conn *c, long long v) { reply_number(c, ':', v); }
void reply_nil(struct conn *c) { reply_raw(c, "$-1\r\n", 5); }
void reply_array(struct conn *c, long n) { reply_number(c, '*', n); }

void reply_bulk(struct conn *c, const char *s, size_t n)
{
    reply_number(c, '$', (long long)n);
    reply_raw(c, s, n);
    reply_raw(c, "\r\n", 2);
}

int arg_is(const struct arg *a, const char *word)
{
    size_t n = strlen(word);
    return a->len == n && strncasecmp(a->p, word, n) == 0;
}

/* A number ending in \r\n at p (before end); its end in *next. */
static int number(const char *p, const char *end, long *v, const char **next)
{
    const char *nl = memchr(p, '\r', (size_t)(end - p));
    if (!nl || nl + 1 >= end)
        return 0;
    if (nl[1] != '\n')
        return -1;
    char *stop;
    *v = strtol(p, &stop, 10);
    if (stop != nl)
        return -1;
    *next = nl + 2;
    return 1;
}

static int inline_command(struct conn *c, size_t *consumed)
{
    char *nl = memchr(c->in, '\n', c->in_len);
    if (!nl)
        return c->in_len > 65536 ? -1 : 0;
    char *p = c->in, *end = nl > c->in && nl[-1] == '\r' ? nl - 1 : nl;
    c->argc = 0;
    while (p < end && c->argc < MAX_ARGS) {
        while (p < end && *p == ' ')
            p++;
        if (p == end)
            break;
        char *w = p;
        while (p < end && *p != ' ')
            p++;
        c->argv[c->argc++] = (struct arg){ w, (size_t)(p - w) };
    }
    *consumed = (size_t)(nl + 1 - c->in);
    return 1;
}

int resp_parse(struct conn *c, size_t *consumed)
{
    if (c->in_len == 0)
        return 0;
    if (c->in[0] != '*')
        return inline_command(c, consumed);
    const char *p = c->in + 1, *end = c->in + c->in_len;
    long n;
    int r = number(p, end, &n, &p);
    if (r <= 0)
        return r;
    if (n < 1 || n > MAX_ARGS)
        return -1;
    for (long i = 0; i < n; i++) {
        long len;
        if (p >= end)
            return 0;
        if (*p != '$')
            return -1;
        r = number(p + 1, end, &len, &p);
        if (r <= 0)
            return r;
        if (len < 0 || len > 512 * 1024 * 1024L)
            return -1;
        if (end - p < len + 2)
            return 0;
        c->argv[i] = (struct arg){ p, (size_t)len };
        p += len + 2;
    }
    c->argc = (int)n;
    *consumed = (size_t)(p - c->in);
    return 1;
}
