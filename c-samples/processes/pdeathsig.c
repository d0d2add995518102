/* PR_SET_PDEATHSIG: a child asks for a signal when its parent dies, reads
   the setting back, and gets the signal when the parent exits; the setting
   is not inherited by its own children and is cleared by fork. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include "say.h"

static volatile sig_atomic_t got;
static void on_sig(int sig) { got = sig; }

int main(void)
{
    REPORT("PR_SET_CHILD_SUBREAPER", prctl(PR_SET_CHILD_SUBREAPER, 1));
    REPORT("PR_SET_PDEATHSIG bad signal", prctl(PR_SET_PDEATHSIG, 99));
    int p[2];
    pipe(p);
    pid_t middle = fork();
    if (middle == 0) {
        REPORT("middle: PR_SET_PDEATHSIG 0", prctl(PR_SET_PDEATHSIG, SIGUSR1)); /* about the top process, which lives on */
        pid_t child = fork();
        if (child == 0) {
            int v = -1;
            prctl(PR_GET_PDEATHSIG, &v);
            signal(SIGUSR2, on_sig);
            signal(SIGHUP, on_sig);
            prctl(PR_SET_PDEATHSIG, SIGUSR2);
            int w = -1;
            prctl(PR_GET_PDEATHSIG, &w);
            char c = 'r';
            write(p[1], &c, 1);
            for (int i = 0; i < 3000 && !got; i++) usleep(1000);
            char msg[64];
            int n = snprintf(msg, sizeof msg, "inherited %d, set %d, got %d", v, w, got);
            write(p[1], msg, n);
            _exit(0);
        }
        char c;
        read(p[0], &c, 1);
        _exit(4); /* the child's parent dies here */
    }
    close(p[1]);
    int st;
    waitpid(middle, &st, 0);
    say("middle exited %d", WEXITSTATUS(st));
    char msg[64] = { 0 };
    ssize_t n = read(p[0], msg, sizeof msg - 1);
    say("child: %s", n > 0 ? msg : "(nothing)");
    while (wait(NULL) > 0) {}
    /* a signal the child ignores does nothing; SIGKILL ends it */
    int q[2];
    pipe(q);
    middle = fork();
    if (middle == 0) {
        pid_t child = fork();
        if (child == 0) {
            prctl(PR_SET_PDEATHSIG, SIGKILL);
            write(q[1], "r", 1);
            for (;;) pause();
        }
        char ch;
        read(q[0], &ch, 1);
        _exit(0);
    }
    waitpid(middle, &st, 0);
    pid_t victim = wait(&st);
    char text[64];
    say("child with PR_SET_PDEATHSIG SIGKILL: reaped %d, %s", victim > 0, describe_status(st, text, sizeof text));
    return 0;
}
