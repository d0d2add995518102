/*
 * The commands: one function per command, found through a dispatch table.
 *
 * Why the command functions are non-static and KV_PATCHABLE (noipa): this
 * server is updated while it runs, one function at a time. A live patch
 * replaces a function by redirecting its symbol to a new body, which only
 * works if every call really goes through that symbol. A static function
 * that is called once would be inlined by -O2 into the dispatcher (and
 * then there is nothing to redirect), might be cloned into a specialised
 * copy (cmd_get.constprop.0) that the patch does not know about, or might
 * be called with registers that GCC knows it leaves untouched, an
 * assumption the new body would break. Making them global and noipa
 * keeps one out-of-line copy per command with the ordinary calling
 * convention. The small helpers stay static: a patch that changes one of
 * them has to replace the functions it was inlined into instead.
 *
 * v2 fixes v1's integer parsing (v1 used strtoll(), which accepted " 41",
 * "+41" and "007" and clamped out-of-range numbers) and adds INCRBY.
 * v3 counts, per key, the GETs that found it (struct entry gains a field)
 * and reports the count with the new HITS command.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "kvstore.h"

static const char server_version[] = "3";

static unsigned long long processed;    /* commands executed */

typedef void command_fn(struct client *c);

struct command {
    const char *name;
    command_fn *fn;
    int arity;          /* argc including the name; -N means at least N */
};

unsigned long long commands_processed(void)
{
    return processed;
}

/* Case-insensitive comparison of an argument with a keyword. */
static int arg_is(const struct arg *a, const char *word)
{
    size_t n = strlen(word);

    return a->len == n && strncasecmp(a->p, word, n) == 0;
}

/*
 * A canonical decimal integer, as Redis accepts it: an optional '-', no
 * leading zeros, no spaces or '+', and within the range of long long.
 */
static int string_to_ll(const char *p, size_t len, long long *out)
{
    unsigned long long v = 0, limit;
    size_t i = 0;
    int neg = 0;

    if (len == 1 && p[0] == '0') {
        *out = 0;
        return 0;
    }
    if (len > 0 && p[0] == '-') {
        neg = 1;
        i = 1;
    }
    if (i == len || p[i] < '1' || p[i] > '9')
        return -1;
    limit = neg ? (unsigned long long)LLONG_MAX + 1 : (unsigned long long)LLONG_MAX;
    for (; i < len; i++) {
        unsigned d;

        if (p[i] < '0' || p[i] > '9')
            return -1;
        d = (unsigned)(p[i] - '0');
        if (v > (limit - d) / 10)
            return -1;
        v = v * 10 + d;
    }
    *out = neg ? (long long)(0 - v) : (long long)v;
    return 0;
}

static void reply_not_integer(struct client *c)
{
    reply_error(c, "ERR value is not an integer or out of range");
}

KV_PATCHABLE void cmd_ping(struct client *c)
{
    if (c->argc > 2) {
        reply_error(c, "ERR wrong number of arguments for 'ping' command");
        return;
    }
    if (c->argc == 2)
        reply_bulk(c, c->argv[1].p, c->argv[1].len);
    else
        reply_simple(c, "PONG");
}

KV_PATCHABLE void cmd_echo(struct client *c)
{
    reply_bulk(c, c->argv[1].p, c->argv[1].len);
}

