/* posix_spawn and posix_spawnp: a program started with file actions
   (dup2, open, close), signal defaults and mask, a new process group;
   and the errors it reports from the child's failed exec (glibc's
   posix_spawn shares memory with the child until it execs). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include "say.h"

extern char **environ;

static int child_mode(int argc, char **argv)
{
    say("  child: %d args, last \"%s\"", argc, argv[argc - 1]);
    struct sigaction sa;
    sigaction(SIGUSR1, NULL, &sa);
    sigset_t m;
    sigprocmask(SIG_BLOCK, NULL, &m);
    say("  child: SIGUSR1 %s, SIGUSR2 blocked %d, own group %d", sa.sa_handler == SIG_DFL ? "default" : "not default", sigismember(&m, SIGUSR2), getpgrp() == getpid());
    char buf[64] = { 0 };
    ssize_t n = read(0, buf, sizeof buf - 1);
    say("  child: stdin gave %zd bytes: %s", n, buf);
    say("  child: fd 5 open %d", fcntl(5, F_GETFD) >= 0);
    return 21;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "child") == 0) return child_mode(argc, argv);
    char self[4096];
    ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
    if (len <= 0) return 1;
    self[len] = 0;
    int fd = open("input.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    write(fd, "spawned input", 13);
    close(fd);
    signal(SIGUSR1, SIG_IGN);
    int keep = open("/dev/null", O_RDONLY);
    dup2(keep, 5);

    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "input.txt", O_RDONLY, 0);
    posix_spawn_file_actions_addclose(&fa, 5);
    posix_spawnattr_t at;
    posix_spawnattr_init(&at);
    sigset_t def, mask;
    sigemptyset(&def);
    sigaddset(&def, SIGUSR1);
    sigemptyset(&mask);
    sigaddset(&mask, SIGUSR2);
    posix_spawnattr_setsigdefault(&at, &def);
    posix_spawnattr_setsigmask(&at, &mask);
    posix_spawnattr_setpgroup(&at, 0);
    posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETPGROUP);
    pid_t pid;
    char *cargv[] = { self, "child", "with", "file actions", NULL };
    int r = posix_spawn(&pid, self, &fa, &at, cargv, environ);
    int st;
    pid_t got = waitpid(pid, &st, 0);
    say("posix_spawn: %s", strerror(r));
    char text[64];
    say("spawned child: right %d, %s", got == pid, describe_status(st, text, sizeof text));

    r = posix_spawn(&pid, "./no-such-program", NULL, NULL, cargv, environ);
    say("posix_spawn of a missing program: %s", strerror(r));
    if (r == 0) waitpid(pid, &st, 0);
    r = posix_spawnp(&pid, "no-such-program-in-path", NULL, NULL, cargv, environ);
    say("posix_spawnp of a missing program: %s", strerror(r));
    if (r == 0) waitpid(pid, &st, 0);
    posix_spawn_file_actions_t bad;
    posix_spawn_file_actions_init(&bad);
    posix_spawn_file_actions_addopen(&bad, 0, "no-such-input", O_RDONLY, 0);
    r = posix_spawn(&pid, self, &bad, NULL, cargv, environ);
    say("posix_spawn with a failing file action: %s", strerror(r));
    if (r == 0) waitpid(pid, &st, 0);
    fd = open("not-a-program", O_WRONLY | O_CREAT | O_TRUNC, 0755);
    write(fd, "\1\2\3\4garbage", 11);
    close(fd);
    r = posix_spawn(&pid, "./not-a-program", NULL, NULL, cargv, environ);
    say("posix_spawn of a file that is not a program: %s", strerror(r));
    if (r == 0) waitpid(pid, &st, 0);
    unlink("not-a-program");
    unlink("input.txt");
    return 0;
}
