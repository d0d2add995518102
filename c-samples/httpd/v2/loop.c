/*
 * The poll loop: it runs until SIGINT or SIGTERM and only calls out, into
 * conn.c for the connections. The descriptor set is rebuilt on every
 * round from the connections' states (reading, writing or lingering),
 * and the one-second timeout drives the idle and lingering time-outs.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>

#include "httpd.h"

#define POLL_TIMEOUT_MS 1000

void loop_run(int listen_fd)
{
    static struct pollfd pfds[HTTPD_MAX_CONNS + 1];

    while (!httpd_stop) {
        int n = conn_poll_set(pfds + 1);
        int ready;

        pfds[0].fd = listen_fd;
        pfds[0].events = n < HTTPD_MAX_CONNS ? POLLIN : 0;
        pfds[0].revents = 0;
        ready = poll(pfds, (nfds_t)n + 1, POLL_TIMEOUT_MS);
        if (ready < 0) {
            if (errno == EINTR)
                continue;
            perror("httpd: poll");
            break;
        }
        conn_handle_events(pfds + 1, n, httpd_now_ms());
        if (pfds[0].revents & POLLIN)
            conn_accept(listen_fd);
    }
    conn_close_all();
}
