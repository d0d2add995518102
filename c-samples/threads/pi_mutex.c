// Priority-inheritance mutexes under contention: four threads take turns
// on a PTHREAD_PRIO_INHERIT mutex (FUTEX_LOCK_PI/UNLOCK_PI when contended),
// trylock and timedlock on a held one, and error checks.
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <time.h>

static pthread_mutex_t m;
static long total;

static void *run(void *arg) {
  (void)arg;
  for (int i = 0; i < 20000; i++) {
    pthread_mutex_lock(&m);
    total++;
    if (i % 1000 == 0) sched_yield();
    pthread_mutex_unlock(&m);
  }
  return NULL;
}

static void *try_it(void *arg) {
  (void)arg;
  int r1 = pthread_mutex_trylock(&m);
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  ts.tv_nsec += 20 * 1000 * 1000;
  if (ts.tv_nsec >= 1000000000) { ts.tv_sec++; ts.tv_nsec -= 1000000000; }
  int r2 = pthread_mutex_timedlock(&m, &ts);
  return (void *)(long)(r1 * 1000 + r2);
}

int main(void) {
  pthread_mutexattr_t a;
  pthread_mutexattr_init(&a);
  pthread_mutexattr_setprotocol(&a, PTHREAD_PRIO_INHERIT);
  pthread_mutexattr_settype(&a, PTHREAD_MUTEX_ERRORCHECK);
  pthread_mutex_init(&m, &a);
  pthread_t t[4];
  for (int i = 0; i < 4; i++) pthread_create(&t[i], NULL, run, NULL);
  for (int i = 0; i < 4; i++) pthread_join(t[i], NULL);
  printf("total %ld\n", total);
  pthread_mutex_lock(&m);
  printf("relock by owner: %s\n", pthread_mutex_lock(&m) == EDEADLK ? "EDEADLK" : "?");
  pthread_t other;
  pthread_create(&other, NULL, try_it, NULL);
  void *r;
  pthread_join(other, &r);
  printf("trylock %s, timedlock %s\n", (long)r / 1000 == EBUSY ? "EBUSY" : "?", (long)r % 1000 == ETIMEDOUT ? "ETIMEDOUT" : "?");
  pthread_mutex_unlock(&m);
  printf("unlock by non-owner: ");
  pthread_create(&other, NULL, (void *(*)(void *))pthread_mutex_unlock, &m);
  pthread_join(other, &r);
  printf("%s\n", (long)r == EPERM ? "EPERM" : "?");
  return 0;
}
