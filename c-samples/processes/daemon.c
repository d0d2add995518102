/* A daemon the classic way: fork, setsid, fork again, chdir, close the
   standard descriptors, write a pid file. The original process is a child
   subreaper (as a service manager is), so the orphaned daemon becomes its
   child natively and under dsu alike; it waits for the pid file and checks
   it names a process in another session whose first parent is gone; the
   daemon leaves a report and exits, and is reaped. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include "say.h"

static char dir[2048];

static void daemon_body(pid_t leader)
{
    /* what a daemon does before it works */
    umask(027);
    int null = open("/dev/null", O_RDWR);
    dup2(null, 0);
    char report[4200];
    snprintf(report, sizeof report, "%s/report", dir);
    int out = open(report, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(out, 1);
    dup2(null, 2);
    close(null);
    close(out);
    char pidfile[4200];
    snprintf(pidfile, sizeof pidfile, "%s/daemon.pid", dir);
    char tmp[4300];
    snprintf(tmp, sizeof tmp, "%s.tmp", pidfile);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    char line[32];
    int n = snprintf(line, sizeof line, "%d\n", getpid());
    write(fd, line, n);
    close(fd);
    /* the parent that forked it exits: wait until this process is an orphan */
    for (int i = 0; i < 2000 && getppid() == leader; i++) usleep(1000);
    say("daemon: session leader %d, group leader %d, in the first child's session %d", getsid(0) == getpid(), getpgrp() == getpid(), getsid(0) == leader);
    char cwd[8];
    say("daemon: orphaned %d, cwd is / %d", getppid() != leader, getcwd(cwd, sizeof cwd) && strcmp(cwd, "/") == 0);
    rename(tmp, pidfile);
    /* wait for the original to read the pid file and tell us to stop */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigprocmask(SIG_BLOCK, &set, NULL);
    int sig = 0;
    struct timespec limit = { 5, 0 };
    sig = sigtimedwait(&set, NULL, &limit);
    say("daemon: stopped by signal %d", sig);
    unlink(pidfile);
    _exit(0);
}

int main(void)
{
    if (!getcwd(dir, sizeof dir)) return 1;
    if (prctl(PR_SET_CHILD_SUBREAPER, 1) != 0) return 1;
    pid_t me = getpid();
    pid_t first = fork();
    if (first == 0) {
        if (setsid() < 0) _exit(1);
        pid_t leader = getpid();
        pid_t second = fork();
        if (second < 0) _exit(2);
        if (second > 0) _exit(0); /* the session leader goes: the daemon can never get a terminal */
        chdir("/");
        daemon_body(leader);
    }
    int st;
    waitpid(first, &st, 0);
    say("first child exited %d", WEXITSTATUS(st));
    char pidfile[4200];
    snprintf(pidfile, sizeof pidfile, "%s/daemon.pid", dir);
    int fd = -1;
    for (int i = 0; i < 5000 && fd < 0; i++) {
        fd = open(pidfile, O_RDONLY);
        if (fd < 0) usleep(1000);
    }
    if (fd < 0) { say("no pid file"); return 1; }
    char line[32] = { 0 };
    read(fd, line, sizeof line - 1);
    close(fd);
    pid_t daemon = atoi(line);
    say("pid file names a live process: %d, not ours: %d", kill(daemon, 0) == 0, daemon != me && daemon != first);
    REPORT("the daemon is our child now, still running", waitpid(daemon, &st, WNOHANG));
    say("it is in another session: %d", getsid(daemon) != getsid(0));
    kill(daemon, SIGTERM);
    say("reaped the daemon: %d, exited %d", waitpid(daemon, &st, 0) == daemon, WIFEXITED(st) ? WEXITSTATUS(st) : -1);
    say("pid file gone: %d", access(pidfile, F_OK) != 0);
    char report[4200];
    snprintf(report, sizeof report, "%s/report", dir);
    fd = open(report, O_RDONLY);
    char text[1024] = { 0 };
    read(fd, text, sizeof text - 1);
    close(fd);
    unlink(report);
    say("the daemon's report:\n%s", text);
    return 0;
}
