/* SIGCHLD: a handler with SA_SIGINFO sees who exited and how (CLD_EXITED,
   CLD_KILLED, CLD_STOPPED, CLD_CONTINUED), SA_NOCLDSTOP silences stops,
   SA_NOCLDWAIT and SIG_IGN make children vanish without zombies (wait
   then fails with ECHILD), and a default SIGCHLD is not delivered. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include "say.h"

static volatile sig_atomic_t count, last_code, last_status;
static volatile pid_t last_pid, expected;

static void on_chld(int sig, siginfo_t *si, void *uc)
{
    (void)sig; (void)uc;
    count++;
    last_code = si->si_code;
    last_status = si->si_status;
    last_pid = si->si_pid;
}

static const char *code_name(int code)
{
    switch (code) {
    case CLD_EXITED: return "CLD_EXITED";
    case CLD_KILLED: return "CLD_KILLED";
    case CLD_DUMPED: return "CLD_DUMPED";
    case CLD_STOPPED: return "CLD_STOPPED";
    case CLD_CONTINUED: return "CLD_CONTINUED";
    default: return "?";
    }
}

static void wait_for_signal(int want)
{
    for (int i = 0; i < 2000 && count < want; i++) usleep(1000);
}

static void install(int flags)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_chld;
    sa.sa_flags = SA_SIGINFO | SA_RESTART | flags;
    sigaction(SIGCHLD, &sa, NULL);
}

int main(void)
{
    install(0);
    int st;

    expected = fork();
    if (expected == 0) _exit(12);
    wait_for_signal(1);
    say("exit: %d signal(s), %s, status %d, right pid %d", count, code_name(last_code), last_status, last_pid == expected);
    waitpid(expected, &st, 0);

    count = 0;
    expected = fork();
    if (expected == 0) { for (;;) pause(); }
    kill(expected, SIGTERM);
    wait_for_signal(1);
    say("kill: %s, status %d", code_name(last_code), last_status);
    waitpid(expected, &st, 0);

    /* stop and continue are reported too, unless SA_NOCLDSTOP */
    count = 0;
    expected = fork();
    if (expected == 0) { for (;;) pause(); }
    kill(expected, SIGSTOP);
    wait_for_signal(1);
    say("stop: %s, status %d", code_name(last_code), last_status);
    kill(expected, SIGCONT);
    wait_for_signal(2);
    say("continue: %s, status %d", code_name(last_code), last_status);
    install(SA_NOCLDSTOP);
    count = 0;
    kill(expected, SIGSTOP);
    waitpid(expected, &st, WUNTRACED);
    usleep(20000);
    say("with SA_NOCLDSTOP: %d signal(s) for the stop, waitpid saw stopped %d", count, WIFSTOPPED(st));
    kill(expected, SIGKILL);
    waitpid(expected, &st, 0);
    install(0);

    /* SA_NOCLDWAIT: no zombie, wait fails once the child is gone */
    count = 0;
    install(SA_NOCLDWAIT);
    expected = fork();
    if (expected == 0) _exit(3);
    wait_for_signal(1);
    usleep(20000);
    say("SA_NOCLDWAIT: handler ran %d", count > 0);
    REPORT("waitpid", waitpid(expected, &st, WNOHANG));
    pid_t r;

    /* SIG_IGN: the same, and wait blocks until every child is gone then fails */
    signal(SIGCHLD, SIG_IGN);
    pid_t a = fork();
    if (a == 0) _exit(1);
    pid_t b = fork();
    if (b == 0) { usleep(30000); _exit(2); }
    REPORT("SIG_IGN: wait", wait(&st));
    REPORT("kill(first child, 0) afterwards", kill(a, 0));

    /* back to the default: no signal delivered, but the zombie stays for wait */
    signal(SIGCHLD, SIG_DFL);
    expected = fork();
    if (expected == 0) _exit(9);
    usleep(20000);
    r = waitpid(expected, &st, 0);
    say("default: reaped %d, status %d", r == expected, WEXITSTATUS(st));

    /* a blocked SIGCHLD stays pending until unblocked */
    install(0);
    sigset_t m;
    sigemptyset(&m);
    sigaddset(&m, SIGCHLD);
    sigprocmask(SIG_BLOCK, &m, NULL);
    count = 0;
    expected = fork();
    if (expected == 0) _exit(4);
    waitpid(expected, &st, 0);
    sigset_t pending;
    sigpending(&pending);
    say("blocked: pending %d, handled %d", sigismember(&pending, SIGCHLD), count);
    sigprocmask(SIG_UNBLOCK, &m, NULL);
    say("unblocked: handled %d, code %s", count, code_name(last_code));

    /* wait interrupted by SIGCHLD without SA_RESTART still returns the child */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_chld;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGCHLD, &sa, NULL);
    expected = fork();
    if (expected == 0) { usleep(20000); _exit(8); }
    r = waitpid(expected, &st, 0);
    say("waitpid across the handler: %d, status %d", r == expected, WEXITSTATUS(st));
    return 0;
}
