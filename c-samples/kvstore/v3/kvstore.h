/*
 * kvstore: a small single-threaded key-value server speaking RESP2, the
 * Redis protocol. Shared declarations of the modules:
 *
 *   main.c      arguments, the listening socket, signal handling
 *   event.c     the epoll loop and the epoll interest of each descriptor
 *   net.c       clients: accept, buffered reads and writes, teardown
 *   resp.c      the request parser and the reply serializer
 *   commands.c  one function per command and the dispatch table
 *   store.c     the hash table of keys, lazy and periodic expiry
 */
#ifndef KVSTORE_H
#define KVSTORE_H

#include <stddef.h>
#include <signal.h>
#include <stdint.h>

#define KV_DEFAULT_PORT 6380

/*
 * Functions that a live update may replace. noipa keeps GCC from inlining
 * or cloning them and from using what it knows about their bodies at the
 * call sites (IPA register allocation, pure/const discovery): every caller
 * then goes through the symbol with the plain i386 calling convention, so a
 * new body that uses registers differently can be dropped in safely.
 */
#define KV_PATCHABLE __attribute__((noipa))

/* Protocol limits, the same spirit as Redis's defaults but smaller. */
#define KV_MAX_INLINE      (64 * 1024)          /* inline request line */
#define KV_MAX_MULTIBULK   (1024 * 1024)        /* arguments per request */
#define KV_MAX_BULK        (64 * 1024 * 1024)   /* one argument */
#define KV_MAX_QUERYBUF    (128 * 1024 * 1024)  /* unparsed input per client */
#define KV_OUTPUT_HIGHWATER (256 * 1024)        /* stop parsing above this */
#define KV_LINGER_MS       2000                 /* see client_linger() */

/* A growable byte buffer. */
struct buf {
    char *data;
    size_t len;
    size_t cap;
};

/* One argument of a request: points into the client's input buffer. */
struct arg {
    const char *p;
    size_t len;
};

struct client {
    int fd;
    unsigned long long id;
    char addr[64];              /* "ip:port" of the peer */
    char *name;                 /* CLIENT SETNAME, or NULL */

    struct buf in;              /* bytes received */
    size_t inpos;               /* start of the part not yet parsed */
    struct buf out;             /* reply bytes */
    size_t outpos;              /* part of out already written */

    struct arg *argv;           /* the request being executed */
    int argc;
    int argcap;

    int closing;                /* close once out has been written */
    int lingering;              /* write side shut, input discarded */
    long long linger_until;     /* ms deadline of the lingering close */
    uint32_t events;            /* epoll interest currently registered */
    struct client *prev, *next; /* all clients, for shutdown */
};

/* A stored key. Keys and values are binary safe. */
struct entry {
    struct entry *next;         /* hash chain */
    char *key;
    size_t keylen;
    char *val;
    size_t vallen;
    unsigned long hits;         /* GETs that found the key (v3) */
    long long expire_ms;        /* monotonic deadline, 0 for none */
};

/* main.c */
extern volatile sig_atomic_t kv_stop;           /* set by SIGINT/SIGTERM */
long long kv_now_ms(void);

/* event.c */
int event_init(void);
int event_watch(int fd, void *ptr, uint32_t events);
int event_modify(int fd, void *ptr, uint32_t events);
void event_unwatch(int fd);
void event_loop(int listen_fd);

/* net.c */
void buf_append(struct buf *b, const void *p, size_t n);
void net_accept(int listen_fd);
void net_client_event(struct client *c, uint32_t events);
void net_close_all(void);
void net_cron(void);
unsigned long net_clients_count(void);
unsigned long long net_connections_total(void);

/* resp.c */
enum resp_status { RESP_INCOMPLETE, RESP_REQUEST, RESP_ERROR };
enum resp_status resp_parse(struct client *c, const char **err);
void reply_simple(struct client *c, const char *s);
void reply_error(struct client *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void reply_integer(struct client *c, long long v);
void reply_bulk(struct client *c, const char *p, size_t len);
void reply_bulk_cstr(struct client *c, const char *s);
void reply_null(struct client *c);
void reply_array(struct client *c, long n);

/* commands.c */
void commands_dispatch(struct client *c);
unsigned long long commands_processed(void);

/* store.c */
struct entry *store_lookup(const char *key, size_t keylen);
struct entry *store_set(const char *key, size_t keylen,
                        const char *val, size_t vallen);
int store_delete(const char *key, size_t keylen);
int store_append(struct entry *e, const char *p, size_t n);
void store_set_expire(struct entry *e, long long deadline_ms);
unsigned long store_size(void);
void store_flush(void);
void store_expire_cycle(void);

#endif