/* SET key value [NX|XX] [EX seconds|PX milliseconds] */
KV_PATCHABLE void cmd_set(struct client *c)
{
    const struct arg *key = &c->argv[1], *val = &c->argv[2];
    long long ttl_ms = 0, n;
    int nx = 0, xx = 0, have_ttl = 0;
    struct entry *e;

    for (int i = 3; i < c->argc; i++) {
        const struct arg *opt = &c->argv[i];

        if (arg_is(opt, "NX") && !xx) {
            nx = 1;
        } else if (arg_is(opt, "XX") && !nx) {
            xx = 1;
        } else if ((arg_is(opt, "EX") || arg_is(opt, "PX")) && !have_ttl &&
                   i + 1 < c->argc) {
            int seconds = arg_is(opt, "EX");

            i++;
            if (string_to_ll(c->argv[i].p, c->argv[i].len, &n) < 0) {
                reply_not_integer(c);
                return;
            }
            if (n <= 0 || (seconds && n > LLONG_MAX / 1000)) {
                reply_error(c, "ERR invalid expire time in 'set' command");
                return;
            }
            ttl_ms = seconds ? n * 1000 : n;
            have_ttl = 1;
        } else {
            reply_error(c, "ERR syntax error");
            return;
        }
    }

    e = store_lookup(key->p, key->len);
    if ((nx && e != NULL) || (xx && e == NULL)) {
        reply_null(c);
        return;
    }
    e = store_set(key->p, key->len, val->p, val->len);
    if (have_ttl)
        store_set_expire(e, kv_now_ms() + ttl_ms);
    reply_simple(c, "OK");
}

KV_PATCHABLE void cmd_get(struct client *c)
{
    struct entry *e = store_lookup(c->argv[1].p, c->argv[1].len);

    if (e == NULL) {
        reply_null(c);
    } else {
        e->hits++;
        reply_bulk(c, e->val, e->vallen);
    }
}

/* HITS key (new in v3): how many GETs found the key since it was created. */
KV_PATCHABLE void cmd_hits(struct client *c)
{
    struct entry *e = store_lookup(c->argv[1].p, c->argv[1].len);

    if (e == NULL)
        reply_null(c);
    else
        reply_integer(c, (long long)e->hits);
}

KV_PATCHABLE void cmd_del(struct client *c)
{
    long long deleted = 0;

    for (int i = 1; i < c->argc; i++)
        deleted += store_delete(c->argv[i].p, c->argv[i].len);
    reply_integer(c, deleted);
}

KV_PATCHABLE void cmd_exists(struct client *c)
{
    long long found = 0;

    for (int i = 1; i < c->argc; i++)
        if (store_lookup(c->argv[i].p, c->argv[i].len) != NULL)
            found++;
    reply_integer(c, found);
}

/* Adds delta to the integer stored at key (0 if missing), keeping its TTL. */
static void incr_by(struct client *c, long long delta)
{
    const struct arg *key = &c->argv[1];
    struct entry *e = store_lookup(key->p, key->len);
    long long value = 0, expire = 0;
    char num[24];
    int len;

    if (e != NULL) {
        if (string_to_ll(e->val, e->vallen, &value) < 0) {
            reply_not_integer(c);
            return;
        }
        expire = e->expire_ms;
    }
    if ((delta > 0 && value > LLONG_MAX - delta) ||
        (delta < 0 && value < LLONG_MIN - delta)) {
        reply_error(c, "ERR increment or decrement would overflow");
        return;
    }
    value += delta;
    len = snprintf(num, sizeof(num), "%lld", value);
    e = store_set(key->p, key->len, num, (size_t)len);
    store_set_expire(e, expire);
    reply_integer(c, value);
}

KV_PATCHABLE void cmd_incr(struct client *c)
{
    incr_by(c, 1);
}

KV_PATCHABLE void cmd_decr(struct client *c)
{
    incr_by(c, -1);
}

/* INCRBY key increment (new in v2) */
KV_PATCHABLE void cmd_incrby(struct client *c)
{
    long long delta;

    if (string_to_ll(c->argv[2].p, c->argv[2].len, &delta) < 0) {
        reply_not_integer(c);
        return;
    }
    incr_by(c, delta);
}

KV_PATCHABLE void cmd_append(struct client *c)
{
    const struct arg *key = &c->argv[1], *val = &c->argv[2];
    struct entry *e = store_lookup(key->p, key->len);

    if (e == NULL)
        e = store_set(key->p, key->len, val->p, val->len);
    else if (store_append(e, val->p, val->len) < 0) {
        reply_error(c, "ERR out of memory");
        return;
    }
    reply_integer(c, (long long)e->vallen);
}

