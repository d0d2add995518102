// Counting semaphores: a pool of 3 permits shared by 6 threads (never more
// than 3 inside), a hand-off chain where each thread posts the next, and
// sem_timedwait that times out.
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <time.h>

#define THREADS 6
static sem_t pool, chain[THREADS + 1];
static int inside, most_inside;
static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static int order[THREADS], order_len;

static void *run(void *arg) {
  int id = (int)(long)arg;
  for (int i = 0; i < 2000; i++) {
    sem_wait(&pool);
    pthread_mutex_lock(&m);
    if (++inside > most_inside) most_inside = inside;
    pthread_mutex_unlock(&m);
    sched_yield();
    pthread_mutex_lock(&m);
    inside--;
    pthread_mutex_unlock(&m);
    sem_post(&pool);
  }
  sem_wait(&chain[id]);
  order[order_len++] = id;
  sem_post(&chain[id + 1]);
  return NULL;
}

int main(void) {
  pthread_t t[THREADS];
  sem_init(&pool, 0, 3);
  for (int i = 0; i <= THREADS; i++) sem_init(&chain[i], 0, 0);
  for (long i = THREADS - 1; i >= 0; i--) pthread_create(&t[i], NULL, run, (void *)i);
  sem_post(&chain[0]);
  sem_wait(&chain[THREADS]);
  for (int i = 0; i < THREADS; i++) pthread_join(t[i], NULL);
  printf("at most 3 inside: %s, order", most_inside >= 1 && most_inside <= 3 ? "yes" : "no");
  for (int i = 0; i < order_len; i++) printf(" %d", order[i]);
  int v;
  sem_getvalue(&pool, &v);
  printf(", pool %d\n", v);
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  ts.tv_nsec += 30 * 1000 * 1000;
  if (ts.tv_nsec >= 1000000000) { ts.tv_sec++; ts.tv_nsec -= 1000000000; }
  int r = sem_timedwait(&chain[0], &ts);
  printf("sem_timedwait: %d %s\n", r, r < 0 && errno == ETIMEDOUT ? "ETIMEDOUT" : "?");
  r = sem_trywait(&chain[0]);
  printf("sem_trywait: %d %s\n", r, r < 0 && errno == EAGAIN ? "EAGAIN" : "?");
  return 0;
}
