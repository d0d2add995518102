/* A pre-forking TCP server in one program: the master listens on a
   loopback port, forks three workers that accept on the shared listening
   socket, and then is their client: twelve connections, each answered by
   whichever worker the kernel hands it to. Then it stops the workers with
   SIGTERM and reaps them. Which worker served which request is not
   printed (the kernel decides); that every request was served, by workers
   that are the master's children, is. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include "say.h"

enum { WORKERS = 3, REQUESTS = 12 };

static void worker(int ls)
{
    for (;;) {
        int c = accept(ls, NULL, NULL);
        if (c < 0) continue;
        char q[32] = { 0 };
        read(c, q, sizeof q - 1);
        char a[64];
        int n = snprintf(a, sizeof a, "%d:%s", getpid(), q);
        write(c, a, n);
        close(c);
    }
}

int main(void)
{
    int ls = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in addr = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t len = sizeof addr;
    if (bind(ls, (struct sockaddr *)&addr, sizeof addr) != 0 || listen(ls, 16) != 0) return 1;
    getsockname(ls, (struct sockaddr *)&addr, &len);
    pid_t kids[WORKERS];
    for (int w = 0; w < WORKERS; w++) {
        kids[w] = fork();
        if (kids[w] == 0) worker(ls);
    }
    close(ls);
    int served = 0, by_child = 0;
    for (int i = 0; i < REQUESTS; i++) {
        int c = socket(AF_INET, SOCK_STREAM, 0);
        if (connect(c, (struct sockaddr *)&addr, sizeof addr) != 0) { say("connect %d failed", i); continue; }
        char q[16];
        int n = snprintf(q, sizeof q, "q%d", i);
        write(c, q, n);
        char a[64] = { 0 };
        read(c, a, sizeof a - 1);
        close(c);
        char *colon = strchr(a, ':');
        if (colon && strcmp(colon + 1, q) == 0) {
            served++;
            pid_t who = atoi(a);
            for (int w = 0; w < WORKERS; w++) by_child += who == kids[w];
        }
    }
    say("%d of %d requests served, %d by the master's workers", served, REQUESTS, by_child);
    for (int w = 0; w < WORKERS; w++) kill(kids[w], SIGTERM);
    int killed = 0, st;
    for (int w = 0; w < WORKERS; w++)
        if (waitpid(kids[w], &st, 0) == kids[w] && WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM) killed++;
    say("%d workers ended by SIGTERM", killed);
    return 0;
}
