/* A live patch for mtjobs whose struct job gains a field in the middle:
 * job_loop and job_report are replaced, but a job_loop frame already on
 * the worker's stack goes on with the old layout (what `--relaxed` would
 * leave running), which check 3 must see. */
#include <stdio.h>
#include <unistd.h>

struct job {
    int id;
    int priority;
    long done;
};

__attribute__((noipa)) void job_report(const struct job *j)
{
    printf("job %d (priority %d): %ld\n", j->id, j->priority, j->done);
    fflush(stdout);
}

__attribute__((noipa)) void job_loop(int fd)
{
    struct job j = { 1, 0, 0 };
    char c;
    while (read(fd, &c, 1) == 1) {
        j.done++;
        job_report(&j);
    }
}
