/*
 * The one function of the 1-function benchmark patch (build/bench-patches/
 * kvstore-v1-fn1.so): kvstore v1's cmd_get, unchanged. It touches no static
 * state of commands.c and calls only global functions, so it can be
 * replaced on its own, again and again, while redis-benchmark sends GETs
 * that run it.
 */
#include "kvstore.h"

KV_PATCHABLE void cmd_get(struct client *c)
{
    struct entry *e = store_lookup(c->argv[1].p, c->argv[1].len);

    if (e == NULL)
        reply_null(c);
    else
        reply_bulk(c, e->val, e->vallen);
}
