/* mtjobs: a worker thread runs job_loop, which keeps a struct job on its
 * own stack and waits in read() for work (a byte on stdin each), while the
 * main thread wakes every few milliseconds until the worker is done (so it
 * is main, not the worker, that last ran on the CPU). For the type checks
 * over every thread's stack: job_loop is live in the worker only. */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

struct job {
    int id;
    long done;
};

__attribute__((noipa)) void job_report(const struct job *j)
{
    printf("job %d: %ld\n", j->id, j->done);
    fflush(stdout);
}

__attribute__((noipa)) void job_loop(int fd)
{
    struct job j = { 1, 0 };
    char c;
    while (read(fd, &c, 1) == 1) {
        j.done++;
        job_report(&j);
    }
}

static volatile int finished;

static void *worker(void *arg)
{
    job_loop((int)(long)arg);
    finished = 1;
    return NULL;
}

int main(void)
{
    pthread_t t;
    if (pthread_create(&t, NULL, worker, (void *)0L) != 0)
        return 1;
    printf("ready\n");
    fflush(stdout);
    while (!finished)
        usleep(5000);
    pthread_join(t, NULL);
    return 0;
}
