/* exec-direct [--cpu] PROGRAM [ARG...]: execve PROGRAM itself, as the kernel
 * is asked to, with no shell fallback (execvp, which env, prlimit and
 * setpriv use, runs a file the kernel refuses with ENOEXEC as a shell
 * script). When execve fails: "exec-direct: execve PROGRAM: ERRNO-NAME
 * (message)" on stderr and status 126 (127 for ENOENT), as a shell exits.
 * With --cpu, PROGRAM runs in a child; its CPU time (user + system, its own
 * children included) is printed last on stderr as "exec-direct: cpu MS", and
 * its status passed on (a signal's death by the same signal). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static const char *errno_name(int e) {
  switch (e) {
    case ENOENT: return "ENOENT";
    case EACCES: return "EACCES";
    case ENOEXEC: return "ENOEXEC";
    case ENOMEM: return "ENOMEM";
    case EINVAL: return "EINVAL";
    case EIO: return "EIO";
    case ELIBBAD: return "ELIBBAD";
    case E2BIG: return "E2BIG";
    case EFAULT: return "EFAULT";
    case ENOTDIR: return "ENOTDIR";
    case EISDIR: return "EISDIR";
    case EPERM: return "EPERM";
    case ETXTBSY: return "ETXTBSY";
    default: return "E?";
  }
}

static int run(char **argv) {
  execve(argv[0], argv, environ);
  int e = errno;
  fprintf(stderr, "exec-direct: execve %s: %s (%s)\n", argv[0], errno_name(e), strerror(e));
  return e == ENOENT ? 127 : 126;
}

int main(int argc, char **argv) {
  int cpu = argc > 1 && strcmp(argv[1], "--cpu") == 0;
  if (argc < 2 + cpu) {
    fprintf(stderr, "usage: exec-direct [--cpu] PROGRAM [ARG...]\n");
    return 2;
  }
  if (!cpu) return run(argv + 1);
  pid_t child = fork();
  if (child < 0) {
    perror("exec-direct: fork");
    return 126;
  }
  if (child == 0) _exit(run(argv + 2));
  int status;
  struct rusage usage;
  if (wait4(child, &status, 0, &usage) < 0) {
    perror("exec-direct: wait4");
    return 126;
  }
  long ms = (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1000L + (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1000L;
  fprintf(stderr, "exec-direct: cpu %ld\n", ms);
  if (WIFSIGNALED(status)) {
    signal(WTERMSIG(status), SIG_DFL);
    kill(getpid(), WTERMSIG(status));
    return 128 + WTERMSIG(status);
  }
  return WEXITSTATUS(status);
}
