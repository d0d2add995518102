// Producer/consumer over a bounded queue with two condition variables:
// three producers, two consumers; every item is consumed exactly once.
#include <pthread.h>
#include <stdio.h>

#define SLOTS 8
#define PRODUCERS 3
#define CONSUMERS 2
#define ITEMS 20000

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t not_full = PTHREAD_COND_INITIALIZER;
static pthread_cond_t not_empty = PTHREAD_COND_INITIALIZER;
static int queue[SLOTS], head, count, producers_left = PRODUCERS;
static long long consumed_sum;
static int consumed_count;

static void *produce(void *arg) {
  int base = (int)(long)arg * ITEMS;
  for (int i = 1; i <= ITEMS; i++) {
    pthread_mutex_lock(&lock);
    while (count == SLOTS) pthread_cond_wait(&not_full, &lock);
    queue[(head + count++) % SLOTS] = base + i;
    pthread_cond_signal(&not_empty);
    pthread_mutex_unlock(&lock);
  }
  pthread_mutex_lock(&lock);
  producers_left--;
  pthread_cond_broadcast(&not_empty);
  pthread_mutex_unlock(&lock);
  return NULL;
}

static void *consume(void *arg) {
  long mine = 0;
  (void)arg;
  for (;;) {
    pthread_mutex_lock(&lock);
    while (count == 0 && producers_left > 0) pthread_cond_wait(&not_empty, &lock);
    if (count == 0) {
      pthread_mutex_unlock(&lock);
      break;
    }
    int v = queue[head];
    head = (head + 1) % SLOTS;
    count--;
    consumed_sum += v;
    consumed_count++;
    mine++;
    pthread_cond_signal(&not_full);
    pthread_mutex_unlock(&lock);
  }
  return (void *)mine;
}

int main(void) {
  pthread_t p[PRODUCERS], c[CONSUMERS];
  for (long i = 0; i < CONSUMERS; i++) pthread_create(&c[i], NULL, consume, NULL);
  for (long i = 0; i < PRODUCERS; i++) pthread_create(&p[i], NULL, produce, (void *)i);
  for (int i = 0; i < PRODUCERS; i++) pthread_join(p[i], NULL);
  long per_consumer = 0;
  for (int i = 0; i < CONSUMERS; i++) {
    void *r;
    pthread_join(c[i], &r);
    per_consumer += (long)r;
  }
  long long n = (long long)PRODUCERS * ITEMS;
  printf("consumed %d items (consumers say %ld), sum %lld, expected %lld\n", consumed_count, per_consumer, consumed_sum, n * (n + 1) / 2);
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  ts.tv_nsec += 20 * 1000 * 1000;
  if (ts.tv_nsec >= 1000000000) { ts.tv_sec++; ts.tv_nsec -= 1000000000; }
  pthread_mutex_lock(&lock);
  int r = pthread_cond_timedwait(&not_empty, &lock, &ts);
  pthread_mutex_unlock(&lock);
  printf("timed wait with nobody to signal: %s\n", r == 110 ? "ETIMEDOUT" : "unexpected");
  return 0;
}
