#define _GNU_SOURCE
/* execve and execveat: of the program itself and of its other build (a
   static program exec'ing a dynamic one and back), with argv and envp,
   close-on-exec, signal dispositions and mask across exec, the pid kept,
   and the errors of programs that cannot be run. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include "say.h"

extern char **environ;

static int show(int argc, char **argv)
{
    say("  argc %d", argc);
    for (int i = 2; i < argc; i++) say("  argv[%d] %s", i, argv[i]);
    const char *v = getenv("EXEC_TEST");
    say("  EXEC_TEST=%s, environ has %d entries", v ? v : "(unset)", ({ int n = 0; while (environ[n]) n++; n; }));
    say("  fd 7 open %d, fd 8 open %d", fcntl(7, F_GETFD) >= 0, fcntl(8, F_GETFD) >= 0);
    struct sigaction sa;
    sigaction(SIGUSR1, NULL, &sa);
    const char *usr1 = sa.sa_handler == SIG_IGN ? "ignored" : sa.sa_handler == SIG_DFL ? "default" : "caught";
    sigaction(SIGUSR2, NULL, &sa);
    const char *usr2 = sa.sa_handler == SIG_IGN ? "ignored" : sa.sa_handler == SIG_DFL ? "default" : "caught";
    sigset_t mask;
    sigprocmask(SIG_BLOCK, NULL, &mask);
    say("  SIGUSR1 %s, SIGUSR2 %s, SIGTERM blocked %d", usr1, usr2, sigismember(&mask, SIGTERM));
    say("  pid kept %d", argc > 1 && atoi(argv[1] + 5) == getpid());
    return 40 + argc;
}

static void on_usr2(int sig) { (void)sig; }

static char self[4096], other[4096];

static void run(const char *what, void (*body)(void))
{
    pid_t pid = fork();
    if (pid == 0) {
        body();
        say("  exec failed: %s", strerror(errno));
        _exit(127);
    }
    int st;
    waitpid(pid, &st, 0);
    char text[64];
    say("%s: %s", what, describe_status(st, text, sizeof text));
}

static char pidarg[32];
static char *child_env[] = { "EXEC_TEST=yes", "OTHER=1", NULL };

static void exec_self(void)
{
    snprintf(pidarg, sizeof pidarg, "show:%d", getpid());
    int keep = open("/dev/null", O_RDONLY);
    int gone = open("/dev/null", O_RDONLY | O_CLOEXEC);
    dup2(keep, 7);
    dup3(gone, 8, O_CLOEXEC);
    signal(SIGUSR1, SIG_IGN);
    signal(SIGUSR2, on_usr2);
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGTERM);
    sigprocmask(SIG_BLOCK, &mask, NULL);
    char *argv[] = { self, pidarg, "first", "second arg", "", NULL };
    execve(self, argv, child_env);
}

static void exec_other(void)
{
    snprintf(pidarg, sizeof pidarg, "show:%d", getpid());
    char *argv[] = { other, pidarg, "to the other build", NULL };
    execve(other, argv, child_env);
}

static void exec_at(void)
{
    snprintf(pidarg, sizeof pidarg, "show:%d", getpid());
    char dir[4096];
    strcpy(dir, self);
    char *slash = strrchr(dir, '/');
    *slash = 0;
    int dfd = open(dir, O_RDONLY | O_DIRECTORY);
    char *argv[] = { "relative", pidarg, "by execveat", NULL };
    syscall(SYS_execveat, dfd, slash + 1, argv, child_env, 0);
}

static void exec_fd(void)
{
    snprintf(pidarg, sizeof pidarg, "show:%d", getpid());
    int fd = open(self, O_RDONLY | O_CLOEXEC);
    char *argv[] = { "fexecve", pidarg, "by fexecve", NULL };
    fexecve(fd, argv, child_env);
}

static void try_exec(const char *label, const char *path)
{
    char *argv[] = { (char *)path, NULL };
    errno = 0;
    int r = execve(path, argv, environ);
    say("%s: %d %s", label, r, strerror(errno));
}

int main(int argc, char **argv)
{
    if (argc > 1 && strncmp(argv[1], "show:", 5) == 0) return show(argc, argv);
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0) return 1;
    self[n] = 0;
    strcpy(other, self);
    char *dot = strrchr(other, '.');
    strcpy(dot, strcmp(dot, ".dyn") == 0 ? ".static" : ".dyn");

    run("exec itself", exec_self);
    run("exec the other build", exec_other);
    run("execveat by directory and name", exec_at);
    run("fexecve", exec_fd);

    /* errors: the caller keeps running */
    try_exec("missing", "./no-such-program");
    try_exec("a directory", ".");
    int fd = open("not-executable", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    write(fd, "\177ELF", 4);
    close(fd);
    try_exec("no execute permission", "./not-executable");
    fd = open("garbage", O_WRONLY | O_CREAT | O_TRUNC, 0755);
    write(fd, "this is not a program\n", 22);
    close(fd);
    try_exec("not a program", "./garbage");
    fd = open("empty", O_WRONLY | O_CREAT | O_TRUNC, 0755);
    close(fd);
    try_exec("an empty file", "./empty");
    fd = open("truncated-elf", O_WRONLY | O_CREAT | O_TRUNC, 0755);
    write(fd, "\177ELF\1\1\1", 7);
    close(fd);
    try_exec("a truncated ELF header", "./truncated-elf");
    REPORT("execve(NULL argv) of a missing program", syscall(SYS_execve, "./no-such-program", NULL, NULL));
    unlink("not-executable");
    unlink("garbage");
    unlink("empty");
    unlink("truncated-elf");
    return 0;
}
