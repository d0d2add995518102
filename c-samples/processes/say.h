/* Output for the process samples: one write(2) per line, so lines from
   several processes never mix inside a stdio buffer and nothing buffered
   before a fork is printed twice. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void say(const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf - 1, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    if (n > (int)sizeof buf - 2) n = sizeof buf - 2;
    buf[n++] = '\n';
    ssize_t w = write(1, buf, n);
    (void)w;
}

/* How wait reported a status, in words that do not depend on pids. */
__attribute__((unused)) static const char *describe_status(int st, char *out, size_t size)
{
    if (WIFEXITED(st)) snprintf(out, size, "exited %d", WEXITSTATUS(st));
    else if (WIFSIGNALED(st)) snprintf(out, size, "killed by %d%s", WTERMSIG(st), WCOREDUMP(st) ? " (core)" : "");
    else if (WIFSTOPPED(st)) snprintf(out, size, "stopped by %d", WSTOPSIG(st));
    else if (WIFCONTINUED(st)) snprintf(out, size, "continued");
    else snprintf(out, size, "raw 0x%x", st);
    return out;
}

/* A call's result and errno, in that order (arguments of one call are
   evaluated in no fixed order, so the call is made first). */
#define REPORT(label, expr) do { \
    errno = 0; \
    long r_ = (long)(expr); \
    int e_ = errno; \
    say("%s: %ld %s", label, r_, strerror(e_)); \
} while (0)
