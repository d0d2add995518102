/* mtkv: a multi-threaded Redis-protocol key-value server. A listener thread
 * accepts connections and hands each to one of N worker threads (round
 * robin); each worker runs its own epoll loop over its connections; the
 * key space is one hash table shared by every worker under a mutex. The
 * main thread waits for SIGINT/SIGTERM and prints a summary. */
#ifndef MTKV_H
#define MTKV_H

#include <pthread.h>
#include <stddef.h>

/* Functions a live patch may replace are kept out of line. */
#define MT_PATCHABLE __attribute__((noipa))

#define MAX_ARGS 64
#define IO_CHUNK 16384

struct arg {
    const char *p;
    size_t len;
};

struct conn {
    int fd;
    char *in;
    size_t in_len, in_cap;
    char *out;
    size_t out_len, out_cap, out_sent;
    int argc;
    struct arg argv[MAX_ARGS];
    int closing;
};

/* resp.c */
int resp_parse(struct conn *c, size_t *consumed); /* 1 command, 0 need more, -1 protocol error */
void reply_raw(struct conn *c, const char *s, size_t n);
void reply_status(struct conn *c, const char *s);
void reply_error(struct conn *c, const char *s);
void reply_int(struct conn *c, long long v);
void reply_bulk(struct conn *c, const char *s, size_t n);
void reply_nil(struct conn *c);
void reply_array(struct conn *c, long n);
int arg_is(const struct arg *a, const char *word);

/* store.c: every call takes the table's lock itself */
int store_set(const char *k, size_t kl, const char *v, size_t vl);
/* copies the value into buf (up to cap); returns its length, -1 if missing */
long store_get(const char *k, size_t kl, char *buf, size_t cap);
int store_del(const char *k, size_t kl);
int store_exists(const char *k, size_t kl);
long store_size(void);
void store_flush(void);
/* adds delta to an integer value (0 if missing); 0, or -1 if not an integer */
int store_incr(const char *k, size_t kl, long long delta, long long *result);

/* commands.c */
void execute(struct conn *c);
extern unsigned long commands_done;

/* worker.c */
void workers_start(int n);
void worker_add(int fd);

#endif
