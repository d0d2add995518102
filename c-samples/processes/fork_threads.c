/* fork and exec in a multi-threaded process: the child has only the thread
   that forked (its other threads are not copied, and a mutex another thread
   held stays as it was), a thread that forks is the child's main thread,
   and execve from a second thread ends the others and takes the process's
   pid. */
#include <pthread.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include "say.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int pipefd[2];
static char *self;

static void *holder(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&lock);
    char b;
    read(pipefd[0], &b, 1); /* hold the lock until told */
    pthread_mutex_unlock(&lock);
    return NULL;
}

static int threads_of_self(void)
{
    /* the number of threads in /proc/self/status */
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    int n = -1;
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "Threads: %d", &n) == 1) break;
    if (f) fclose(f);
    return n;
}

static void *forker(void *arg)
{
    (void)arg;
    pid_t c = fork();
    if (c == 0) {
        say("child of a second thread: threads %d, main thread is me %d", threads_of_self(), (pid_t)syscall(SYS_gettid) == getpid());
        _exit(3);
    }
    int st;
    waitpid(c, &st, 0);
    say("second thread's child exited %d", WEXITSTATUS(st));
    return NULL;
}

static void *execer(void *arg)
{
    (void)arg;
    char *args[] = { self, "after-exec", NULL };
    execv("/proc/self/exe", args);
    say("execv failed");
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc > 1) {
        say("exec'd from a second thread: threads %d, pid kept %d", threads_of_self(), getpid() == atoi(getenv("FORK_THREADS_PID")));
        return 0;
    }
    self = argv[0];
    if (pipe(pipefd) != 0) return 1;
    pthread_t h;
    pthread_create(&h, NULL, holder, NULL);
    while (pthread_mutex_trylock(&lock) == 0) { pthread_mutex_unlock(&lock); usleep(1000); }
    say("parent threads %d", threads_of_self());
    pid_t c = fork();
    if (c == 0) {
        say("child threads %d, lock still held %d", threads_of_self(), pthread_mutex_trylock(&lock) != 0);
        _exit(0);
    }
    int st;
    waitpid(c, &st, 0);
    say("child exited %d", WEXITSTATUS(st));
    write(pipefd[1], "x", 1);
    pthread_join(h, NULL);

    pthread_t f;
    pthread_create(&f, NULL, forker, NULL);
    pthread_join(f, NULL);

    char pid[16];
    snprintf(pid, sizeof pid, "%d", getpid());
    setenv("FORK_THREADS_PID", pid, 1);
    pthread_t e, idle;
    pthread_create(&idle, NULL, holder, NULL); /* blocks in read: must vanish at exec */
    pthread_create(&e, NULL, execer, NULL);
    pthread_join(e, NULL);
    say("not reached");
    return 1;
}
