/* Two threads for gdb's `info threads` (test/integration/gdb.test.ts): the
 * second stops in worker() while main waits for it. */
#include <pthread.h>
#include <stdio.h>

int done_by_worker;

static void *worker(void *arg) {
  done_by_worker = *(int *)arg;
  return NULL;
}

int main(void) {
  pthread_t t;
  int value = 42;
  pthread_create(&t, NULL, worker, &value);
  pthread_join(t, NULL);
  printf("%d\n", done_by_worker);
  return 0;
}
