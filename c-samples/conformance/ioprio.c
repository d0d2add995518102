/* I/O priority of the process itself (ioprio_get/ioprio_set, what ionice
 * calls): the initial value, each class with levels and hint bits, invalid
 * classes and levels, the process named by pid 0 and by its own pid, a pid
 * that does not exist, an unknown `which`. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define WHO_PROCESS 1

static void show(const char *what, long r)
{
    if (r < 0) printf("%s: -1 %s\n", what, strerror(errno));
    else printf("%s: %#lx\n", what, r);
}

int main(void)
{
    show("initial", syscall(SYS_ioprio_get, WHO_PROCESS, 0));
    int values[] = {
        (2 << 13) | 4, (2 << 13) | 7, (2 << 13) | 8, (2 << 13) | 0x1fff, (3 << 13), (3 << 13) | 5,
        1, 8, 0, (4 << 13), (7 << 13), (2 << 13) | 0x10000,
    };
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        char what[64];
        snprintf(what, sizeof what, "set %#x", values[i]);
        show(what, syscall(SYS_ioprio_set, WHO_PROCESS, 0, values[i]));
        show("  now", syscall(SYS_ioprio_get, WHO_PROCESS, 0));
    }
    show("own pid", syscall(SYS_ioprio_get, WHO_PROCESS, getpid()));
    show("set own pid", syscall(SYS_ioprio_set, WHO_PROCESS, getpid(), (2 << 13) | 1));
    show("  now", syscall(SYS_ioprio_get, WHO_PROCESS, 0));
    show("no such pid", syscall(SYS_ioprio_get, WHO_PROCESS, 0x3ffffff0));
    show("set no such pid", syscall(SYS_ioprio_set, WHO_PROCESS, 0x3ffffff0, (2 << 13) | 1));
    show("which 9", syscall(SYS_ioprio_get, 9, 0));
    show("set which 9", syscall(SYS_ioprio_set, 9, 0, (2 << 13) | 1));
    return 0;
}
