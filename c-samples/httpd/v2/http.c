/*
 * HTTP/1.x messages: parsing a request head in place, and writing the
 * head of a response. Only GET and HEAD are served; requests that carry a
 * body are answered and then the connection is closed, since the body is
 * never read.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "httpd.h"

static int is_tchar(int ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
           (ch >= '0' && ch <= '9') || (ch != 0 && strchr("!#$%&'*+-.^_`|~", ch));
}

/* End of the head ("\r\n\r\n" or "\n\n"), or NULL if not complete yet. */
static char *find_head_end(char *data, size_t len, size_t *termlen)
{
    for (size_t i = 0; i + 1 < len; i++) {
        if (data[i] != '\n')
            continue;
        if (data[i + 1] == '\n') {
            *termlen = 2;
            return data + i;
        }
        if (data[i + 1] == '\r' && i + 2 < len && data[i + 2] == '\n') {
            *termlen = 3;
            return data + i;
        }
    }
    return NULL;
}

/* Splits off the next line (without its CRLF or LF); NULL at the end. */
static char *next_line(char **cursor, char *end)
{
    char *line = *cursor, *nl;

    if (line >= end)
        return NULL;
    nl = memchr(line, '\n', (size_t)(end - line));
    if (nl == NULL)
        nl = end;
    *cursor = nl + 1;
    if (nl > line && nl[-1] == '\r')
        nl--;
    *nl = '\0';
    return line;
}

/* Does a comma-separated header value contain the token (any case)? */
static int has_token(const char *value, const char *token)
{
    size_t n = strlen(token);

    while (*value) {
        while (*value == ' ' || *value == '\t' || *value == ',')
            value++;
        if (strncasecmp(value, token, n) == 0 &&
            (value[n] == '\0' || value[n] == ',' || value[n] == ' ' || value[n] == '\t'))
            return 1;
        while (*value && *value != ',')
            value++;
    }
    return 0;
}

static int parse_request_line(char *line, struct request *req, int *method_ok)
{
    char *method = line, *target, *version, *sp;

    for (sp = method; is_tchar((unsigned char)*sp); sp++)
        ;
    if (sp == method || *sp != ' ')
        return 400;
    *sp = '\0';
    target = sp + 1;
    sp = strchr(target, ' ');
    if (sp == NULL || sp == target)
        return 400;
    *sp = '\0';
    version = sp + 1;

    if (strlen(target) > HTTP_MAX_TARGET)
        return 414;
    if (strncmp(version, "HTTP/", 5) != 0 || version[5] < '0' || version[5] > '9' ||
        version[6] != '.' || version[7] < '0' || version[7] > '9' || version[8] != '\0')
        return 400;
    if (version[5] != '1')
        return 505;
    req->minor = version[7] - '0';

    /* Absolute form (a proxy-style request): keep only the path. */
    if (strncasecmp(target, "http://", 7) == 0) {
        char *slash = strchr(target + 7, '/');

        target = slash ? slash : (char *)"/";
    }
    if (target[0] != '/')
        return 400;
    req->target = target;
    req->head = strcmp(method, "HEAD") == 0;
    *method_ok = req->head || strcmp(method, "GET") == 0;
    return 0;
}

/*
 * Parses the request head at the start of data, NUL-terminating its parts
 * in place. Returns HTTP_INCOMPLETE, HTTP_PARSED, or the status of a bad
 * request: 405 (with *used and req filled in, the connection can go on),
 * 400, 414 or 505 (the connection should be closed).
 */
HTTPD_PATCHABLE int http_parse(char *data, size_t len, struct request *req, size_t *used)
{
    size_t skip = 0, termlen;
    char *end, *cursor, *line;
    int status, method_ok = 0, conn_close = 0, conn_keep = 0, has_body = 0, host = 0;

    /* Tolerate empty lines before a request (RFC 9112, section 2.2). */
    while (skip < len && (data[skip] == '\r' || data[skip] == '\n'))
        skip++;
    end = find_head_end(data + skip, len - skip, &termlen);
    if (end == NULL) {
        if (memchr(data + skip, '\n', len - skip) == NULL && len - skip > HTTP_MAX_TARGET + 16)
            return 414;
        return len >= HTTP_MAX_HEAD ? 400 : HTTP_INCOMPLETE;
    }
    *used = (size_t)(end - data) + termlen;
    end++;                      /* keep the last header's newline */

    cursor = data + skip;
    line = next_line(&cursor, end);
    memset(req, 0, sizeof(*req));
    status = parse_request_line(line, req, &method_ok);
    if (status != 0)
        return status;

    while ((line = next_line(&cursor, end)) != NULL) {
        char *colon = strchr(line, ':'), *value;

        if (colon == NULL || colon == line)
            return 400;
        for (char *p = line; p < colon; p++)
            if (!is_tchar((unsigned char)*p))
                return 400;     /* also rejects obsolete line folding */
        *colon = '\0';
        value = colon + 1;
        while (*value == ' ' || *value == '\t')
            value++;
        if (strcasecmp(line, "Connection") == 0) {
            conn_close |= has_token(value, "close");
            conn_keep |= has_token(value, "keep-alive");
        } else if (strcasecmp(line, "Content-Length") == 0) {
            has_body |= strspn(value, "0") != strlen(value) || *value == '\0';
        } else if (strcasecmp(line, "Transfer-Encoding") == 0) {
            has_body = 1;
        } else if (strcasecmp(line, "Host") == 0) {
            host = 1;
        }
    }
    if (req->minor >= 1 && !host)
        return 400;             /* required by HTTP/1.1 */
    req->keep_alive = !has_body && (req->minor >= 1 ? !conn_close : conn_keep);
    return method_ok ? HTTP_PARSED : 405;
}

const char *http_reason(int status)
{
    switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 414: return "URI Too Long";
    case 500: return "Internal Server Error";
    case 505: return "HTTP Version Not Supported";
    default:  return "Unknown";
    }
}

/* Every response says how long it is and whether the connection stays. */
HTTPD_PATCHABLE void http_head(struct buf *out, int status, const char *type,
                               long long length, int keep_alive)
{
    char head[512];
    int n = snprintf(head, sizeof(head),
                     "HTTP/1.1 %d %s\r\n"
                     "Content-Type: %s\r\n"
                     "Content-Length: %lld\r\n"
                     "%s"
                     "Connection: %s\r\n"
                     "\r\n",
                     status, http_reason(status), type, length,
                     status == 405 ? "Allow: GET, HEAD\r\n" : "",
                     keep_alive ? "keep-alive" : "close");

    buf_append(out, head, (size_t)n);
}

/* A short text/plain error page; HEAD gets the same head and no body. */
HTTPD_PATCHABLE void http_error(struct conn *c, int status, int head, int keep_alive)
{
    char body[64];
    int n = snprintf(body, sizeof(body), "%d %s\n", status, http_reason(status));

    http_head(&c->out, status, "text/plain; charset=utf-8", n, keep_alive);
    if (!head)
        buf_append(&c->out, body, (size_t)n);
    if (!keep_alive)
        c->closing = 1;
}
