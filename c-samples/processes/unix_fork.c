/* Unix sockets between processes: a socketpair across fork carrying data
   both ways, and a listening socket served by a child and connected to by
   the parent (passing descriptors is fd_passing.c). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include "say.h"

int main(void)
{
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0) return 1;
    pid_t pid = fork();
    if (pid == 0) {
        close(sv[0]);
        char buf[64] = { 0 };
        read(sv[1], buf, sizeof buf - 1);
        char reply[128];
        int n = snprintf(reply, sizeof reply, "child got \"%s\"", buf);
        write(sv[1], reply, n);
        _exit(0);
    }
    close(sv[1]);
    write(sv[0], "hello child", 11);
    char buf[128] = { 0 };
    read(sv[0], buf, sizeof buf - 1);
    say("parent read: %s", buf);
    waitpid(pid, NULL, 0);

    /* a listening socket accepted by a child, connected by the parent */
    int ls = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    snprintf(addr.sun_path, sizeof addr.sun_path, "sock");
    unlink("sock");
    bind(ls, (struct sockaddr *)&addr, sizeof addr);
    listen(ls, 4);
    pid = fork();
    if (pid == 0) {
        for (int i = 0; i < 3; i++) {
            int c = accept(ls, NULL, NULL);
            char q[32] = { 0 };
            read(c, q, sizeof q - 1);
            char a[64];
            int n = snprintf(a, sizeof a, "answer %d to %s", i, q);
            write(c, a, n);
            close(c);
        }
        _exit(0);
    }
    close(ls);
    for (int i = 0; i < 3; i++) {
        int c = socket(AF_UNIX, SOCK_STREAM, 0);
        while (connect(c, (struct sockaddr *)&addr, sizeof addr) != 0) usleep(1000);
        char q[16];
        int n = snprintf(q, sizeof q, "q%d", i);
        write(c, q, n);
        char a[64] = { 0 };
        read(c, a, sizeof a - 1);
        say("%s", a);
        close(c);
    }
    int st;
    waitpid(pid, &st, 0);
    say("server child exited %d", WEXITSTATUS(st));
    unlink("sock");
    return 0;
}
