/* Process groups and sessions: setpgid on itself and a child (and the
   errors), getpgrp/getpgid/getsid, setsid making a new session, and
   kill(0, sig), kill(-pgid, sig), killpg reaching exactly the group. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include "say.h"

static volatile sig_atomic_t got;
static void on_usr1(int sig) { (void)sig; got++; }

static int pipe_fds[2];

/* A child that waits for SIGUSR1 or SIGTERM and reports which came. */
static pid_t listener(int new_group)
{
    pid_t pid = fork();
    if (pid == 0) {
        if (new_group) setpgid(0, 0);
        signal(SIGUSR1, on_usr1);
        char c = 'r';
        write(pipe_fds[1], &c, 1);
        for (int i = 0; i < 500 && !got; i++) usleep(2000);
        _exit(got ? 10 : 20);
    }
    char c;
    read(pipe_fds[0], &c, 1);
    return pid;
}

static int status_of(pid_t pid)
{
    int st;
    waitpid(pid, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 100 + WTERMSIG(st);
}

int main(void)
{
    pipe(pipe_fds);
    signal(SIGUSR1, on_usr1);
    pid_t me = getpid();
    /* start in a group of our own, so kill(0) reaches only this test's processes */
    REPORT("setpgid(0, 0)", setpgid(0, 0));
    say("leads its group %d", getpgrp() == me);
    say("getpgid(0) == getpgrp(): %d", getpgid(0) == getpgrp());
    REPORT("getpgid(-1)", getpgid(-1));

    /* a child moved into a group of its own by the parent */
    pid_t c = fork();
    if (c == 0) { pause(); _exit(0); }
    REPORT("setpgid(child, child)", setpgid(c, c));
    say("child's group is its pid: %d, same session: %d", getpgid(c) == c, getsid(c) == getsid(0));
    REPORT("setpgid(child, me)", setpgid(c, me));
    say("back in ours: %d", getpgid(c) == me);
    REPORT("setpgid(child, no such group)", setpgid(c, 99999999));
    REPORT("setpgid(child, -1)", setpgid(c, -1));
    kill(c, SIGKILL);
    status_of(c);

    /* a child in its own session */
    c = fork();
    if (c == 0) {
        pid_t sid = setsid();
        int ok = sid == getpid() && getsid(0) == getpid() && getpgrp() == getpid();
        errno = 0;
        int again = setsid();
        int err = errno;
        errno = 0;
        int move = setpgid(0, getppid());
        _exit(ok * 100 + (again == -1 && err == EPERM) * 10 + (move == -1 && errno == EPERM));
    }
    say("setsid in a child (ok*100 + second-fails*10 + cannot-join-other-session): %d", status_of(c));
    REPORT("setsid as a group leader", setsid());

    /* the parent cannot move a child that is in another session */
    int sync[2];
    pipe(sync);
    c = fork();
    if (c == 0) {
        setsid();
        write(sync[1], "s", 1);
        pause();
        _exit(0);
    }
    char ch;
    read(sync[0], &ch, 1);
    REPORT("setpgid of a child in another session", setpgid(c, c));
    kill(c, SIGKILL);
    status_of(c);

    /* kill(0): every process of the caller's group, the caller included */
    pid_t same = listener(0);
    pid_t other = listener(1);
    got = 0;
    REPORT("kill(0, SIGUSR1)", kill(0, SIGUSR1));
    int s1 = status_of(same), s2 = status_of(other);
    say("same group got it: %d, other group got it: %d, the caller got it: %d", s1 == 10, s2 == 10, got == 1);

    /* kill(-pgid) and killpg: that group only */
    same = listener(0);
    other = listener(1);
    got = 0;
    REPORT("kill(-other, SIGUSR1)", kill(-other, SIGUSR1));
    s2 = status_of(other);
    s1 = status_of(same);
    say("other group got it: %d, ours did not: %d, caller did not: %d", s2 == 10, s1 == 20, got == 0);
    other = listener(1);
    REPORT("killpg(other, SIGUSR1)", killpg(other, SIGUSR1));
    say("reached %d", status_of(other) == 10);
    REPORT("kill(-pgid of nothing)", kill(-other, SIGUSR1));
    REPORT("kill(reaped child)", kill(other, 0));
    return 0;
}
