// One thread blocks in read() on a pipe while the others compute; the
// computation finishes (the blocked reader never stops it), then main
// writes and the reader wakes with the data.
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int fds[2];
static char got[64];
static volatile int reader_started;

static void *reader(void *arg) {
  (void)arg;
  reader_started = 1;
  ssize_t n = read(fds[0], got, sizeof got - 1);
  if (n > 0) got[n] = 0;
  return (void *)n;
}

static void *compute(void *arg) {
  unsigned long x = (unsigned long)arg;
  for (int i = 0; i < 3000000; i++) x = x * 1103515245u + 12345u;
  return (void *)x;
}

int main(void) {
  pipe(fds);
  pthread_t r, c[2];
  pthread_create(&r, NULL, reader, NULL);
  while (!reader_started) sched_yield();
  usleep(20000);
  pthread_create(&c[0], NULL, compute, (void *)1);
  pthread_create(&c[1], NULL, compute, (void *)2);
  void *v0, *v1, *n;
  pthread_join(c[0], &v0);
  pthread_join(c[1], &v1);
  printf("computed %lx %lx while the reader waited (got so far: \"%s\")\n", (unsigned long)v0, (unsigned long)v1, got);
  write(fds[1], "hello reader", 12);
  pthread_join(r, &n);
  printf("reader got %ld bytes: %s\n", (long)n, got);
  return 0;
}
