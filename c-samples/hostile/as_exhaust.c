/* Under a host RLIMIT_AS (test/hostile/memory-exhaustion): take address
 * space until the kernel (or dsu) says ENOMEM, by mmap and then by the
 * heap, touching what was given; then wait for a line on stdin (while it
 * holds everything, the test asks dsu's control channel for its status),
 * check that every chunk still holds what was written, give memory back
 * and take it again, and do some ordinary work. Prints only what must be
 * the same natively and under dsu: how far each route went differs, since
 * dsu itself lives under the same limit. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define CHUNK (16 << 20)
#define MAX_CHUNKS 1024

static char *chunks[MAX_CHUNKS];
static void *blocks[1 << 16];

static void mark(char *p, size_t len, int v)
{
    /* first and last byte of every page: the pages are really there, and RSS stays small */
    for (size_t i = 0; i < len; i += 4096) {
        p[i] = (char)v;
        p[i + 4095] = (char)(v ^ 0x5a);
    }
}

static int marked(const char *p, size_t len, int v)
{
    for (size_t i = 0; i < len; i += 4096)
        if (p[i] != (char)v || p[i + 4095] != (char)(v ^ 0x5a)) return 0;
    return 1;
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    int n = 0;
    for (; n < MAX_CHUNKS; n++) {
        void *p = mmap(NULL, CHUNK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) break;
        chunks[n] = p;
        mark(chunks[n], CHUNK, n & 0x7f);
    }
    printf("mmap stopped with %s after some %d\n", strerrorname_np(errno), n > 4);
    int b = 0;
    for (; b < (1 << 16); b++) {
        blocks[b] = malloc(1 << 20);
        if (!blocks[b]) break;
        mark(blocks[b], (1 << 20) - 4096, 0x11);
    }
    printf("malloc stopped with %s\n", strerrorname_np(errno));
    printf("holding memory\n");
    char line[16];
    if (!fgets(line, sizeof line, stdin)) return 2;
    int intact = 1;
    for (int i = 0; i < n; i++) intact &= marked(chunks[i], CHUNK, i & 0x7f);
    for (int i = 0; i < b; i++) intact &= marked(blocks[i], (1 << 20) - 4096, 0x11);
    printf("everything intact %d\n", intact);
    /* give half back: the same amount can be had again */
    for (int i = 0; i < n; i += 2) munmap(chunks[i], CHUNK);
    int again = 0;
    for (int i = 0; i < n; i += 2) {
        void *p = mmap(NULL, CHUNK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) break;
        chunks[i] = p;
        mark(chunks[i], CHUNK, 0x33);
        again++;
    }
    printf("taken again %d\n", again == (n + 1) / 2);
    for (int i = 0; i < b; i++) free(blocks[i]);
    for (int i = 0; i < n; i++) munmap(chunks[i], CHUNK);
    int fds[2];
    char buf[6] = { 0 };
    printf("pipe %d\n", pipe(fds) == 0 && write(fds[1], "hello", 5) == 5 && read(fds[0], buf, 5) == 5 && strcmp(buf, "hello") == 0);
    char *big = malloc(64 << 20);
    printf("malloc 64 MiB after all was given back %d\n", big != NULL);
    return 0;
}
