/*
 * Serving a request: /stats, or a file under the served directory.
 *
 * Request targets are percent-decoded first and normalised second, so
 * "%2e%2e" is as much a ".." as ".." itself, and a ".." that would climb
 * above the served directory is refused with 400. Files are then opened
 * relative to a descriptor of that directory (openat), never by an
 * absolute path. Symbolic links inside the directory are followed.
 *
 * Functions marked HTTPD_PATCHABLE (noipa) are the ones a live update may
 * replace: they stay out of line, uncloned, and called with the plain
 * calling convention, so a new body can be swapped in behind the symbol.
 *
 * v2 fixes v1's content_type_for(), which compared only as many
 * characters as the table's extension has, so that ".json" matched ".js"
 * and JSON files went out as application/javascript.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "httpd.h"

static int root_fd = -1;

static const struct {
    const char *ext;
    const char *type;
} content_types[] = {
    { ".html", "text/html; charset=utf-8" },
    { ".htm", "text/html; charset=utf-8" },
    { ".css", "text/css" },
    { ".js", "application/javascript" },
    { ".json", "application/json" },
    { ".txt", "text/plain; charset=utf-8" },
    { ".png", "image/png" },
    { ".jpg", "image/jpeg" },
    { ".jpeg", "image/jpeg" },
    { ".gif", "image/gif" },
    { ".svg", "image/svg+xml" },
    { ".ico", "image/x-icon" },
};

int files_open_root(const char *dir)
{
    root_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    return root_fd;
}

/* The type for the file's extension, compared whole and in any case. */
HTTPD_PATCHABLE const char *content_type_for(const char *path)
{
    const char *slash = strrchr(path, '/');
    const char *ext = strrchr(slash ? slash : path, '.');

    if (ext != NULL)
        for (size_t i = 0; i < sizeof(content_types) / sizeof(content_types[0]); i++)
            if (strcasecmp(ext, content_types[i].ext) == 0)
                return content_types[i].type;
    return "application/octet-stream";
}

static int hexval(int ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

/*
 * Turns a request target into a path relative to the served directory:
 * "" for the directory itself, "a/b.html" otherwise, with a trailing '/'
 * kept so that "file.html/" finds nothing. Returns 0 or an HTTP status:
 * 400 for bad escapes, NUL bytes, or climbing out with "..".
 */
static int target_to_path(const char *target, char *out, size_t outsize)
{
    char decoded[HTTP_MAX_TARGET + 1];
    size_t n = 0, o = 0;
    int trailing_slash;

    /* Decode up to the query or fragment. */
    for (const char *p = target; *p && *p != '?' && *p != '#'; p++) {
        int ch = (unsigned char)*p;

        if (ch == '%') {
            int hi = hexval((unsigned char)p[1]), lo = hi < 0 ? -1 : hexval((unsigned char)p[2]);

            if (lo < 0)
                return 400;
            ch = hi * 16 + lo;
            if (ch == 0)
                return 400;
            p += 2;
        }
        if (n + 1 >= sizeof(decoded))
            return 414;
        decoded[n++] = (char)ch;
    }
    decoded[n] = '\0';
    trailing_slash = n > 0 && decoded[n - 1] == '/';

    /* Normalise segment by segment: skip "" and ".", pop on "..". */
    for (char *seg = decoded, *next; seg != NULL; seg = next) {
        size_t len;

        next = strchr(seg, '/');
        if (next != NULL)
            *next++ = '\0';
        len = strlen(seg);
        if (len == 0 || strcmp(seg, ".") == 0)
            continue;
        if (strcmp(seg, "..") == 0) {
            if (o == 0)
                return 400;     /* would leave the served directory */
            while (o > 0 && out[o - 1] != '/')
                o--;
            if (o > 0)
                o--;            /* the separator before the popped segment */
            continue;
        }
        if (o + (o > 0) + len + 1 > outsize)
            return 414;
        if (o > 0)
            out[o++] = '/';
        memcpy(out + o, seg, len);
        o += len;
    }
    if (trailing_slash && o > 0 && o + 2 <= outsize)
        out[o++] = '/';
    out[o] = '\0';
    return 0;
}

/* Opens the file for a path, index.html for a directory; -1 if none. */
static int open_file(const char *path, struct stat *st, const char **served_name)
{
    int fd = openat(root_fd, path[0] ? path : ".", O_RDONLY | O_CLOEXEC | O_NOCTTY);

    *served_name = path;
    if (fd < 0 || fstat(fd, st) < 0)
        goto fail;
    if (S_ISDIR(st->st_mode)) {
        int index = openat(fd, "index.html", O_RDONLY | O_CLOEXEC | O_NOCTTY);

        close(fd);
        fd = index;
        *served_name = "index.html";
        if (fd < 0 || fstat(fd, st) < 0)
            goto fail;
    }
    if (!S_ISREG(st->st_mode))
        goto fail;
    return fd;
fail:
    if (fd >= 0)
        close(fd);
    return -1;
}

static void serve_stats(struct conn *c, const struct request *req)
{
    char body[256];
    int n = stats_render(body, sizeof(body));

    http_head(&c->out, 200, "application/json", n, req->keep_alive);
    if (!req->head)
        buf_append(&c->out, body, (size_t)n);
}

/* Queues the response; a file body is streamed by the loop (file_fd). */
HTTPD_PATCHABLE void files_serve(struct conn *c, const struct request *req)
{
    char path[HTTP_MAX_TARGET + 1];
    const char *name;
    struct stat st;
    int status, fd;

    status = target_to_path(req->target, path, sizeof(path));
    if (status != 0) {
        http_error(c, status, req->head, 0);
        return;
    }
    if (strcmp(path, "stats") == 0) {
        serve_stats(c, req);
        return;
    }
    fd = open_file(path, &st, &name);
    if (fd < 0) {
        http_error(c, 404, req->head, req->keep_alive);
        return;
    }
    http_head(&c->out, 200, content_type_for(name), (long long)st.st_size, req->keep_alive);
    if (req->head || st.st_size == 0) {
        close(fd);
    } else {
        c->file_fd = fd;
        c->file_left = st.st_size;
    }
    if (!req->keep_alive)
        c->closing = 1;
}
