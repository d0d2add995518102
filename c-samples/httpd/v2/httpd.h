/*
 * httpd: a small static-file HTTP/1.1 server over poll(). Modules:
 *
 *   main.c    options, the listening socket, the served directory, signals
 *   loop.c    the poll loop
 *   conn.c    connections: accept, non-blocking reads and writes, closing
 *   http.c    request parsing and response heads
 *   files.c   mapping a request to a file (or /stats) and queuing the reply
 *   stats.c   counters shown by /stats
 */
#ifndef HTTPD_H
#define HTTPD_H

#include <signal.h>
#include <stddef.h>
#include <sys/types.h>

#define HTTPD_DEFAULT_PORT 8080

/* Functions a live update may replace: see the comment in files.c. */
#define HTTPD_PATCHABLE __attribute__((noipa))

#define HTTP_MAX_HEAD   8192            /* request line plus headers */
#define HTTP_MAX_TARGET 2048            /* longer request targets get 414 */
#define HTTPD_MAX_CONNS 1000
#define HTTPD_IDLE_MS   30000           /* keep-alive connections time out */
#define HTTPD_LINGER_MS 2000            /* see start_linger() in conn.c */
#define HTTPD_FILE_CHUNK (64 * 1024)    /* bytes read from a file at a time */

struct buf {
    char *data;
    size_t len;
    size_t cap;
};

struct conn {
    int fd;
    char in[HTTP_MAX_HEAD];     /* received, not yet parsed */
    size_t inlen;
    struct buf out;             /* response bytes */
    size_t outpos;              /* part of out already sent */
    int file_fd;                /* body still being read from a file, or -1 */
    off_t file_left;
    int closing;                /* close once the response is out */
    int lingering;              /* write side shut, input discarded */
    long long last_active_ms;
};

struct request {
    int head;                   /* HEAD rather than GET */
    int minor;                  /* HTTP/1.<minor> */
    int keep_alive;             /* the connection may serve another request */
    const char *target;         /* as sent, NUL-terminated, in the conn buffer */
};

/* Parse results besides the HTTP status of a bad request. */
#define HTTP_INCOMPLETE 0
#define HTTP_PARSED     1

/* main.c */
extern volatile sig_atomic_t httpd_stop;
long long httpd_now_ms(void);

/* loop.c */
void loop_run(int listen_fd);

/* conn.c */
struct pollfd;
void buf_append(struct buf *b, const void *p, size_t n);
void conn_accept(int listen_fd);
int conn_poll_set(struct pollfd *pfds);
void conn_handle_events(const struct pollfd *pfds, int n, long long now);
void conn_close_all(void);
unsigned long conn_open_count(void);

/* http.c */
int http_parse(char *data, size_t len, struct request *req, size_t *used);
const char *http_reason(int status);
void http_head(struct buf *out, int status, const char *type,
               long long length, int keep_alive);
void http_error(struct conn *c, int status, int head, int keep_alive);

/* files.c */
int files_open_root(const char *dir);
void files_serve(struct conn *c, const struct request *req);
const char *content_type_for(const char *path);

/* stats.c */
void stats_request(void);
void stats_connection(void);
void stats_bytes(size_t n);
unsigned long long stats_requests(void);
unsigned long long stats_connections(void);
int stats_render(char *out, size_t size);

#endif
