/* #! scripts whose interpreter is an i386 program (this one): the kernel
   runs the interpreter with the optional argument, the script's path and
   the script's own arguments; a script naming a missing interpreter fails
   with ENOENT, and one naming another script is followed. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include "say.h"

static char self[4096];

static int interpreter(int argc, char **argv)
{
    say("  interpreter got %d arguments", argc);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        /* the script's path is printed relative to the working directory */
        const char *base = strrchr(a, '/');
        say("  [%d] %s", i, base && strstr(a, "script") ? base + 1 : a);
    }
    return 0;
}

static void write_script(const char *name, const char *first_line, const char *body)
{
    int fd = open(name, O_WRONLY | O_CREAT | O_TRUNC, 0755);
    write(fd, first_line, strlen(first_line));
    write(fd, body, strlen(body));
    close(fd);
}

static void run_script(const char *label, const char *path)
{
    pid_t pid = fork();
    if (pid == 0) {
        char *argv[] = { (char *)path, "one", "two words", NULL };
        char *envp[] = { "SCRIPT_TEST=1", NULL };
        execve(path, argv, envp);
        say("  %s: execve failed: %s", label, strerror(errno));
        _exit(127);
    }
    int st;
    waitpid(pid, &st, 0);
    char text[64];
    say("%s: %s", label, describe_status(st, text, sizeof text));
}

int main(int argc, char **argv)
{
    if (getenv("SCRIPT_TEST")) return interpreter(argc, argv);
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0) return 1;
    self[n] = 0;
    char line[4200];

    snprintf(line, sizeof line, "#!%s\n", self);
    write_script("script-plain", line, "body\n");
    run_script("no argument", "./script-plain");

    snprintf(line, sizeof line, "#! %s  -x  \n", self);
    write_script("script-arg", line, "");
    run_script("one argument, spaces around", "./script-arg");

    snprintf(line, sizeof line, "#!%s -a -b\tc\n", self);
    write_script("script-args", line, "");
    run_script("the rest of the line is one argument", "./script-args");

    snprintf(line, sizeof line, "#!%s", self);
    write_script("script-nonl", line, "");
    run_script("no newline at the end", "./script-nonl");

    write_script("script-chain", "#!./script-arg chained\n", "");
    run_script("a script as interpreter", "./script-chain");

    write_script("script-missing", "#!/no/such/interpreter\n", "");
    run_script("missing interpreter", "./script-missing");

    write_script("script-empty", "#!\n", "");
    run_script("empty interpreter", "./script-empty");

    int fd = open("script-noexec", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    write(fd, line, strlen(line));
    close(fd);
    run_script("script without execute permission", "./script-noexec");

    const char *names[] = { "script-plain", "script-arg", "script-args", "script-nonl", "script-chain", "script-missing", "script-empty", "script-noexec" };
    for (unsigned i = 0; i < sizeof names / sizeof *names; i++) unlink(names[i]);
    return 0;
}
