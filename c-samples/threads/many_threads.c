// 200 threads created and joined in waves of 50 and then all at once, each
// returning a value derived from its argument; detached threads too.
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static int detached_done;
static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t c = PTHREAD_COND_INITIALIZER;

static void *square(void *arg) {
  long v = (long)arg;
  return (void *)(v * v);
}

static void *detached(void *arg) {
  (void)arg;
  pthread_mutex_lock(&m);
  detached_done++;
  pthread_cond_signal(&c);
  pthread_mutex_unlock(&m);
  return NULL;
}

int main(void) {
  static pthread_t t[200];
  long total = 0;
  for (int wave = 0; wave < 4; wave++) {
    for (long i = 0; i < 50; i++) pthread_create(&t[i], NULL, square, (void *)(wave * 50 + i));
    for (int i = 0; i < 50; i++) {
      void *r;
      pthread_join(t[i], &r);
      total += (long)r;
    }
  }
  printf("waves: %ld\n", total);
  total = 0;
  int made = 0;
  for (long i = 0; i < 200; i++) made += pthread_create(&t[i], NULL, square, (void *)i) == 0;
  for (int i = 0; i < 200; i++) {
    void *r;
    pthread_join(t[i], &r);
    total += (long)r;
  }
  printf("all at once: %d threads, %ld\n", made, total);
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  pthread_attr_setstacksize(&attr, 64 * 1024);
  for (int i = 0; i < 20; i++) {
    pthread_t d;
    pthread_create(&d, &attr, detached, NULL);
  }
  pthread_mutex_lock(&m);
  while (detached_done < 20) pthread_cond_wait(&c, &m);
  pthread_mutex_unlock(&m);
  printf("detached: %d\n", detached_done);
  return 0;
}