KV_PATCHABLE void cmd_dbsize(struct client *c)
{
    reply_integer(c, (long long)store_size());
}

KV_PATCHABLE void cmd_flushall(struct client *c)
{
    if (c->argc > 2 || (c->argc == 2 && !arg_is(&c->argv[1], "ASYNC") &&
                        !arg_is(&c->argv[1], "SYNC"))) {
        reply_error(c, "ERR syntax error");
        return;
    }
    store_flush();
    reply_simple(c, "OK");
}

/* SELECT: there is only database 0. */
KV_PATCHABLE void cmd_select(struct client *c)
{
    long long db;

    if (string_to_ll(c->argv[1].p, c->argv[1].len, &db) < 0)
        reply_not_integer(c);
    else if (db != 0)
        reply_error(c, "ERR DB index is out of range");
    else
        reply_simple(c, "OK");
}

KV_PATCHABLE void cmd_quit(struct client *c)
{
    reply_simple(c, "OK");
    c->closing = 1;
}

/* --- what clients send on connect, and introspection --- */

/* CONFIG GET parameter...: the two settings redis-benchmark asks about. */
KV_PATCHABLE void cmd_config(struct client *c)
{
    static const char *const settings[][2] = {
        { "save", "" },
        { "appendonly", "no" },
    };
    long found = 0;

    if (!arg_is(&c->argv[1], "GET")) {
        reply_error(c, "ERR unknown subcommand '%.*s'. Try CONFIG HELP.",
                    (int)(c->argv[1].len < 128 ? c->argv[1].len : 128), c->argv[1].p);
        return;
    }
    if (c->argc < 3) {
        reply_error(c, "ERR wrong number of arguments for 'config|get' command");
        return;
    }
    for (int i = 2; i < c->argc; i++)
        for (size_t j = 0; j < sizeof(settings) / sizeof(settings[0]); j++)
            if (arg_is(&c->argv[i], settings[j][0]))
                found++;
    reply_array(c, found * 2);
    for (int i = 2; i < c->argc; i++)
        for (size_t j = 0; j < sizeof(settings) / sizeof(settings[0]); j++)
            if (arg_is(&c->argv[i], settings[j][0])) {
                reply_bulk_cstr(c, settings[j][0]);
                reply_bulk_cstr(c, settings[j][1]);
            }
}

/* COMMAND, COMMAND DOCS ...: no command documentation to offer. */
KV_PATCHABLE void cmd_command(struct client *c)
{
    reply_array(c, 0);
}

static int valid_client_name(const struct arg *a)
{
    for (size_t i = 0; i < a->len; i++)
        if (a->p[i] < '!' || a->p[i] > '~')
            return 0;
    return 1;
}

