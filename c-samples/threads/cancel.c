// pthread_cancel: of a thread blocked in read(), in a condition wait, in
// sleep(), and of one in a compute loop with asynchronous cancellation;
// cleanup handlers run, joins see PTHREAD_CANCELED, the mutex of a
// cancelled condition wait is re-acquired and released by the cleanup.
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static int fds[2];
static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t c = PTHREAD_COND_INITIALIZER;
static int cleanups;

static void cleanup(void *what) {
  cleanups++;
  printf("cleanup: %s\n", (const char *)what);
  fflush(stdout);
}

static void unlock(void *arg) {
  pthread_mutex_unlock(arg);
  cleanups++;
}

static void *in_read(void *arg) {
  char b;
  (void)arg;
  pthread_cleanup_push(cleanup, "read");
  read(fds[0], &b, 1);
  pthread_cleanup_pop(0);
  return NULL;
}

static void *in_cond(void *arg) {
  (void)arg;
  pthread_mutex_lock(&m);
  pthread_cleanup_push(unlock, &m);
  for (;;) pthread_cond_wait(&c, &m);
  pthread_cleanup_pop(1);
  return NULL;
}

static void *in_sleep(void *arg) {
  (void)arg;
  pthread_cleanup_push(cleanup, "sleep");
  sleep(30);
  pthread_cleanup_pop(0);
  return NULL;
}

static volatile unsigned long spins;
static void *in_loop(void *arg) {
  (void)arg;
  pthread_setcanceltype(PTHREAD_CANCEL_ASYNCHRONOUS, NULL);
  for (;;) spins++;
  return NULL;
}

static void cancel_and_join(const char *what, pthread_t t) {
  usleep(20000);
  pthread_cancel(t);
  void *r;
  pthread_join(t, &r);
  printf("%s: %s\n", what, r == PTHREAD_CANCELED ? "PTHREAD_CANCELED" : "returned");
  fflush(stdout);
}

int main(void) {
  pipe(fds);
  pthread_t t;
  pthread_create(&t, NULL, in_read, NULL);
  cancel_and_join("read", t);
  pthread_create(&t, NULL, in_cond, NULL);
  cancel_and_join("cond_wait", t);
  printf("mutex free again: %d\n", pthread_mutex_trylock(&m));
  pthread_mutex_unlock(&m);
  pthread_create(&t, NULL, in_sleep, NULL);
  cancel_and_join("sleep", t);
  pthread_create(&t, NULL, in_loop, NULL);
  cancel_and_join("async loop", t);
  printf("cleanups %d, loop ran: %s\n", cleanups, spins > 0 ? "yes" : "no");
  return 0;
}
