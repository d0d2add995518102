/* A pipeline of three processes (generate | transform | summarise), each a
   forked child with its ends of two pipes on stdin/stdout, as a shell sets
   one up; the parent closes its copies and waits for all three. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <sys/wait.h>
#include "say.h"

static void generate(void)
{
    char line[64];
    for (int i = 1; i <= 2000; i++) {
        int n = snprintf(line, sizeof line, "line %d of the pipeline\n", i);
        if (write(1, line, n) != n) _exit(2);
    }
    _exit(0);
}

static void transform(void)
{
    char buf[700]; /* an odd size: reads split lines anywhere */
    ssize_t n;
    while ((n = read(0, buf, sizeof buf)) > 0) {
        for (ssize_t i = 0; i < n; i++) buf[i] = toupper((unsigned char)buf[i]);
        if (write(1, buf, n) != n) _exit(2);
    }
    _exit(n < 0 ? 3 : 0);
}

static void summarise(void)
{
    char buf[4096];
    ssize_t n;
    long bytes = 0, lines = 0, sum = 0;
    while ((n = read(0, buf, sizeof buf)) > 0) {
        for (ssize_t i = 0; i < n; i++) {
            if (buf[i] == '\n') lines++;
            sum = (sum * 31 + (unsigned char)buf[i]) % 1000000007;
        }
        bytes += n;
    }
    say("summary: %ld bytes, %ld lines, checksum %ld", bytes, lines, sum);
    _exit(lines == 2000 ? 0 : 1);
}

static pid_t stage(void (*body)(void), int in, int out, int close1, int close2)
{
    pid_t pid = fork();
    if (pid != 0) return pid;
    if (in >= 0) { dup2(in, 0); close(in); }
    if (out >= 0) { dup2(out, 1); close(out); }
    if (close1 >= 0) close(close1);
    if (close2 >= 0) close(close2);
    body();
    _exit(9);
}

int main(void)
{
    int a[2], b[2];
    if (pipe(a) != 0 || pipe(b) != 0) return 1;
    pid_t p1 = stage(generate, -1, a[1], a[0], -1);
    pid_t p2 = stage(transform, a[0], b[1], a[1], b[0]);
    close(a[0]);
    close(a[1]);
    pid_t p3 = stage(summarise, b[0], -1, b[1], -1);
    close(b[0]);
    close(b[1]);
    pid_t order[3] = { p1, p2, p3 };
    int statuses[3];
    pid_t got[3];
    for (int i = 0; i < 3; i++) got[i] = waitpid(order[i], &statuses[i], 0);
    /* printed once all three are gone: the summary (stage 3's) comes first */
    for (int i = 0; i < 3; i++) {
        char text[64];
        say("stage %d: %s", i + 1, got[i] == order[i] ? describe_status(statuses[i], text, sizeof text) : "not reaped");
    }
    /* a writer whose reader is gone gets SIGPIPE */
    int c[2];
    pipe(c);
    pid_t w = fork();
    if (w == 0) {
        close(c[0]);
        usleep(20000);
        for (;;) write(c[1], "x", 1);
    }
    close(c[0]);
    close(c[1]);
    int st;
    waitpid(w, &st, 0);
    char text[64];
    say("writer without a reader: %s", describe_status(st, text, sizeof text));
    return 0;
}