static void reply_client_info(struct client *c)
{
    char line[256];
    int n = snprintf(line, sizeof(line), "id=%llu addr=%s fd=%d name=%s db=0\n",
                     c->id, c->addr, c->fd, c->name ? c->name : "");

    reply_bulk(c, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
}

static void client_setname(struct client *c)
{
    const struct arg *name = &c->argv[2];

    if (!valid_client_name(name)) {
        reply_error(c, "ERR Client names cannot contain spaces, newlines or special characters.");
        return;
    }
    free(c->name);
    c->name = NULL;
    if (name->len > 0) {
        c->name = malloc(name->len + 1);
        if (c->name != NULL) {
            memcpy(c->name, name->p, name->len);
            c->name[name->len] = '\0';
        }
    }
    reply_simple(c, "OK");
}

/* CLIENT SETNAME name | GETNAME | ID | INFO */
KV_PATCHABLE void cmd_client(struct client *c)
{
    static const struct { const char *name; int argc; } subs[] = {
        { "setname", 3 }, { "getname", 2 }, { "id", 2 }, { "info", 2 },
    };
    const struct arg *sub = &c->argv[1];
    size_t i;

    for (i = 0; i < sizeof(subs) / sizeof(subs[0]); i++)
        if (arg_is(sub, subs[i].name))
            break;
    if (i == sizeof(subs) / sizeof(subs[0])) {
        reply_error(c, "ERR unknown subcommand '%.*s'. Try CLIENT HELP.",
                    (int)(sub->len < 128 ? sub->len : 128), sub->p);
        return;
    }
    if (c->argc != subs[i].argc) {
        reply_error(c, "ERR wrong number of arguments for 'client|%s' command", subs[i].name);
        return;
    }
    switch (i) {
    case 0:
        client_setname(c);
        break;
    case 1:
        if (c->name)
            reply_bulk_cstr(c, c->name);
        else
            reply_null(c);
        break;
    case 2:
        reply_integer(c, (long long)c->id);
        break;
    default:
        reply_client_info(c);
        break;
    }
}

KV_PATCHABLE void cmd_info(struct client *c)
{
    char text[512];
    int n = snprintf(text, sizeof(text),
                     "# Server\r\nkvstore_version:%s\r\n"
                     "# Clients\r\nconnected_clients:%lu\r\n"
                     "# Stats\r\ntotal_connections_received:%llu\r\n"
                     "total_commands_processed:%llu\r\n"
                     "# Keyspace\r\ndb0:keys=%lu\r\n",
                     server_version, net_clients_count(), net_connections_total(),
                     processed, store_size());

    reply_bulk(c, text, (size_t)n < sizeof(text) ? (size_t)n : sizeof(text) - 1);
}

static const struct command command_table[] = {
    { "ping", cmd_ping, -1 },
    { "echo", cmd_echo, 2 },
    { "set", cmd_set, -3 },
    { "get", cmd_get, 2 },
    { "hits", cmd_hits, 2 },
    { "del", cmd_del, -2 },
    { "exists", cmd_exists, -2 },
    { "incr", cmd_incr, 2 },
    { "decr", cmd_decr, 2 },
    { "incrby", cmd_incrby, 3 },
    { "append", cmd_append, 3 },
    { "dbsize", cmd_dbsize, 1 },
    { "flushall", cmd_flushall, -1 },
    { "select", cmd_select, 2 },
    { "quit", cmd_quit, -1 },
    { "config", cmd_config, -2 },
    { "command", cmd_command, -1 },
    { "client", cmd_client, -2 },
    { "info", cmd_info, -1 },
};

static const struct command *lookup_command(const struct arg *name)
{
    for (size_t i = 0; i < sizeof(command_table) / sizeof(command_table[0]); i++)
        if (arg_is(name, command_table[i].name))
            return &command_table[i];
    return NULL;
}

KV_PATCHABLE void commands_dispatch(struct client *c)
{
    const struct command *cmd = lookup_command(&c->argv[0]);

    if (cmd == NULL) {
        char args[160] = "";
        size_t used = 0;

        /* Redis's wording, with up to 128 bytes of the arguments. */
        for (int i = 1; i < c->argc && used < 128; i++) {
            int n = snprintf(args + used, sizeof(args) - used, "'%.*s' ",
                             (int)(c->argv[i].len < 128 - used ? c->argv[i].len : 128 - used),
                             c->argv[i].p);
            if (n < 0 || (size_t)n >= sizeof(args) - used)
                break;
            used += (size_t)n;
        }
        reply_error(c, "ERR unknown command '%.*s', with args beginning with: %s",
                    (int)(c->argv[0].len < 128 ? c->argv[0].len : 128), c->argv[0].p, args);
        return;
    }
    if ((cmd->arity > 0 && c->argc != cmd->arity) ||
        (cmd->arity < 0 && c->argc < -cmd->arity)) {
        reply_error(c, "ERR wrong number of arguments for '%s' command", cmd->name);
        return;
    }
    processed++;
    cmd->fn(c);
}
