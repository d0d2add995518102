/* The wait family's flags: WNOHANG before and after a child exits,
   WUNTRACED and WCONTINUED with SIGSTOP/SIGCONT, waitid with P_PID, P_PGID,
   P_ALL, WEXITED, WSTOPPED, WNOWAIT (the child stays waitable) and the
   siginfo it fills, wait4's rusage, __WALL, and the errors. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include "say.h"

static pid_t sleeper(void)
{
    pid_t pid = fork();
    if (pid == 0) { for (;;) pause(); }
    return pid;
}

static const char *code_name(int code)
{
    switch (code) {
    case CLD_EXITED: return "CLD_EXITED";
    case CLD_KILLED: return "CLD_KILLED";
    case CLD_STOPPED: return "CLD_STOPPED";
    case CLD_CONTINUED: return "CLD_CONTINUED";
    default: return "?";
    }
}

int main(void)
{
    int st = 0;
    char text[64];
    int sync[2];
    pipe(sync);
    pid_t pid = fork();
    if (pid == 0) {
        char c;
        read(sync[0], &c, 1);
        _exit(17);
    }
    say("WNOHANG while running: %d", waitpid(pid, &st, WNOHANG));
    write(sync[1], "go", 1);
    /* WNOWAIT leaves it waitable */
    siginfo_t si;
    memset(&si, 0, sizeof si);
    REPORT("waitid(P_PID, WEXITED|WNOWAIT)", waitid(P_PID, pid, &si, WEXITED | WNOWAIT));
    say("code %s, status %d, right pid %d", code_name(si.si_code), si.si_status, si.si_pid == pid);
    struct rusage ru;
    memset(&ru, 0xff, sizeof ru);
    pid_t got = wait4(pid, &st, 0, &ru);
    say("wait4 after WNOWAIT: right %d, %s, rusage filled %d", got == pid, describe_status(st, text, sizeof text), ru.ru_utime.tv_sec >= 0 && ru.ru_utime.tv_usec >= 0 && ru.ru_utime.tv_usec < 1000000);

    /* stop, continue, kill */
    pid = sleeper();
    kill(pid, SIGSTOP);
    got = waitpid(pid, &st, WUNTRACED);
    say("WUNTRACED: %s", describe_status(st, text, sizeof text));
    REPORT("stop reported once", waitpid(pid, &st, WUNTRACED | WNOHANG));
    kill(pid, SIGCONT);
    got = waitpid(pid, &st, WCONTINUED);
    say("WCONTINUED: %s", describe_status(st, text, sizeof text));
    kill(pid, SIGSTOP);
    memset(&si, 0, sizeof si);
    waitid(P_PID, pid, &si, WSTOPPED);
    say("waitid WSTOPPED: %s, status %d", code_name(si.si_code), si.si_status);
    kill(pid, SIGCONT);
    memset(&si, 0, sizeof si);
    waitid(P_PID, pid, &si, WCONTINUED);
    say("waitid WCONTINUED: %s, status %d", code_name(si.si_code), si.si_status);
    kill(pid, SIGKILL);
    memset(&si, 0, sizeof si);
    waitid(P_ALL, 0, &si, WEXITED);
    say("waitid P_ALL: %s, status %d", code_name(si.si_code), si.si_status);

    /* SIGCONT to a running process is not reported; a stopped one killed is */
    pid = sleeper();
    kill(pid, SIGSTOP);
    waitpid(pid, &st, WUNTRACED);
    kill(pid, SIGTERM); /* pending while stopped */
    usleep(20000);
    REPORT("SIGTERM to a stopped child: WNOHANG", waitpid(pid, &st, WNOHANG));
    kill(pid, SIGCONT);
    waitpid(pid, &st, 0);
    say("after SIGCONT: %s", describe_status(st, text, sizeof text));
    pid = sleeper();
    kill(pid, SIGSTOP);
    waitpid(pid, &st, WUNTRACED);
    kill(pid, SIGKILL);
    waitpid(pid, &st, 0);
    say("SIGKILL to a stopped child: %s", describe_status(st, text, sizeof text));

    /* process groups */
    pid_t a = fork();
    if (a == 0) { setpgid(0, 0); usleep(20000); _exit(1); }
    setpgid(a, a);
    pid_t b = fork();
    if (b == 0) { _exit(2); }
    memset(&si, 0, sizeof si);
    waitid(P_PGID, a, &si, WEXITED);
    say("waitid P_PGID: the group's child %d", si.si_pid == a);
    REPORT("waitpid(-pgid) of an empty group", waitpid(-a, &st, WNOHANG));
    got = waitpid(0, &st, 0);
    say("waitpid(0): our group's child %d, status %d", got == b, WEXITSTATUS(st));

    /* __WALL, __WCLONE */
    pid = fork();
    if (pid == 0) _exit(0);
    say("__WCLONE does not see a normal child: %d", waitpid(pid, &st, __WCLONE | WNOHANG) <= 0);
    usleep(10000);
    say("__WALL does: %d", waitpid(pid, &st, __WALL) == pid);

    /* errors */
    REPORT("bad options", waitpid(-1, &st, 0x400000));
    REPORT("waitid without WEXITED etc", waitid(P_ALL, 0, &si, 0));
    REPORT("waitid bad idtype", waitid((idtype_t)9, 0, &si, WEXITED));
    memset(&si, 0x55, sizeof si);
    REPORT("waitid WNOHANG, none ready", waitid(P_ALL, 0, &si, WEXITED | WNOHANG));
    pid = sleeper();
    memset(&si, 0x55, sizeof si);
    REPORT("waitid WNOHANG, one running", waitid(P_ALL, 0, &si, WEXITED | WNOHANG));
    say("si_pid %d", si.si_pid);
    kill(pid, SIGKILL);
    waitpid(pid, &st, 0);
    REPORT("no children", waitpid(-1, &st, 0));
    return 0;
}
