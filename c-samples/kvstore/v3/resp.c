/*
 * RESP2: the request parser (multibulk and inline requests) and the reply
 * serializer. Parsed arguments point into the client's input buffer and
 * stay valid until the command has run.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kvstore.h"

static char proto_err[64];      /* message of the last protocol error */

static void push_arg(struct client *c, const char *p, size_t len)
{
    if (c->argc == c->argcap) {
        int cap = c->argcap ? c->argcap * 2 : 8;
        struct arg *a = realloc(c->argv, (size_t)cap * sizeof(*a));

        if (a == NULL)
            abort();
        c->argv = a;
        c->argcap = cap;
    }
    c->argv[c->argc].p = p;
    c->argv[c->argc].len = len;
    c->argc++;
}

/*
 * A strict decimal integer as the protocol headers use it ("*3", "$5"):
 * optional '-', digits, nothing else, no overflow.
 */
static int parse_header_number(const char *p, size_t len, long long *out)
{
    long long v = 0;
    size_t i = 0;
    int neg = 0;

    if (len > 0 && p[0] == '-') {
        neg = 1;
        i = 1;
    }
    if (i == len || len > 19)
        return -1;
    for (; i < len; i++) {
        if (p[i] < '0' || p[i] > '9')
            return -1;
        v = v * 10 + (p[i] - '0');
    }
    *out = neg ? -v : v;
    return 0;
}

/* The line starting at p, ending before "\r\n"; NULL if not complete. */
static const char *find_crlf(const char *p, const char *end)
{
    const char *cr = memchr(p, '\r', (size_t)(end - p));

    if (cr == NULL || cr + 1 >= end)
        return NULL;
    return cr;
}

static enum resp_status fail(const char **err, const char *msg)
{
    *err = msg;
    return RESP_ERROR;
}

static enum resp_status parse_multibulk(struct client *c, const char **err)
{
    const char *start = c->in.data + c->inpos;
    const char *end = c->in.data + c->in.len;
    const char *p = start, *eol;
    long long count, len;

    eol = find_crlf(p, end);
    if (eol == NULL)
        return end - p > KV_MAX_INLINE ? fail(err, "too big mbulk count string")
                                       : RESP_INCOMPLETE;
    if (parse_header_number(p + 1, (size_t)(eol - p - 1), &count) < 0 ||
        count > KV_MAX_MULTIBULK)
        return fail(err, "invalid multibulk length");
    p = eol + 2;

    for (long long i = 0; i < count; i++) {
        eol = find_crlf(p, end);
        if (eol == NULL)
            return end - p > KV_MAX_INLINE ? fail(err, "too big bulk count string")
                                           : RESP_INCOMPLETE;
        if (*p != '$') {
            snprintf(proto_err, sizeof(proto_err), "expected '$', got '%c'", *p);
            return fail(err, proto_err);
        }
        if (parse_header_number(p + 1, (size_t)(eol - p - 1), &len) < 0 ||
            len < 0 || len > KV_MAX_BULK)
            return fail(err, "invalid bulk length");
        p = eol + 2;
        if (end - p < len + 2)
            return RESP_INCOMPLETE;
        push_arg(c, p, (size_t)len);
        p += len + 2;           /* like Redis, the CRLF is not checked */
    }
    c->inpos += (size_t)(p - start);
    return RESP_REQUEST;
}

static int hexval(int ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    ch = tolower(ch);
    return (ch >= 'a' && ch <= 'f') ? ch - 'a' + 10 : -1;
}

/*
 * Splits an inline request ("SET k \"a b\"\r\n") into arguments, in place:
 * quoted arguments are unescaped into the buffer they came from, which
 * only ever shrinks them. Returns -1 on unbalanced quotes.
 */
