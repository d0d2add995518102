/* A guest that takes every descriptor it can, by every route that costs
 * the host one: open() until EMFILE, then (with its table emptied again)
 * shared file mappings kept after close, then epoll sets holding one
 * socket under many descriptors. After each phase it prints what it got
 * and waits for a line on stdin, so that the test can check that dsu's
 * control channel still answers while the guest holds everything.
 * Finally it checks that its limit cannot be raised past what it got. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

static char line[64];

static void hold(const char *phase) {
    printf("holding %s\n", phase);
    fflush(stdout);
    if (!fgets(line, sizeof line, stdin)) exit(3);
}

static const char *err(void) { return strerrorname_np(errno); }

int main(int argc, char **argv) {
    const char *file = argc > 1 ? argv[1] : "/etc/passwd";
    struct rlimit lim;
    getrlimit(RLIMIT_NOFILE, &lim);

    /* 1. the descriptor table, to its limit */
    int opened = 0, last = -1;
    for (;;) {
        int fd = open("/dev/null", O_RDONLY);
        if (fd < 0) break;
        opened++;
        last = fd;
    }
    printf("open: %d fds, then %s; highest fd + 1 == soft limit %d\n", opened, err(), (rlim_t)last + 1 == lim.rlim_cur);
    int e = socket(AF_INET, SOCK_STREAM, 0);
    printf("socket at the limit: %s\n", e < 0 ? err() : "opened");
    e = epoll_create1(0);
    printf("epoll_create1 at the limit: %s\n", e < 0 ? err() : "opened");
    int p[2];
    e = pipe(p);
    printf("pipe at the limit: %s\n", e < 0 ? err() : "opened");
    hold("table");
    for (int fd = 3; fd <= last; fd++) close(fd);

    /* 2. file mappings keep their host descriptor after close */
    long maps = 0, room = 1 << 20;
    void **kept = malloc(room * sizeof *kept);
    const char *stop = "none";
    while (maps < room) {
        int fd = open(file, O_RDONLY);
        if (fd < 0) { stop = err(); break; }
        void *m = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
        close(fd);
        if (m == MAP_FAILED) { stop = err(); break; }
        kept[maps++] = m;
    }
    printf("mappings kept after close: many %d, then open says %s\n", maps > 100, stop);
    hold("mappings");
    for (long i = 0; i < maps; i++) munmap(kept[i], 4096);

    /* 3. one socket under many descriptors in many epoll sets */
    enum { DUPS = 64 };
    int fds[DUPS];
    fds[0] = socket(AF_INET, SOCK_DGRAM, 0);
    for (int i = 1; i < DUPS; i++) fds[i] = dup(fds[0]);
    long sets = 0, watches = 0;
    stop = "none";
    while (!strcmp(stop, "none")) {
        int ep = epoll_create1(0);
        if (ep < 0) { stop = err(); break; }
        sets++;
        for (int i = 0; i < DUPS; i++) {
            struct epoll_event ev = { .events = EPOLLIN, .data.fd = fds[i] };
            if (epoll_ctl(ep, EPOLL_CTL_ADD, fds[i], &ev) < 0) { stop = err(); break; }
            watches++;
        }
    }
    printf("epoll: many watches %d, then %s\n", watches > 300, stop);
    hold("epoll");

    /* the limit cannot be raised past what dsu gives */
    struct rlimit up = { lim.rlim_max, lim.rlim_max + 1 };
    e = setrlimit(RLIMIT_NOFILE, &up);
    printf("raise hard NOFILE by one: %s\n", e < 0 ? err() : "raised");
    struct rlimit same = { lim.rlim_max, lim.rlim_max };
    e = setrlimit(RLIMIT_NOFILE, &same);
    printf("soft NOFILE up to hard: %s\n", e < 0 ? err() : "ok");
    return 0;
}
