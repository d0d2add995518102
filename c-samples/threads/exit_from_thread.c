// exit() called by a non-main thread ends the whole process with its
// status, while main is blocked in pthread_join and another thread sleeps;
// atexit handlers run once.
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static void bye(void) { printf("atexit handler\n"); fflush(stdout); }

static void *sleeper(void *arg) {
  (void)arg;
  sleep(30);
  return NULL;
}

static void *quitter(void *arg) {
  (void)arg;
  usleep(10000);
  printf("quitter calls exit(7)\n");
  exit(7);
}

int main(void) {
  atexit(bye);
  pthread_t s, q;
  pthread_create(&s, NULL, sleeper, NULL);
  pthread_create(&q, NULL, quitter, NULL);
  pthread_join(s, NULL);
  printf("not reached\n");
  return 0;
}