static int split_inline(struct client *c, char *p, char *end)
{
    while (p < end) {
        char *arg, *w;
        char quote = 0;

        while (p < end && isspace((unsigned char)*p))
            p++;
        if (p == end)
            break;
        arg = w = p;
        if (*p == '"' || *p == '\'') {
            quote = *p++;
            arg = w = p;
        }
        for (;;) {
            if (p == end) {
                if (quote)
                    return -1;
                break;
            }
            if (!quote && isspace((unsigned char)*p))
                break;
            if (quote && *p == quote) {
                p++;
                /* A closing quote must end the argument. */
                if (p < end && !isspace((unsigned char)*p))
                    return -1;
                break;
            }
            if (quote == '"' && *p == '\\' && p + 1 < end) {
                char e = p[1];

                p += 2;
                if (e == 'x' && end - p >= 2 && hexval(p[0]) >= 0 && hexval(p[1]) >= 0) {
                    *w++ = (char)(hexval(p[0]) * 16 + hexval(p[1]));
                    p += 2;
                    continue;
                }
                *w++ = e == 'n' ? '\n' : e == 'r' ? '\r' : e == 't' ? '\t' :
                       e == 'b' ? '\b' : e == 'a' ? '\a' : e;
                continue;
            }
            *w++ = *p++;
        }
        push_arg(c, arg, (size_t)(w - arg));
    }
    return 0;
}

static enum resp_status parse_inline(struct client *c, const char **err)
{
    char *start = c->in.data + c->inpos;
    char *end = c->in.data + c->in.len;
    char *nl = memchr(start, '\n', (size_t)(end - start));
    char *line_end;

    if (nl == NULL)
        return end - start > KV_MAX_INLINE ? fail(err, "too big inline request")
                                           : RESP_INCOMPLETE;
    line_end = (nl > start && nl[-1] == '\r') ? nl - 1 : nl;
    if (split_inline(c, start, line_end) < 0)
        return fail(err, "unbalanced quotes in request");
    c->inpos += (size_t)(nl + 1 - start);
    return RESP_REQUEST;
}

/*
 * Parses one request at c->inpos into c->argv/argc. On RESP_REQUEST the
 * request has been consumed (argc may be 0 for an empty line or "*0").
 * On RESP_INCOMPLETE nothing is consumed: the caller reads more and the
 * parse starts over, which costs one pass over the headers, not the data.
 */
enum resp_status resp_parse(struct client *c, const char **err)
{
    c->argc = 0;
    if (c->in.data[c->inpos] == '*')
        return parse_multibulk(c, err);
    return parse_inline(c, err);
}

/* --- replies --- */

static void append_line(struct client *c, char type, const char *s, size_t len)
{
    buf_append(&c->out, &type, 1);
    buf_append(&c->out, s, len);
    buf_append(&c->out, "\r\n", 2);
}

void reply_simple(struct client *c, const char *s)
{
    append_line(c, '+', s, strlen(s));
}

void reply_error(struct client *c, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (n < 0)
        n = 0;
    if ((size_t)n >= sizeof(msg))
        n = sizeof(msg) - 1;
    /* An error is one line: client data quoted in it must not break it. */
    for (int i = 0; i < n; i++)
        if (msg[i] == '\r' || msg[i] == '\n')
            msg[i] = ' ';
    append_line(c, '-', msg, (size_t)n);
}

void reply_integer(struct client *c, long long v)
{
    char num[24];
    int n = snprintf(num, sizeof(num), "%lld", v);

    append_line(c, ':', num, (size_t)n);
}

void reply_bulk(struct client *c, const char *p, size_t len)
{
    char hdr[24];
    int n = snprintf(hdr, sizeof(hdr), "%zu", len);

    append_line(c, '$', hdr, (size_t)n);
    buf_append(&c->out, p, len);
    buf_append(&c->out, "\r\n", 2);
}

void reply_bulk_cstr(struct client *c, const char *s)
{
    reply_bulk(c, s, strlen(s));
}

void reply_null(struct client *c)
{
    buf_append(&c->out, "$-1\r\n", 5);
}

void reply_array(struct client *c, long n)
{
    char hdr[24];
    int len = snprintf(hdr, sizeof(hdr), "%ld", n);

    append_line(c, '*', hdr, (size_t)len);
}
