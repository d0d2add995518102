/* Orphans: a grandchild whose parent exits is re-parented to the nearest
   subreaper (PR_SET_CHILD_SUBREAPER), which can then wait for it; a child
   of a process that was killed is re-parented the same way. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include "say.h"

int main(void)
{
    pid_t me = getpid();
    REPORT("PR_SET_CHILD_SUBREAPER", prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0));
    int v = -1;
    prctl(PR_GET_CHILD_SUBREAPER, &v, 0, 0, 0);
    say("PR_GET_CHILD_SUBREAPER: %d", v);

    int p[2];
    pipe(p);
    pid_t middle = fork();
    if (middle == 0) {
        pid_t grandchild = fork();
        if (grandchild == 0) {
            close(p[0]);
            pid_t first = getppid();
            /* wait until the middle process has gone */
            for (int i = 0; i < 2000 && getppid() == first; i++) usleep(1000);
            int r = getppid() == me;
            write(p[1], &r, sizeof r);
            _exit(33);
        }
        write(p[1], &grandchild, sizeof grandchild);
        _exit(5);
    }
    close(p[1]);
    pid_t grandchild;
    read(p[0], &grandchild, sizeof grandchild);
    int st;
    waitpid(middle, &st, 0);
    say("middle exited %d", WEXITSTATUS(st));
    int reparented = 0;
    read(p[0], &reparented, sizeof reparented);
    say("grandchild sees the subreaper as its parent: %d", reparented);
    pid_t got = waitpid(-1, &st, 0);
    say("subreaper reaped the grandchild: %d, status %d", got == grandchild, WEXITSTATUS(st));
    REPORT("nothing left", wait(NULL));

    /* the middle process killed by a signal: the same */
    int q[2];
    pipe(q);
    middle = fork();
    if (middle == 0) {
        pid_t g = fork();
        if (g == 0) {
            pid_t first = getppid();
            for (int i = 0; i < 2000 && getppid() == first; i++) usleep(1000);
            _exit(getppid() == me ? 44 : 45);
        }
        write(q[1], &g, sizeof g);
        for (;;) pause();
    }
    read(q[0], &grandchild, sizeof grandchild);
    kill(middle, SIGKILL);
    waitpid(middle, &st, 0);
    say("middle killed by %d", WTERMSIG(st));
    got = waitpid(grandchild, &st, 0);
    say("grandchild re-parented after a kill: %d, status %d", got == grandchild, WEXITSTATUS(st));

    /* a zombie stays until reaped: its /proc entry and kill(pid, 0) still answer */
    pid_t z = fork();
    if (z == 0) _exit(6);
    usleep(50000);
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/stat", z);
    FILE *f = fopen(path, "r");
    char state = '?';
    if (f) {
        int n;
        char comm[64];
        if (fscanf(f, "%d %63s %c", &n, comm, &state) != 3) state = '!';
        fclose(f);
    }
    REPORT("zombie: kill(pid, 0)", kill(z, 0));
    say("zombie state %c", state);
    waitpid(z, &st, 0);
    REPORT("after reaping: kill", kill(z, 0));
    return 0;
}
