/* One function per command, and the dispatch. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "mtkv.h"

unsigned long commands_done;

MT_PATCHABLE void cmd_ping(struct conn *c)
{
    if (c->argc > 1)
        reply_bulk(c, c->argv[1].p, c->argv[1].len);
    else
        reply_status(c, "PONG");
}

MT_PATCHABLE void cmd_set(struct conn *c)
{
    if (store_set(c->argv[1].p, c->argv[1].len, c->argv[2].p, c->argv[2].len) < 0)
        reply_error(c, "ERR out of memory");
    else
        reply_status(c, "OK");
}

MT_PATCHABLE void cmd_get(struct conn *c)
{
    char small[4096], *buf = small;
    long n = store_get(c->argv[1].p, c->argv[1].len, buf, sizeof small);
    /* a larger value: fetch it again into a buffer its size (it may have changed meanwhile) */
    while (n > (long)sizeof small && buf == small) {
        buf = malloc((size_t)n);
        if (!buf) {
            reply_error(c, "ERR out of memory");
            return;
        }
        long again = store_get(c->argv[1].p, c->argv[1].len, buf, (size_t)n);
        if (again > n) {
            free(buf);
            buf = small;
        }
        n = again;
    }
    if (n < 0)
        reply_nil(c);
    else
        reply_bulk(c, buf, (size_t)n);
    if (buf != small)
        free(buf);
}

MT_PATCHABLE void cmd_incrby(struct conn *c, long long delta)
{
    long long v;
    if (store_incr(c->argv[1].p, c->argv[1].len, delta, &v) < 0)
        reply_error(c, "ERR value is not an integer or out of range");
    else
        reply_int(c, v);
}

/* v1: DEL counts every key named, whether it existed or not */
MT_PATCHABLE void cmd_del(struct conn *c)
{
    long n = 0;
    for (int i = 1; i < c->argc; i++) {
        store_del(c->argv[i].p, c->argv[i].len);
        n++;
    }
    reply_int(c, n);
}

MT_PATCHABLE void cmd_exists(struct conn *c)
{
    long n = 0;
    for (int i = 1; i < c->argc; i++)
        n += store_exists(c->argv[i].p, c->argv[i].len);
    reply_int(c, n);
}

MT_PATCHABLE void cmd_config(struct conn *c)
{
    /* what redis-benchmark asks on connect */
    if (c->argc >= 3 && arg_is(&c->argv[1], "GET") && arg_is(&c->argv[2], "save")) {
        reply_array(c, 2);
        reply_bulk(c, "save", 4);
        reply_bulk(c, "", 0);
    } else if (c->argc >= 3 && arg_is(&c->argv[1], "GET") && arg_is(&c->argv[2], "appendonly")) {
        reply_array(c, 2);
        reply_bulk(c, "appendonly", 10);
        reply_bulk(c, "no", 2);
    } else {
        reply_array(c, 0);
    }
}

/* SLOW ms: computes for that long in this worker (a long request) */
MT_PATCHABLE void cmd_slow(struct conn *c)
{
    long ms = strtol(c->argv[1].p, NULL, 10);
    struct timespec start, now;
    clock_gettime(CLOCK_MONOTONIC, &start);
    volatile unsigned long spin = 0;
    do {
        for (int i = 0; i < 100000; i++)
            spin++;
        clock_gettime(CLOCK_MONOTONIC, &now);
    } while ((now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000 < ms);
    reply_status(c, "OK");
}

MT_PATCHABLE void cmd_version(struct conn *c)
{
    reply_status(c, "v1");
}

MT_PATCHABLE void cmd_info(struct conn *c)
{
    char text[160];
    int n = snprintf(text, sizeof text, "# Server\r\nmtkv_version:%s\r\ntotal_commands_processed:%lu\r\n",
                     "v1", __atomic_load_n(&commands_done, __ATOMIC_RELAXED));
    reply_bulk(c, text, (size_t)n);
}

MT_PATCHABLE void execute(struct conn *c)
{
    const struct arg *name = &c->argv[0];
    int argc = c->argc;
    __atomic_fetch_add(&commands_done, 1, __ATOMIC_RELAXED);
    if (arg_is(name, "PING"))
        cmd_ping(c);
    else if (arg_is(name, "SET") && argc == 3)
        cmd_set(c);
    else if (arg_is(name, "GET") && argc == 2)
        cmd_get(c);
    else if (arg_is(name, "INCR") && argc == 2)
        cmd_incrby(c, 1);
    else if (arg_is(name, "DECR") && argc == 2)
        cmd_incrby(c, -1);
    else if (arg_is(name, "DEL") && argc >= 2)
        cmd_del(c);
    else if (arg_is(name, "EXISTS") && argc >= 2)
        cmd_exists(c);
    else if (arg_is(name, "DBSIZE"))
        reply_int(c, store_size());
    else if (arg_is(name, "FLUSHALL")) {
        store_flush();
        reply_status(c, "OK");
    } else if (arg_is(name, "CONFIG"))
        cmd_config(c);
    else if (arg_is(name, "COMMAND"))
        reply_array(c, 0);
    else if (arg_is(name, "SLOW") && argc == 2)
        cmd_slow(c);
    else if (arg_is(name, "INFO"))
        cmd_info(c);
    else if (arg_is(name, "VERSION"))
        cmd_version(c);
    else if (arg_is(name, "QUIT")) {
        reply_status(c, "OK");
        c->closing = 1;
    } else {
        char msg[160];
        snprintf(msg, sizeof msg, "ERR unknown command '%.*s' or wrong number of arguments", (int)(name->len < 64 ? name->len : 64), name->p);
        reply_error(c, msg);
    }
}
