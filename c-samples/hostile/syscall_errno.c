/* Raw system calls read from stdin, one per line: a number and six
 * arguments, each a decimal value or a token: W (a wild pointer: page
 * 0x1000, never mapped), F (a descriptor open on /dev/null). Each call runs
 * with a 200 ms interval timer (a handler without SA_RESTART) so that one
 * that would block returns EINTR; it prints "NR: ok" or "NR: ERRNAME".
 * test/hostile/syscall-fuzz generates the lines from dsu's syscall table
 * and compares this program's output natively and under dsu. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>

static void on_alarm(int sig) { (void)sig; }

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    struct sigaction sa = { .sa_handler = on_alarm };
    sigaction(SIGALRM, &sa, NULL);
    int null = open("/dev/null", O_RDWR);
    char line[512];
    while (fgets(line, sizeof line, stdin)) {
        long nr, a[6];
        char tok[6][32];
        if (sscanf(line, "%ld %31s %31s %31s %31s %31s %31s", &nr, tok[0], tok[1], tok[2], tok[3], tok[4], tok[5]) != 7) continue;
        for (int i = 0; i < 6; i++) {
            if (!strcmp(tok[i], "W")) a[i] = 0x1000;
            else if (!strcmp(tok[i], "F")) a[i] = null;
            else a[i] = strtol(tok[i], NULL, 0);
        }
        struct itimerval t = { { 0, 0 }, { 0, 200000 } }, off = { { 0, 0 }, { 0, 0 } };
        setitimer(ITIMER_REAL, &t, NULL);
        errno = 0;
        long r = syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
        int e = errno;
        setitimer(ITIMER_REAL, &off, NULL);
        line[strcspn(line, "\n")] = 0;
        if (r == -1 && e != 0) printf("%s: %s\n", line, strerrorname_np(e));
        else printf("%s: ok\n", line);
    }
    return 0;
}
