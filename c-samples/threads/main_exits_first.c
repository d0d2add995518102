// The main thread calls pthread_exit while workers still run: the process
// lives on until the last worker returns, and ends with status 0. Each
// worker waits for the one before it, so the order is fixed.
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <unistd.h>

static sem_t turn[4];

static void *worker(void *arg) {
  long id = (long)arg;
  sem_wait(&turn[id]);
  usleep(10000);
  printf("worker %ld done\n", id);
  fflush(stdout);
  sem_post(&turn[id + 1]);
  return NULL;
}

int main(void) {
  pthread_t t[3];
  for (int i = 0; i < 4; i++) sem_init(&turn[i], 0, 0);
  for (long i = 0; i < 3; i++) pthread_create(&t[i], NULL, worker, (void *)i);
  printf("main leaves\n");
  fflush(stdout);
  sem_post(&turn[0]);
  pthread_exit(NULL);
}
