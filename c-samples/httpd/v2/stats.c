/*
 * Counters served as JSON by GET /stats. "requests" counts every request
 * answered so far, whatever its status, including the /stats request
 * being answered; "connections" counts accepted connections; "bytes"
 * (new in v2) counts response bytes written to clients, heads included.
 */
#include <stdio.h>

#include "httpd.h"

static unsigned long long requests;
static unsigned long long connections;
static unsigned long long bytes;

HTTPD_PATCHABLE void stats_request(void)
{
    requests++;
}

HTTPD_PATCHABLE void stats_connection(void)
{
    connections++;
}

HTTPD_PATCHABLE void stats_bytes(size_t n)
{
    bytes += n;
}

unsigned long long stats_requests(void)
{
    return requests;
}

unsigned long long stats_connections(void)
{
    return connections;
}

/* Writes the /stats body; returns its length. */
HTTPD_PATCHABLE int stats_render(char *out, size_t size)
{
    int n = snprintf(out, size,
                     "{\"requests\": %llu, \"connections\": %llu, \"open\": %lu, \"bytes\": %llu}\n",
                     requests, connections, conn_open_count(), bytes);

    return n < 0 ? 0 : (size_t)n < size ? n : (int)size - 1;
}
