// Threads go through phases separated by a barrier; in each phase every
// thread reads what all others wrote in the phase before. One thread per
// phase is told it is the serial thread.
#include <pthread.h>
#include <stdio.h>

#define THREADS 5
#define PHASES 200

static pthread_barrier_t barrier;
static int cells[2][THREADS];
static int serial_count, errors;

static void *run(void *arg) {
  int id = (int)(long)arg;
  for (int phase = 0; phase < PHASES; phase++) {
    cells[phase & 1][id] = phase * 100 + id;
    int r = pthread_barrier_wait(&barrier);
    if (r == PTHREAD_BARRIER_SERIAL_THREAD) __atomic_fetch_add(&serial_count, 1, __ATOMIC_SEQ_CST);
    for (int j = 0; j < THREADS; j++)
      if (cells[phase & 1][j] != phase * 100 + j) __atomic_fetch_add(&errors, 1, __ATOMIC_SEQ_CST);
    pthread_barrier_wait(&barrier);
  }
  return NULL;
}

int main(void) {
  pthread_t t[THREADS];
  pthread_barrier_init(&barrier, NULL, THREADS);
  for (long i = 0; i < THREADS; i++) pthread_create(&t[i], NULL, run, (void *)i);
  for (int i = 0; i < THREADS; i++) pthread_join(t[i], NULL);
  pthread_barrier_destroy(&barrier);
  printf("phases %d, serial threads %d, errors %d\n", PHASES, serial_count, errors);
  return 0;
}
