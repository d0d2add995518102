// A thread dies holding a robust mutex (plain and priority-inheriting): the
// next locker gets EOWNERDEAD, makes it consistent, and the mutex works on.
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static pthread_mutex_t plain, pi;

static void *die_holding(void *arg) {
  pthread_mutex_lock((pthread_mutex_t *)arg);
  return NULL;
}

static void *waiter(void *arg) {
  int r = pthread_mutex_lock((pthread_mutex_t *)arg);
  if (r == EOWNERDEAD) pthread_mutex_consistent((pthread_mutex_t *)arg);
  pthread_mutex_unlock((pthread_mutex_t *)arg);
  return (void *)(long)r;
}

static void init(pthread_mutex_t *m, int protocol) {
  pthread_mutexattr_t a;
  pthread_mutexattr_init(&a);
  pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
  pthread_mutexattr_setprotocol(&a, protocol);
  pthread_mutex_init(m, &a);
}

static void check(const char *what, pthread_mutex_t *m) {
  pthread_t t;
  pthread_create(&t, NULL, die_holding, m);
  pthread_join(t, NULL);
  int r = pthread_mutex_lock(m);
  printf("%s: lock after the owner died: %s\n", what, r == EOWNERDEAD ? "EOWNERDEAD" : strerror(r));
  if (r == EOWNERDEAD) printf("%s: consistent: %d\n", what, pthread_mutex_consistent(m));
  printf("%s: unlock: %d, relock: %d, unlock: %d\n", what, pthread_mutex_unlock(m), pthread_mutex_lock(m), pthread_mutex_unlock(m));
}

static void contended(const char *what, pthread_mutex_t *m) {
  // the owner holds it while a waiter blocks; the owner dies; the waiter inherits it
  pthread_t owner, w;
  pthread_mutex_lock(m);
  pthread_create(&w, NULL, waiter, m);
  usleep(20000);
  pthread_mutex_unlock(m);
  void *r;
  pthread_join(w, &r);
  printf("%s: contended handoff: %d\n", what, (int)(long)r);
  (void)owner;
}

int main(void) {
  init(&plain, PTHREAD_PRIO_NONE);
  init(&pi, PTHREAD_PRIO_INHERIT);
  check("plain", &plain);
  check("pi", &pi);
  contended("plain", &plain);
  contended("pi", &pi);
  return 0;
}
