/* Memory after fork: MAP_SHARED|MAP_ANONYMOUS pages are shared (a counter
   four children increment under a process-shared mutex, a semaphore), a
   private mapping and the heap are copies, and a shm_open object is seen
   by both processes. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include "say.h"

struct shared {
    pthread_mutex_t lock;
    sem_t ready;
    long counter;
    int atomic_counter;
};

int main(void)
{
    struct shared *s = mmap(NULL, sizeof *s, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    int *priv = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    char *heap = malloc(64);
    if (s == MAP_FAILED || priv == MAP_FAILED || !heap) return 1;
    pthread_mutexattr_t ma;
    pthread_mutexattr_init(&ma);
    pthread_mutexattr_setpshared(&ma, PTHREAD_PROCESS_SHARED);
    pthread_mutex_init(&s->lock, &ma);
    sem_init(&s->ready, 1, 0);
    *priv = 1;
    strcpy(heap, "parent's heap");

    enum { CHILDREN = 4, ROUNDS = 20000 };
    pid_t kids[CHILDREN];
    for (int c = 0; c < CHILDREN; c++) {
        kids[c] = fork();
        if (kids[c] == 0) {
            *priv = 100 + c;
            strcpy(heap, "child's heap");
            for (int i = 0; i < ROUNDS; i++) {
                pthread_mutex_lock(&s->lock);
                s->counter++;
                pthread_mutex_unlock(&s->lock);
                __atomic_add_fetch(&s->atomic_counter, 1, __ATOMIC_SEQ_CST);
                if (i % 5000 == 0) sched_yield();
            }
            sem_post(&s->ready);
            _exit(0);
        }
    }
    for (int c = 0; c < CHILDREN; c++) sem_wait(&s->ready);
    for (int c = 0; c < CHILDREN; c++) waitpid(kids[c], NULL, 0);
    say("counter %ld (want %d), atomic %d", s->counter, CHILDREN * ROUNDS, s->atomic_counter);
    say("private page %d, heap \"%s\"", *priv, heap);

    /* a child blocked on the shared semaphore is woken by the parent */
    pid_t waiter = fork();
    if (waiter == 0) {
        sem_wait(&s->ready);
        s->counter = -1;
        _exit(7);
    }
    usleep(20000);
    sem_post(&s->ready);
    int st;
    waitpid(waiter, &st, 0);
    say("waiter exited %d, counter %ld", WEXITSTATUS(st), s->counter);

    /* POSIX shared memory by name */
    char name[64];
    snprintf(name, sizeof name, "/dsu-map-shared-%ld", (long)getpid());
    shm_unlink(name);
    int fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600);
    if (fd < 0) { say("shm_open: %s", strerror(errno)); return 1; }
    ftruncate(fd, 4096);
    char *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    pid_t w = fork();
    if (w == 0) {
        int fd2 = shm_open(name, O_RDWR, 0);
        char *m2 = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd2, 0);
        strcpy(m2, "written by the child through its own mapping");
        strcpy(m + 2048, "and through the inherited one");
        _exit(0);
    }
    waitpid(w, NULL, 0);
    say("shm: \"%s\" / \"%s\"", m, m + 2048);
    shm_unlink(name);

    /* munmap in the child leaves the parent's mapping alone */
    pid_t u = fork();
    if (u == 0) {
        munmap(s, sizeof *s);
        _exit(0);
    }
    waitpid(u, NULL, 0);
    s->counter = 5;
    say("parent's shared page still mapped: %ld", s->counter);
    return 0;
}
