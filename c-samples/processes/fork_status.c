/* fork + wait with every kind of exit status and terminating signal, as
   waitpid, wait4 and wait report them, plus the child's view of fork. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include "say.h"

static volatile int global = 7;

static void child_action(int what)
{
    struct rlimit none = { 0, 0 };
    setrlimit(RLIMIT_CORE, &none); /* no core file: WCOREDUMP is 0 natively too */
    switch (what) {
    case 0: _exit(0);
    case 1: _exit(1);
    case 2: _exit(42);
    case 3: _exit(255);
    case 4: exit(300); /* truncated to 8 bits: 44 */
    case 5: raise(SIGTERM); break;
    case 6: raise(SIGKILL); break;
    case 7: __asm__ volatile("movl $1, 0x10" ::: "memory"); break; /* SIGSEGV */
    case 8: abort();
    case 9: raise(SIGUSR1); break;
    case 10: { int q; __asm__ volatile("xorl %%ecx, %%ecx\n\tmovl $1, %%eax\n\tcltd\n\tidivl %%ecx" : "=a"(q) :: "ecx", "edx"); global = q; break; } /* SIGFPE */
    case 11: return; /* falls off main's loop: exits 3 from main */
    }
    _exit(99);
}

int main(void)
{
    char text[64];
    for (int what = 0; what <= 11; what++) {
        pid_t pid = fork();
        if (pid < 0) { say("fork: %s", strerror(errno)); return 1; }
        if (pid == 0) {
            global = 100 + what; /* the parent must not see this */
            child_action(what);
            return 3;
        }
        int st = 0;
        pid_t got = what % 3 == 0 ? waitpid(pid, &st, 0) : what % 3 == 1 ? wait4(pid, &st, 0, NULL) : wait(&st);
        say("case %d: %s, right child %d, parent's global %d", what, describe_status(st, text, sizeof text), got == pid, global);
    }
    /* nothing left to wait for */
    int st, r;
    r = wait(&st);
    say("wait with no children: %d %s", r, strerror(errno));
    r = waitpid(-1, &st, WNOHANG);
    say("waitpid(WNOHANG) with no children: %d %s", r, strerror(errno));
    /* a pid that is not a child */
    r = waitpid(getpid(), &st, 0);
    say("waitpid(getpid()): %d %s", r, strerror(errno));
    /* the child sees 0 from fork and its own pid differs from the parent's */
    int fds[2];
    if (pipe(fds) != 0) return 1;
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid == 0) {
        char ok = (getppid() == parent && getpid() != parent) ? 'y' : 'n';
        write(fds[1], &ok, 1);
        _exit(0);
    }
    char ok = '?';
    read(fds[0], &ok, 1);
    waitpid(pid, &st, 0);
    say("child's getppid is the parent, its pid new: %c", ok);
    return 0;
}
